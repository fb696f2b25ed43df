#include "skon/models/calibration.hpp"

#include <algorithm>
#include <stdexcept>

#include "skon/models/logistic.hpp"
#include "skon/models/metrics.hpp"

namespace skon::models {

const char* to_string(Calibration::Method m) {
  switch (m) {
    case Calibration::Method::None:
      return "none";
    case Calibration::Method::Platt:
      return "platt";
    case Calibration::Method::Isotonic:
      return "isotonic";
  }
  return "none";
}

double Calibration::apply(double logit) const {
  switch (method) {
    case Method::None:
      return sigmoid(logit);
    case Method::Platt:
      return sigmoid(a * logit + b);
    case Method::Isotonic: {
      const double p = sigmoid(logit);
      if (x.empty()) return p;
      if (p <= x.front()) return y.front();
      if (p >= x.back()) return y.back();
      const auto it = std::upper_bound(x.begin(), x.end(), p);
      const std::size_t hi = static_cast<std::size_t>(it - x.begin());
      const std::size_t lo = hi - 1;
      const double t = (p - x[lo]) / (x[hi] - x[lo]);
      return y[lo] + t * (y[hi] - y[lo]);
    }
  }
  return sigmoid(logit);
}

Calibration fit_platt(std::span<const double> logits, std::span<const double> labels) {
  if (logits.size() != labels.size() || logits.empty()) {
    throw std::invalid_argument("calibration needs held-out scores and outcomes");
  }
  Eigen::MatrixXd X(static_cast<Eigen::Index>(logits.size()), 1);
  Eigen::VectorXd y(static_cast<Eigen::Index>(labels.size()));
  for (std::size_t i = 0; i < logits.size(); ++i) {
    X(static_cast<Eigen::Index>(i), 0) = logits[i];
    y[static_cast<Eigen::Index>(i)] = labels[i];
  }
  LogisticOptions opt;
  opt.penalty = Penalty::None;
  const LogisticFit fit = fit_logistic(X, y, opt);
  Calibration c;
  c.method = Calibration::Method::Platt;
  c.a = fit.coef[0];
  c.b = fit.intercept;
  return c;
}

Calibration fit_isotonic(std::span<const double> probs, std::span<const double> labels) {
  if (probs.size() != labels.size() || probs.empty()) {
    throw std::invalid_argument("calibration needs held-out scores and outcomes");
  }
  const auto order = order_ascending(probs);
  // Blocks of (x, mean y, weight); equal x values are pooled first.
  std::vector<double> bx, by, bw;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const double xv = probs[order[k]], yv = labels[order[k]];
    if (!bx.empty() && bx.back() == xv) {
      by.back() = (by.back() * bw.back() + yv) / (bw.back() + 1);
      bw.back() += 1;
    } else {
      bx.push_back(xv);
      by.push_back(yv);
      bw.push_back(1);
    }
  }
  // Pool adjacent violators over the distinct x values.
  std::vector<double> val, wt;
  std::vector<std::size_t> start;
  for (std::size_t i = 0; i < bx.size(); ++i) {
    val.push_back(by[i]);
    wt.push_back(bw[i]);
    start.push_back(i);
    while (val.size() > 1 && val[val.size() - 2] > val.back()) {
      const double w = wt[wt.size() - 2] + wt.back();
      const double v = (val[val.size() - 2] * wt[wt.size() - 2] + val.back() * wt.back()) / w;
      val.pop_back();
      wt.pop_back();
      start.pop_back();
      val.back() = v;
      wt.back() = w;
    }
  }
  Calibration c;
  c.method = Calibration::Method::Isotonic;
  for (std::size_t b = 0; b < val.size(); ++b) {
    const std::size_t end = b + 1 < start.size() ? start[b + 1] : bx.size();
    for (std::size_t i = start[b]; i < end; ++i) {
      // Keep only the ends of each flat block: interpolation between them is exact.
      if (i == start[b] || i + 1 == end) {
        c.x.push_back(bx[i]);
        c.y.push_back(val[b]);
      }
    }
  }
  return c;
}

}  // namespace skon::models
