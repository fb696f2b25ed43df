#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skon::base {

// Days since 1970-01-01 of a proleptic Gregorian date; nothing when `text` is not YYYY-MM-DD or
// names no real day (2026-02-30).
std::optional<std::int32_t> parse_iso_date(std::string_view text);

// YYYY-MM-DD of a day count.
std::string format_iso_date(std::int32_t days);

}  // namespace skon::base
