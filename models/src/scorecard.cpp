// The points scorecard: a faithful approximation of the model, and how closely it agrees.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "skon/base/atomic_file.hpp"
#include "skon/base/sha256.hpp"
#include "skon/models/model.hpp"

namespace skon::models {

using Json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// Scorecard

int Scorecard::points(const double* raw) const {
  int total = base_points;
  for (std::size_t f = 0; f < features.size(); ++f) total += feature_points(f, raw[f]);
  return total;
}

int Scorecard::feature_points(std::size_t f, double v) const {
  const auto& bins = features[f].bins;
  // The loader holds a feature's bins to one layout: category values, or ranges ascending (the
  // last open above); a missing bin last. A number's range is found by bisection.
  const auto values = bins.empty() || !bins.back().missing ? bins.end() : bins.end() - 1;
  if (is_missing(v)) return values != bins.end() ? bins.back().points : 0;
  if (values == bins.begin()) return 0;
  if (bins.front().level) {
    for (auto it = bins.begin(); it != values; ++it) {
      if (static_cast<double>(*it->level) == v) return it->points;
    }
    return 0;
  }
  const auto it = std::partition_point(
      bins.begin(), values, [v](const ScorecardBin& b) { return b.high && !(v < *b.high); });
  return it != values ? it->points : 0;
}

double Scorecard::probability(int total, const Calibration& calibration) const {
  const double log_odds = static_cast<double>(total) / points_per_log_odds;
  // Under Platt the points are already calibrated log-odds; isotonic maps the model's own.
  return calibration.method == Calibration::Method::Isotonic ? calibration.apply(log_odds)
                                                             : sigmoid(log_odds);
}

namespace {

// A round bin width near `x`: 1, 2, 2.5 or 5 times a power of ten, at most `x` (or at least, `up`).
double nice_width(double x, bool up) {
  const double power = std::pow(10.0, std::floor(std::log10(x)));
  const double steps[] = {1, 2, 2.5, 5, 10};
  double best = up ? 10 * power : power;
  for (double s : steps) {
    const double w = s * power;
    if (up ? (w >= x && w < best) : (w <= x && w > best)) best = w;
  }
  return best;
}

// The scorecard with each number cut into equal-width bins no wider than keeps its points within
// `tolerance` log-odds of the model's (a number's contribution is linear in it), at most 60.
// A number's training values as every scorecard tried needs them: their range, and — when they
// take few distinct values (grades, whole or one-decimal percentages) — each value's count, so
// that bin means need no pass over the rows.
struct ValueSummary {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  bool counted = false;  // `counts` holds every value
  std::vector<std::pair<double, std::size_t>> counts;
};

std::vector<ValueSummary> summarize_values(const LogisticModel& m,
                                           const std::vector<std::vector<double>>& raw,
                                           const std::vector<std::uint32_t>& rows) {
  constexpr std::size_t kMostValues = 4096;
  const auto& features = m.preprocessor.features();
  std::vector<ValueSummary> out(features.size());
  for (std::size_t f = 0; f < features.size(); ++f) {
    if (features[f].column.type != ColumnType::Number) continue;
    ValueSummary& s = out[f];
    std::unordered_map<double, std::size_t> counts;
    counts.reserve(2 * kMostValues);
    bool few = true;
    for (auto i : rows) {
      const double x = raw[f][i];
      if (is_missing(x)) continue;
      s.lo = std::min(s.lo, x);
      s.hi = std::max(s.hi, x);
      if (few) {
        ++counts[x];
        few = counts.size() <= kMostValues;
      }
    }
    if (few) {
      s.counted = true;
      s.counts.assign(counts.begin(), counts.end());
      std::sort(s.counts.begin(), s.counts.end());
    }
  }
  return out;
}

Scorecard scorecard_at(const LogisticModel& m, const std::vector<std::vector<double>>& raw,
                       const std::vector<std::uint32_t>& rows,
                       const std::vector<ValueSummary>& summaries, double tolerance,
                       int points_to_double) {
  Scorecard sc;
  sc.points_per_log_odds = points_to_double / std::log(2.0);
  const auto& features = m.preprocessor.features();
  const std::size_t nf = features.size();
  std::vector<double> reference(nf, 0.0);
  const auto contribution = [&](std::size_t f, double value) {
    std::vector<double> row = reference;
    row[f] = value;
    return m.explain(row.data()).contributions[f];
  };
  const auto points = [&](double log_odds) {
    return static_cast<int>(std::lround(log_odds * sc.points_per_log_odds));
  };
  Explanation base = m.explain(std::vector<double>(nf, 0.0).data());
  sc.base_points = points(base.baseline);

  int min_total = sc.base_points, max_total = sc.base_points;
  for (std::size_t f = 0; f < nf; ++f) {
    const FeatureTransform& t = features[f];
    ScorecardFeature sf;
    sf.field = t.column.name;
    if (t.column.type == ColumnType::Category) {
      for (std::size_t l = 0; l < t.levels.size(); ++l) {
        ScorecardBin b;
        b.label = t.levels[l];
        b.level = l;
        b.points = points(contribution(f, static_cast<double>(l)));
        sf.bins.push_back(b);
      }
    } else if (t.column.type == ColumnType::Bool) {  // exactly its two values
      for (int v = 0; v < 2; ++v) {
        ScorecardBin b;
        b.label = v ? "true" : "false";
        if (v == 0) b.high = 0.5;
        if (v == 1) b.low = 0.5;
        b.points = points(contribution(f, v));
        sf.bins.push_back(b);
      }
    } else {
      const ValueSummary& summary = summaries[f];
      double lo = summary.lo, hi = summary.hi;
      if (lo > hi) lo = hi = t.mean;
      const double slope = hi > lo ? (contribution(f, hi) - contribution(f, lo)) / (hi - lo) : 0;
      // Half a bin's width times the slope is the most a bin's points can be off: the widest
      // round width (1, 2, 2.5 or 5 times a power of ten) within that, but no more than 60 bins.
      const double range = hi - lo;
      double width = range > 0 ? nice_width(slope != 0 ? 2 * tolerance / std::abs(slope) : range,
                                            /*up=*/false)
                               : 1;
      if (range > 0 && range / width > 60) width = nice_width(range / 60, /*up=*/true);
      const double start = std::floor(lo / width) * width;
      const int k = std::max(1, static_cast<int>(std::ceil((hi - start) / width - 1e-9)));
      // Each bin is scored at the mean of the training values in it: exact where a bin holds
      // one value (whole percentages, grades), the least squared error otherwise.
      std::vector<double> sum(static_cast<std::size_t>(k), 0.0);
      std::vector<std::size_t> count(static_cast<std::size_t>(k), 0);
      const auto bin_of = [&](double x) {
        return static_cast<std::size_t>(
            std::clamp(static_cast<int>(std::floor((x - start) / width)), 0, k - 1));
      };
      if (summary.counted) {
        for (const auto& [x, n] : summary.counts) {
          sum[bin_of(x)] += x * static_cast<double>(n);
          count[bin_of(x)] += n;
        }
      } else {
        for (auto i : rows) {
          const double x = raw[f][i];
          if (is_missing(x)) continue;
          sum[bin_of(x)] += x;
          ++count[bin_of(x)];
        }
      }
      const auto shown = [](double v) {
        char b[32];
        std::snprintf(b, sizeof b, "%g", v);
        return std::string(b);
      };
      for (int b = 0; b < k; ++b) {
        ScorecardBin bin;
        const double low = start + b * width, high = low + width;
        bin.low = low;
        if (b + 1 < k) bin.high = high;
        if (k == 1) {
          bin.label = "all";
        } else if (b == 0) {
          bin.label = "< " + shown(high);
        } else if (b + 1 == k) {
          bin.label = "≥ " + shown(low);
        } else {
          bin.label = shown(low) + "–<" + shown(high);
        }
        const std::size_t at = static_cast<std::size_t>(b);
        const double value = count[at] > 0 ? sum[at] / static_cast<double>(count[at])
                                           : std::clamp((low + high) / 2, lo, hi);
        bin.points = points(contribution(f, value));
        // A neighbour with the same points is one bin: finer bins than the points can show
        // would only lengthen the card.
        if (!sf.bins.empty() && sf.bins.back().points == bin.points) {
          ScorecardBin& prev = sf.bins.back();
          prev.high = bin.high;
          const std::string from = prev.label.starts_with("< ") ? "" : shown(*prev.low);
          prev.label = !bin.high      ? (from.empty() ? "all" : "≥ " + from)
                       : from.empty() ? "< " + shown(high)
                                      : from + "–<" + shown(high);
          continue;
        }
        sf.bins.push_back(bin);
      }
    }
    ScorecardBin unknown;  // a missing value, as the model imputes it
    unknown.label = "ukendt";
    unknown.missing = true;
    unknown.points = points(contribution(f, kMissing));
    sf.bins.push_back(unknown);
    int lo = 0, hi = 0;
    for (const auto& b : sf.bins) lo = std::min(lo, b.points), hi = std::max(hi, b.points);
    min_total += lo;
    max_total += hi;
    sc.features.push_back(std::move(sf));
  }
  // Points to probability, in steps of 10 points across the reachable range.
  const int start = static_cast<int>(std::floor(min_total / 10.0) * 10);
  for (int total = start; total <= max_total + 10; total += 10) {
    sc.table.emplace_back(total, sc.probability(total, m.calibration));
  }
  return sc;
}

// The model's probabilities of `rows`, computed once for every scorecard tried.
std::vector<double> model_probabilities(const LogisticModel& m,
                                        const std::vector<std::vector<double>>& raw,
                                        const std::vector<std::uint32_t>& rows) {
  const std::size_t nf = m.preprocessor.features().size();
  std::vector<double> row(nf), p(rows.size());
  LogisticModel::Scratch scratch;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t f = 0; f < nf; ++f) row[f] = raw[f][rows[r]];
    p[r] = m.score(row.data(), scratch).probability;
  }
  return p;
}

