#pragma once

#include <cstddef>

#include "skon/dsl/ast.hpp"
#include "skon/dsl/diagnostic.hpp"
#include "skon/dsl/source.hpp"

namespace skon::dsl {

// Bounds that keep any input — however hostile — from crashing, hanging or exhausting the stack.
struct ParseLimits {
  std::size_t max_file_bytes = 16u << 20;  // 16 MiB
  unsigned max_nesting = 64;               // parentheses, and expression depth / 4
  std::size_t max_errors = 50;  // parsing a file stops past this many errors in the run (E0004)
};

// Parses one file of `sources` into a module. Syntax errors become diagnostics in `bag` and the
// parser resumes at the next top-level declaration, so one run reports every broken declaration;
// the module holds the declarations that parsed. Never throws for bad input.
ast::Module parse_module(const SourceMap& sources, FileId file, DiagnosticBag& bag,
                         const ParseLimits& limits = {});

// Checks `text` for valid UTF-8; returns the byte offset of the first invalid sequence, or
// npos when valid.
std::size_t find_invalid_utf8(std::string_view text);

}  // namespace skon::dsl
