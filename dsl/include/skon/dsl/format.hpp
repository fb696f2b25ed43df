#pragma once

#include <string>

#include "skon/dsl/ast.hpp"
#include "skon/dsl/source.hpp"

namespace skon::dsl {

// The canonical text of a module: two-space indentation, one statement per line, one space
// around operators, a blank line around every block declaration, comments kept where they were
// (own-line comments above the next item, trailing comments on their line). Idempotent:
// format(parse(format(m))) == format(m), and the AST it describes is the one given.
std::string format_module(const ast::Module& module, const SourceMap& sources);

// The source form of an expression, with the parentheses the author wrote.
std::string format_expr(const ast::Expr& expr);

// A span-free dump of a module's AST, for tests that compare trees (formatting must not change
// them) and for golden files.
std::string dump_module(const ast::Module& module);

}  // namespace skon::dsl