// The scorecard's agreement with the model on `rows` (whose model probabilities are `model_p`).
ScorecardAgreement agreement_of(const Scorecard& sc, const LogisticModel& m,
                                const std::vector<std::vector<double>>& raw,
                                const std::vector<std::uint32_t>& rows,
                                const std::vector<double>& model_p) {
  ScorecardAgreement a;
  a.rows = rows.size();
  if (rows.empty()) return a;
  // Feature by feature: each column is read in order.
  std::vector<double> card_points(rows.size(), sc.base_points);
  for (std::size_t f = 0; f < sc.features.size(); ++f) {
    const std::vector<double>& column = raw[f];
    for (std::size_t r = 0; r < rows.size(); ++r) {
      card_points[r] += sc.feature_points(f, column[rows[r]]);
    }
  }
  std::size_t within = 0;
  double sum = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double d =
        std::abs(sc.probability(static_cast<int>(card_points[r]), m.calibration) - model_p[r]);
    within += d <= a.tolerance ? 1 : 0;
    sum += d;
    a.max_abs = std::max(a.max_abs, d);
  }
  a.within = static_cast<double>(within) / static_cast<double>(rows.size());
  a.mean_abs = sum / static_cast<double>(rows.size());
  // The top 10 % of each (the scorecard's with its ties at the cut), and how much they share.
  const std::size_t k = std::max<std::size_t>(1, rows.size() / 10);
  const auto kth = [&](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k - 1), v.end(),
                     std::greater<>());
    return v[k - 1];
  };
  const double model_cut = kth(model_p), card_cut = kth(card_points);
  std::size_t shared = 0, in_model = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (model_p[r] < model_cut) continue;
    ++in_model;
    shared += card_points[r] >= card_cut ? 1 : 0;
  }
  a.top_overlap = in_model ? static_cast<double>(shared) / static_cast<double>(in_model) : 0;
  return a;
}

}  // namespace

