#include "skon/models/drift.hpp"

#include <algorithm>
#include <cmath>

#include "skon/models/metrics.hpp"
#include "skon/models/schema.hpp"

namespace skon::models {

namespace {

// Up to nine cut points at the deciles of `sorted`, each distinct; a value equal to a cut point
// goes to the bin above it.
std::vector<double> decile_edges(const std::vector<double>& sorted) {
  std::vector<double> edges;
  if (sorted.empty()) return edges;
  for (int q = 1; q < 10; ++q) {
    const double e =
        sorted[std::min(sorted.size() - 1, sorted.size() * static_cast<std::size_t>(q) / 10)];
    if (e > sorted.front() && (edges.empty() || e > edges.back())) edges.push_back(e);
  }
  return edges;
}

std::size_t bin_of(const std::vector<double>& edges, double x) {
  return static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin());
}

}  // namespace

FieldReference field_reference(const FeatureTransform& t, std::span<const double> values) {
  FieldReference r;
  r.field = t.column.name;
  if (t.column.type == ColumnType::Number || t.column.type == ColumnType::Date) {
    // The deciles of an evenly spread sample of at most 100,000 rows: cut points, not figures
    // (the shares below count every row).
    const std::size_t stride = std::max<std::size_t>(1, (values.size() + 99999) / 100000);
    std::vector<double> known;
    for (std::size_t i = 0; i < values.size(); i += stride) {
      if (!is_missing(values[i])) known.push_back(values[i]);
    }
    std::sort(known.begin(), known.end());
    r.edges = decile_edges(known);
  }
  const std::vector<double> counts = bin_counts(r, t, values);
  const double n = static_cast<double>(values.size());
  for (std::size_t b = 0; b + 1 < counts.size(); ++b) r.shares.push_back(n > 0 ? counts[b] / n : 0);
  r.missing = n > 0 ? counts.back() / n : 0;
  return r;
}

void score_reference(std::span<const double> probabilities, DriftReference& out) {
  std::vector<double> sorted(probabilities.begin(), probabilities.end());
  std::sort(sorted.begin(), sorted.end());
  out.score_rows = sorted.size();
  out.score_edges = decile_edges(sorted);
  const std::vector<double> counts = score_counts(out, probabilities);
  out.score_shares.clear();
  for (double c : counts) {
    out.score_shares.push_back(sorted.empty() ? 0 : c / static_cast<double>(sorted.size()));
  }
}

std::vector<double> bin_counts(const FieldReference& ref, const FeatureTransform& t,
                               std::span<const double> values) {
  const bool number = t.column.type == ColumnType::Number || t.column.type == ColumnType::Date;
  const std::size_t bins = number                              ? ref.edges.size() + 1
                           : t.column.type == ColumnType::Bool ? 2
                                                               : t.levels.size();
  std::vector<double> counts(bins + 1, 0.0);  // the missing count last
  for (double v : values) {
    if (is_missing(v)) {
      counts.back() += 1;
    } else if (number) {
      counts[bin_of(ref.edges, v)] += 1;
    } else {
      const auto b = static_cast<std::size_t>(std::clamp(v, 0.0, static_cast<double>(bins - 1)));
      counts[b] += 1;
    }
  }
  return counts;
}

std::vector<double> score_counts(const DriftReference& ref, std::span<const double> probabilities) {
  std::vector<double> counts(ref.score_edges.size() + 1, 0.0);
  for (double p : probabilities) counts[bin_of(ref.score_edges, p)] += 1;
  return counts;
}

double psi(std::span<const double> expected, std::span<const double> actual) {
  constexpr double kFloor = 1e-4;
  double sum = 0;
  for (std::size_t b = 0; b < std::min(expected.size(), actual.size()); ++b) {
    const double e = std::max(expected[b], kFloor), a = std::max(actual[b], kFloor);
    sum += (a - e) * std::log(a / e);
  }
  return sum;
}

double chi_square_quantile(double p, double k) {
  if (k <= 0) return 0;
  const double z = z_for(2 * p - 1);  // the standard normal's p-quantile
  const double h = 2.0 / (9.0 * k);
  return k * std::pow(std::max(0.0, 1 - h + z * std::sqrt(h)), 3);
}

double psi_noise_level(std::size_t bins, std::size_t reference_rows, std::size_t rows) {
  if (bins < 2 || reference_rows == 0 || rows == 0) return INFINITY;
  return (1.0 / static_cast<double>(reference_rows) + 1.0 / static_cast<double>(rows)) *
         chi_square_quantile(0.999, static_cast<double>(bins - 1));
}

}  // namespace skon::models
