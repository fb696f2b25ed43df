#include "skon/models/drift.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace skon::models;
using namespace skon::base;

TEST_CASE("drift: PSI by its definition, and the level chance reaches at a sample's size") {
  const std::vector<double> e = {0.25, 0.25, 0.5}, a = {0.5, 0.25, 0.25};
  CHECK(psi(e, a) == doctest::Approx(0.25 * std::log(2.0) + 0.25 * std::log(2.0)));
  CHECK(psi(e, e) == 0);
  CHECK(std::isfinite(psi(std::vector<double>{0.5, 0.5, 0}, std::vector<double>{0.4, 0.4, 0.2})));
  // Chi-square quantiles (Wilson–Hilferty is within 1 % here).
  CHECK(chi_square_quantile(0.99, 9) == doctest::Approx(21.666).epsilon(0.01));
  CHECK(chi_square_quantile(0.95, 1) == doctest::Approx(3.841).epsilon(0.03));
  // Two samples of one distribution exceed the noise level about 1 time in 1,000.
  FeatureTransform t;
  t.column.name = "x";
  t.column.type = ColumnType::Number;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> reference(50000);
  for (double& v : reference) v = normal(rng);
  const FieldReference ref = field_reference(t, reference);
  CHECK(ref.edges.size() == 9);
  std::vector<double> expected = ref.shares;
  expected.push_back(ref.missing);
  int over = 0;
  constexpr int kTrials = 400;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> sample(300);
    for (double& v : sample) v = normal(rng);
    const auto counts = bin_counts(ref, t, sample);
    std::vector<double> actual;
    for (double c : counts) actual.push_back(c / 300.0);
    over += psi(expected, actual) > psi_noise_level(expected.size(), 50000, 300) ? 1 : 0;
  }
  CHECK(over <= kTrials * 2 / 100);  // about 0.1 %; the empty missing bin makes it conservative
  // A PSI of 0.1 on 300 rows is noise (chance reaches 0.099 for 11 bins); at 100,000 rows chance
  // reaches a fraction of the conventional thresholds.
  CHECK(psi_noise_level(11, 50000, 300) > 0.095);
  CHECK(psi_noise_level(11, 50000, 100000) < 0.01);
}

TEST_CASE("drift: a field's reference adds up, categories and bools by value, missing apart") {
  FeatureTransform t;
  t.column.name = "track";
  t.column.type = ColumnType::Category;
  t.levels = {"stx", "hhx", "eux"};
  const std::vector<double> values = {0, 0, 1, 2, kMissing, 0, 1, kMissing};
  const FieldReference r = field_reference(t, values);
  REQUIRE(r.shares.size() == 3);
  CHECK(r.shares[0] == doctest::Approx(3.0 / 8));
  CHECK(r.missing == doctest::Approx(2.0 / 8));
  CHECK(r.shares[0] + r.shares[1] + r.shares[2] + r.missing == doctest::Approx(1.0));
  FeatureTransform b;
  b.column.name = "flag";
  b.column.type = ColumnType::Bool;
  const FieldReference rb = field_reference(b, std::vector<double>{0, 1, 1, 1});
  CHECK(rb.shares == std::vector<double>{0.25, 0.75});
}
