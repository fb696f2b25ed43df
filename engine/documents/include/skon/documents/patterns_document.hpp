#pragma once

// What `skon patterns` shows: its result as text and JSON, and the report's (and the paper's)
// section of it.

#include <nlohmann/json.hpp>
#include <string>

#include "skon/documents/document.hpp"
#include "skon/studies/patterns.hpp"

namespace skon::engine {

nlohmann::ordered_json patterns_json(const PatternsResult& result);
std::string patterns_text(const PatternsResult& result);
// The report's section (and the paper's): headings, a table per field group, correlations.
void patterns_section(Document& doc, const PatternsResult& result, bool danish);

}  // namespace skon::engine
