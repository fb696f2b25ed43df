#pragma once

// Calibration maps the model's log-odds to a probability that matches observed rates, fitted on
// data the model was not trained on: Platt scaling (a logistic curve in the log-odds) or isotonic
// regression (a monotone step-wise map, interpolated linearly as scikit-learn does).

#include <span>
#include <string>
#include <vector>

namespace skon::models {

struct Calibration {
  enum class Method : std::uint8_t { None, Platt, Isotonic };
  Method method = Method::None;
  double a = 1, b = 0;       // Platt: p = sigmoid(a * logit + b)
  std::vector<double> x, y;  // Isotonic: raw probability -> calibrated, increasing x

  // The calibrated probability for a model log-odds.
  double apply(double logit) const;
  // For Platt, contributions scale by `a` so they still add up to the calibrated log-odds.
  bool linear_in_logit() const { return method != Method::Isotonic; }
};

const char* to_string(Calibration::Method m);

// Fits Platt scaling to held-out log-odds and 0/1 outcomes.
Calibration fit_platt(std::span<const double> logits, std::span<const double> labels);
// Fits isotonic regression (pool adjacent violators) to held-out probabilities and outcomes.
Calibration fit_isotonic(std::span<const double> probs, std::span<const double> labels);

}  // namespace skon::models
