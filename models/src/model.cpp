#include "skon/models/model.hpp"

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

namespace skon::models {

using Json = nlohmann::ordered_json;

double ModelMetrics::largest_group_gap(const std::string& field) const {
  for (const auto& g : groups) {
    if (g.field == field) {
      return g.largest();
    }
  }
  return std::nan("");
}

double LogisticModel::linear(const double* design) const {
  double eta = intercept;
  for (std::size_t j = 0; j < coefficients.size(); ++j) eta += coefficients[j].value * design[j];
  return eta;
}

LogisticModel::Score LogisticModel::score(const double* raw, Scratch& scratch) const {
  scratch.design.resize(preprocessor.width());
  preprocessor.transform(raw, scratch.design.data());
  const double eta = linear(scratch.design.data());
  return {eta, calibration.apply(eta)};
}

double LogisticModel::baseline() const {
  double b = intercept;
  for (const Coefficient& c : coefficients) b += c.value * c.reference;
  return calibration.method == Calibration::Method::Platt ? calibration.a * b + calibration.b : b;
}

double LogisticModel::log_odds(const double* raw, double* design) const {
  preprocessor.transform(raw, design);
  return linear(design);
}

double LogisticModel::probability(const double* raw, double* design) const {
  return calibration.apply(log_odds(raw, design));
}

Explanation LogisticModel::explain(const double* raw) const {
  Explanation e;
  std::vector<double> design;
  explain_into(raw, e, design);
  return e;
}

void LogisticModel::explain_into(const double* raw, Explanation& e, std::vector<double>& design,
                                 std::size_t top) const {
  design.resize(preprocessor.width());
  preprocessor.transform(raw, design.data());
  const auto& owner = preprocessor.column_feature();
  e.contributions.assign(preprocessor.features().size(), 0.0);
  e.baseline = intercept;
  for (std::size_t j = 0; j < coefficients.size(); ++j) {
    const Coefficient& c = coefficients[j];
    e.baseline += c.value * c.reference;
    e.contributions[owner[j]] += c.value * (design[j] - c.reference);
  }
  const double eta = linear(design.data());  // the probability as score() computes it
  // Under Platt scaling the calibrated log-odds are a * eta + b: scale so that the parts still
  // add up to what the probability is computed from.
  if (calibration.method == Calibration::Method::Platt) {
    e.baseline = calibration.a * e.baseline + calibration.b;
    for (double& v : e.contributions) v *= calibration.a;
  }
  e.log_odds = e.baseline;
  for (double v : e.contributions) e.log_odds += v;
  e.probability = calibration.apply(eta);
  // Largest |contribution| first; equal sizes keep feature order. An insertion sort into the
  // `top` best: a model has tens of features, and this runs once per record.
  const std::size_t nf = e.contributions.size();
  const std::size_t keep = std::min(top, nf);
  e.order.resize(keep);
  e.sizes.resize(keep);
  std::size_t count = 0;
  for (std::size_t k = 0; k < nf; ++k) {
    const double size = std::abs(e.contributions[k]);
    if (count == keep && (keep == 0 || !(e.sizes[keep - 1] < size))) continue;
    std::size_t j = count < keep ? count++ : keep - 1;
    while (j > 0 && e.sizes[j - 1] < size) {
      e.sizes[j] = e.sizes[j - 1];
      e.order[j] = e.order[j - 1];
      --j;
    }
    e.sizes[j] = size;
    e.order[j] = k;
  }
}

std::vector<std::string> LogisticModel::direction_violations() const {
  std::vector<std::string> out;
  const auto& owner = preprocessor.column_feature();
  const auto& names = preprocessor.column_names();
  for (std::size_t j = 0; j < coefficients.size(); ++j) {
    const std::size_t f = owner[j];
    if (f >= directions.size() || directions[f] == 0) continue;
    const FeatureTransform& t = preprocessor.features()[f];
    if (t.column.type == ColumnType::Category || names[j].ends_with(":missing")) continue;
    // The effect on the probability a professional reads: the coefficient through the
    // calibration (a negative Platt slope would turn every direction around).
    const double slope = calibration.method == Calibration::Method::Platt ? calibration.a : 1.0;
    const double v = coefficients[j].value * slope;
    if ((directions[f] > 0 && v < 0) || (directions[f] < 0 && v > 0)) {
      out.push_back(names[j] + " has an effect of " + std::to_string(v) +
                    " on the calibrated log-odds but may only " +
                    (directions[f] > 0 ? "raise" : "lower") + " the risk");
    }
  }
  return out;
}

}  // namespace skon::models
