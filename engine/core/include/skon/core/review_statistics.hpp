#pragma once

// How professionals decided on a purpose's assessments: the audit wing counts them
// (audit/review_statistics.hpp), the studies use them (monitor). A value, so neither knows the
// other.

#include <cstddef>
#include <string>
#include <vector>

namespace skon::engine {

struct DecisionCounts {
  std::string level;
  std::size_t agree = 0, disagree = 0, needs_information = 0, pending = 0;
};

struct HumanSide {
  std::size_t runs = 0, reviews = 0, decided = 0;
  std::vector<DecisionCounts> by_level;  // highest level first
  double agreement = 0;                  // agree / decided
  double pending_median_days = 0, pending_oldest_days = 0;
};

}  // namespace skon::engine
