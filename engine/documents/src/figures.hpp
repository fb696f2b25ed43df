#pragma once

// A figure as the text documents write it: `digits` decimals, a dash for none (NaN).

#include <cmath>
#include <string>

#include "skon/core/messages.hpp"

namespace skon::engine::detail {

inline std::string fixed(double v, int digits = 3) {
  return std::isnan(v) ? "–" : format_fixed(v, digits, Language::English);
}

}  // namespace skon::engine::detail
