// Group gaps carry their uncertainty: a seeded bootstrap over the rows, whose standard deviation
// shrinks as the rows grow, and which a gate `at 95 %` acts on (engine/run_test.cpp).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "skon/models/metrics.hpp"

using namespace skon::models;

namespace {

GroupReport report_of(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> group(n), labels(n), probs(n);
  for (std::size_t i = 0; i < n; ++i) {
    group[i] = static_cast<double>(i % 2);
    probs[i] = u(rng);
    labels[i] = u(rng) < probs[i] ? 1 : 0;
  }
  return group_report("sex", {"female", "male"}, group, labels, probs, 0.8);
}

}  // namespace

TEST_CASE("group gaps: a seeded bootstrap gives each gap a standard deviation") {
  const GroupReport small = report_of(2000, 1);
  CHECK(small.resamples == 200);
  CHECK(small.sd_flag_rate > 0);
  CHECK(small.sd_tpr > 0);
  CHECK(small.sd_largest > 0);
  CHECK(small.largest() ==
        doctest::Approx(std::max(
            {small.gap_flag_rate, small.gap_tpr, small.gap_fpr, std::abs(small.gap_calibration)})));
  // The same data give the same figures.
  const GroupReport again = report_of(2000, 1);
  CHECK(again.sd_largest == small.sd_largest);
  // A flag rate's SD for two groups of n/2 is about sqrt(2 p (1 - p) / (n / 2)) with p = 0.2.
  CHECK(small.sd_flag_rate == doctest::Approx(std::sqrt(2 * 0.2 * 0.8 / 1000)).epsilon(0.35));
  // Ten times the rows: about a third of the uncertainty.
  const GroupReport large = report_of(20000, 1);
  CHECK(large.sd_flag_rate < small.sd_flag_rate / 2);
  CHECK(z_for(0.95) == doctest::Approx(1.959964).epsilon(1e-6));
  CHECK(z_for(0.90) == doctest::Approx(1.644854).epsilon(1e-6));
}

TEST_CASE("group gaps: above 200,000 rows the bootstrap draws per cell, with the same spread") {
  // Just below the limit rows are resampled; just above, cells: their SDs agree to within what
  // 200 resamples can tell (about 10 %) and the 2 % the sizes differ by.
  const GroupReport rows = report_of(199000, 3);
  const GroupReport cells = report_of(201000, 3);
  CHECK(cells.resamples == 200);
  CHECK(cells.sd_flag_rate == doctest::Approx(rows.sd_flag_rate).epsilon(0.2));
  CHECK(cells.sd_tpr == doctest::Approx(rows.sd_tpr).epsilon(0.2));
  CHECK(cells.sd_fpr == doctest::Approx(rows.sd_fpr).epsilon(0.2));
  CHECK(cells.sd_calibration == doctest::Approx(rows.sd_calibration).epsilon(0.2));
  // And by the formula: two groups of n/2, flag rate p = 0.2.
  CHECK(cells.sd_flag_rate == doctest::Approx(std::sqrt(2 * 0.2 * 0.8 / 100500)).epsilon(0.2));
}