Scorecard make_scorecard(const LogisticModel& m, const std::vector<std::vector<double>>& raw,
                         const std::vector<std::uint32_t>& rows) {
  // Finer bins until 99 % of the rows agree within 0.02; when whole points are then too coarse
  // (each field's rounding adds up), 40 points to double the odds instead of 20. Each candidate
  // is tried on an evenly spread sample of the rows first; the agreement a scorecard keeps is
  // always measured on every row.
  constexpr std::size_t kSample = 100000;
  std::vector<std::uint32_t> sample;
  const std::size_t stride = (rows.size() + kSample - 1) / kSample;
  for (std::size_t r = 0; r < rows.size(); r += std::max<std::size_t>(1, stride)) {
    sample.push_back(rows[r]);
  }
  const std::vector<double> model_p = model_probabilities(m, raw, rows);
  std::vector<double> sample_p;
  for (std::size_t r = 0; r < rows.size(); r += std::max<std::size_t>(1, stride)) {
    sample_p.push_back(model_p[r]);
  }
  const bool sampled = sample.size() < rows.size();
  const std::vector<ValueSummary> summaries = summarize_values(m, raw, rows);
  Scorecard sc;
  for (int points_to_double : {20, 40}) {
    for (double tolerance = 0.04; tolerance > 0.004; tolerance /= 2) {
      sc = scorecard_at(m, raw, rows, summaries, tolerance, points_to_double);
      if (sampled && agreement_of(sc, m, raw, sample, sample_p).within < 0.99) continue;
      sc.agreement = agreement_of(sc, m, raw, rows, model_p);
      if (sc.agreement.within >= 0.99) return sc;
    }
  }
  if (sc.agreement.rows != rows.size()) sc.agreement = agreement_of(sc, m, raw, rows, model_p);
  return sc;
}

}  // namespace skon::models
