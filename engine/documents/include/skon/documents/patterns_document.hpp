#pragma once

// What `skon patterns` shows: its result as text and JSON, and the report's (and the paper's)
// section of it.

#include <string>

#include "skon/documents/document.hpp"
#include "skon/studies/patterns.hpp"

namespace skon::engine {

// As JSON text (indented, one trailing newline).
std::string patterns_json(const PatternsResult& result);
std::string patterns_text(const PatternsResult& result);
// The report's section (and the paper's): headings, a table per field group, correlations.
void patterns_section(Document& doc, const PatternsResult& result, Language language);

}  // namespace skon::engine
