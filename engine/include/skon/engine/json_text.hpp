#pragma once

// JSON text written by hand, for speed and a fixed key order: the same inputs give byte-identical
// output.

#include <string>
#include <string_view>

namespace skon::engine::detail {

// A JSON string literal of `s` (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Shortest round-trip decimal (integers without a fraction), or null for NaN/Inf.
void append_json_number(std::string& out, double v);

}  // namespace skon::engine::detail
