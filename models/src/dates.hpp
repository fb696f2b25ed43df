#pragma once

// Calendar days for cell parsing (models cannot use the language library's date functions).

#include <cstdint>
#include <optional>
#include <string_view>

namespace skon::models::detail {

// Days since 1970-01-01 of YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY; nothing if no real day.
std::optional<std::int32_t> parse_day(std::string_view text);

}  // namespace skon::models::detail
