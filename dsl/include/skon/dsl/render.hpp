#pragma once

#include <string>
#include <vector>

#include "skon/dsl/diagnostic.hpp"
#include "skon/dsl/source.hpp"

namespace skon::dsl {

struct RenderOptions {
  bool colour = false;  // ANSI colours; the CLI turns this on only for a terminal
};

// Compiler-style text: `file:line:col: error[E0104]: message`, the source line, a caret under the
// span, then notes and `help:`. Ends with a newline.
std::string render_text(const Diagnostic& d, const SourceMap& sources, RenderOptions options = {});

// Machine-readable form, one JSON document (indented, one trailing newline):
// {diagnostics: [{code, severity, message, help, file, line, column, end_line, end_column,
// notes[{message, file, line, column}], fix{...}}, ...], errors, warnings}.
std::string render_json(const std::vector<const Diagnostic*>& diagnostics, const SourceMap& sources,
                        std::size_t errors, std::size_t warnings);

// "2 errors, 1 warning" style summary line (no newline).
std::string summary_line(std::size_t errors, std::size_t warnings);

}  // namespace skon::dsl
