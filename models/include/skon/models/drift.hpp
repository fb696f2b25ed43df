#pragma once

// Drift between the rows a model was trained on and a newer cohort (`skon monitor`): the
// training distributions the model file records (deciles of each number, each value's share of
// a bool or category, the share missing, and the validation rows' probabilities), and the
// population stability index against them, with the level a PSI reaches by chance alone at the
// sizes compared — a PSI of 0.1 on 300 rows is noise.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "skon/models/preprocess.hpp"

namespace skon::models {

// One field's distribution in the reference rows. Numbers: `edges` cut the known values into
// edges.size() + 1 bins (a value goes to the first bin whose upper edge is above it); bools: the
// shares of false and true; categories: one share per level. Shares are of all rows, so that
// the shares and `missing` add up to 1.
struct FieldReference {
  std::string field;
  std::vector<double> edges;
  std::vector<double> shares;
  double missing = 0;
};

struct DriftReference {
  std::size_t rows = 0;  // the training rows the fields' distributions were taken from
  std::vector<FieldReference> fields;  // in feature order
  std::size_t score_rows = 0;          // the validation rows the probabilities came from
  std::vector<double> score_edges, score_shares;
};

// Deciles (of distinct cut points) of the training rows' values, per feature.
FieldReference field_reference(const FeatureTransform& t, std::span<const double> values);
// The probabilities' deciles.
void score_reference(std::span<const double> probabilities, DriftReference& out);

// Counts of `values` in the reference's bins (numbers), values (bools, categories), with the
// missing count last.
std::vector<double> bin_counts(const FieldReference& ref, const FeatureTransform& t,
                               std::span<const double> values);
std::vector<double> score_counts(const DriftReference& ref, std::span<const double> probabilities);

// PSI = sum (a - e) ln(a / e) over bins, shares floored at 1e-4 (an empty bin stays finite).
double psi(std::span<const double> expected_shares, std::span<const double> actual_shares);

// The PSI that two samples of one distribution exceed 1 time in 1,000: PSI is about
// (1/n + 1/m) times a chi-square with bins - 1 degrees of freedom. (A monitoring run tests every
// field: at 1 in 1,000 each, a run of ten fields raises a false alarm about 1 time in 100.)
double psi_noise_level(std::size_t bins, std::size_t reference_rows, std::size_t rows);

// The chi-square distribution's quantile (Wilson–Hilferty), e.g. 0.99.
double chi_square_quantile(double p, double degrees_of_freedom);

}  // namespace skon::models
