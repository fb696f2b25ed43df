#include "dates.hpp"

namespace skon::models::detail {
namespace {

bool digits(std::string_view s, int& out) {
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return !s.empty();
}

}  // namespace

std::optional<std::int32_t> parse_day(std::string_view t) {
  int y = 0, m = 0, d = 0;
  if (t.size() != 10) return std::nullopt;
  if (t[4] == '-' && t[7] == '-') {
    if (!digits(t.substr(0, 4), y) || !digits(t.substr(5, 2), m) || !digits(t.substr(8, 2), d)) {
      return std::nullopt;
    }
  } else if ((t[2] == '-' && t[5] == '-') || (t[2] == '.' && t[5] == '.')) {
    if (!digits(t.substr(6, 4), y) || !digits(t.substr(3, 2), m) || !digits(t.substr(0, 2), d)) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

}  // namespace skon::models::detail
