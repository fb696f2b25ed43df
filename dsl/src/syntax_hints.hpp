#pragma once

// Syntax errors for the mistakes people bring from other languages and from Danish number
// writing: `&&`, `||`, `!`, a decimal comma, and a `{` never closed (reported at the brace that
// opened it, not at the next declaration).

#include <string_view>

#include "skon/dsl/diagnostic.hpp"

namespace skon::dsl::detail {

// Rewrites the syntax error `d` (E0101 at byte `at` of `text`) when its cause is one of the known
// mistakes: a better message or help, a fix-it, or a new primary location. `declaration_start`
// is where the declaration being parsed began.
void improve_syntax_error(std::string_view text, FileId file, std::size_t at,
                          std::size_t declaration_start, Diagnostic& d);

// Whether `at` starts a line that begins a declaration (`rule`, `purpose`, ...).
bool starts_declaration(std::string_view text, std::size_t at);

}  // namespace skon::dsl::detail
