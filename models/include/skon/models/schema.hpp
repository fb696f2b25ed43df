#pragma once

// The data dictionary as the models library sees it: a neutral description of each column, built
// by the caller from the rule files' field declarations (models never depends on the language).

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "skon/base/errors.hpp"

namespace skon::models {

enum class ColumnType : std::uint8_t { Number, Bool, Category, Date, Text };

const char* to_string(ColumnType t);

struct ColumnSpec {
  std::string name;  // field name
  ColumnType type = ColumnType::Number;
  std::optional<double> low;  // declared range, inclusive (numbers)
  std::optional<double> high;
  std::vector<std::string> levels;  // category values
  std::string source;               // the data source the field comes from (for explanations)
  std::string label;
  // The index (in the same column list) of a bool column that must be true for this one to be
  // read: otherwise its cell is not parsed nor checked, and the value is missing (consent).
  int consent = -1;
};

// A missing value is NaN in every numeric representation below.
inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
inline bool is_missing(double v) {
  return std::isnan(v);
}

}  // namespace skon::models
