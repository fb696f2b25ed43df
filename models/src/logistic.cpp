#include "skon/models/logistic.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace skon::models {

const char* to_string(Penalty p) {
  switch (p) {
    case Penalty::None:
      return "none";
    case Penalty::L2:
      return "l2";
    case Penalty::L1:
      return "l1";
    case Penalty::ElasticNet:
      return "elasticnet";
  }
  return "l2";
}

double sigmoid(double eta) {
  if (eta >= 0) return 1.0 / (1.0 + std::exp(-eta));
  const double e = std::exp(eta);
  return e / (1.0 + e);
}

double log_loss_term(double eta, double y) {
  const double softplus = eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
  return softplus - y * eta;
}

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr Index kBlock = 2048;

// The weighted log loss, its gradient and (optionally) Hessian over (w, b), in one pass over X in
// row blocks that stay in cache. The Hessian's last row/column is the intercept.
struct Pass {
  double loss = 0;
  VectorXd grad;  // p + 1
  MatrixXd hess;  // (p + 1) x (p + 1), lower triangle filled then symmetrized
};

Pass evaluate_range(const MatrixXd& X, const VectorXd& y, double w_neg, double w_pos,
                    const VectorXd& w, double b, bool with_hessian, Index first, Index last) {
  const Index p = X.cols();
  Pass out;
  out.grad = VectorXd::Zero(p + 1);
  if (with_hessian) out.hess = MatrixXd::Zero(p + 1, p + 1);
  VectorXd eta(kBlock), r(kBlock), d(kBlock);
  MatrixXd scaled(kBlock, p);
  for (Index start = first; start < last; start += kBlock) {
    const Index len = std::min(kBlock, last - start);
    const auto Xb = X.middleRows(start, len);
    eta.head(len).noalias() = Xb * w;
    double dsum = 0;
    for (Index i = 0; i < len; ++i) {
      const double e = eta[i] + b;
      const double yi = y[start + i];
      const double s = yi > 0.5 ? w_pos : w_neg;
      // sigmoid(e) and log_loss_term(e, yi) from one exponential, bit for bit as they compute.
      const double z = std::exp(-std::abs(e));
      const double pi = e >= 0 ? 1.0 / (1.0 + z) : z / (1.0 + z);
      out.loss += s * ((e > 0 ? e : 0.0) + std::log1p(z) - yi * e);
      r[i] = s * (pi - yi);
      d[i] = s * pi * (1 - pi);
      dsum += d[i];
    }
    out.grad.head(p).noalias() += Xb.transpose() * r.head(len);
    out.grad[p] += r.head(len).sum();
    if (with_hessian) {
      scaled.topRows(len) = Xb.array().colwise() * d.head(len).array().sqrt();
      out.hess.topLeftCorner(p, p).selfadjointView<Eigen::Lower>().rankUpdate(
          scaled.topRows(len).transpose());
      out.hess.row(p).head(p).noalias() += (Xb.transpose() * d.head(len)).transpose();
      out.hess(p, p) += dsum;
    }
  }
  return out;
}

// Large data are split into a fixed number of row ranges, evaluated on up to that many threads
// and summed in range order: the result is the same whatever the machine's core count.
constexpr int kParts = 2;
constexpr Index kParallelRows = 100000;

Pass evaluate(const MatrixXd& X, const VectorXd& y, double w_neg, double w_pos, const VectorXd& w,
              double b, bool with_hessian) {
  const Index n = X.rows();
  Pass out;
  if (n < kParallelRows) {
    out = evaluate_range(X, y, w_neg, w_pos, w, b, with_hessian, 0, n);
  } else {
    std::array<Pass, kParts> parts;
    const Index chunk = (n + kParts - 1) / kParts;
    const auto run = [&](int k) {
      parts[static_cast<std::size_t>(k)] = evaluate_range(X, y, w_neg, w_pos, w, b, with_hessian,
                                                          k * chunk, std::min(n, (k + 1) * chunk));
    };
    if (std::thread::hardware_concurrency() >= 2) {
      std::vector<std::thread> threads;
      for (int k = 1; k < kParts; ++k) threads.emplace_back(run, k);
      run(0);
      for (auto& t : threads) t.join();
    } else {
      for (int k = 0; k < kParts; ++k) run(k);
    }
    out = std::move(parts[0]);
    for (int k = 1; k < kParts; ++k) {
      out.loss += parts[static_cast<std::size_t>(k)].loss;
      out.grad += parts[static_cast<std::size_t>(k)].grad;
      if (with_hessian) out.hess += parts[static_cast<std::size_t>(k)].hess;
    }
  }
  if (with_hessian) {
    out.hess.triangularView<Eigen::StrictlyUpper>() = out.hess.transpose();
  }
  return out;
}

struct Problem {
  const MatrixXd& X;
  const VectorXd& y;
  double w_neg, w_pos;
  double C;
  double l1;  // weight of ||w||_1
  double l2;  // weight of ||w||^2 / 2
  bool intercept;

  double penalty(const VectorXd& w) const {
    return l1 * w.lpNorm<1>() + 0.5 * l2 * w.squaredNorm();
  }
  double objective(const VectorXd& w, double b) const {
    return C * evaluate(X, y, w_neg, w_pos, w, b, false).loss + penalty(w);
  }
};

// Newton (l2, none) or proximal Newton (l1, elastic net) with a backtracking line search and an
// active set for sign constraints. `w`, `b` and `held` are in-out.
void newton(const Problem& prob, VectorXd& w, double& b, const std::vector<int>& sign,
            std::vector<bool>& held, const LogisticOptions& o, double tol, LogisticFit& fit) {
  const Index p = prob.X.cols();
  const Index dim = p + 1;
  const auto& X = prob.X;
  const auto& y = prob.y;
  // A full step's pass (loss, gradient and Hessian at the new point) serves both its line
  // search and the next iteration: one pass over the data per accepted full step.
  Pass pass = evaluate(X, y, prob.w_neg, prob.w_pos, w, b, true);
  double f = prob.C * pass.loss + prob.penalty(w);
  bool have_pass = true;
  for (int it = 1; it <= o.max_iter; ++it) {
    ++fit.iterations;
    if (!have_pass) pass = evaluate(X, y, prob.w_neg, prob.w_pos, w, b, true);
    have_pass = false;
    // The smooth part: C * loss + l2 / 2 ||w||^2.
    VectorXd g = prob.C * pass.grad;
    MatrixXd H = prob.C * pass.hess;
    g.head(p) += prob.l2 * w;
    H.diagonal().head(p).array() += prob.l2;
    if (!o.fit_intercept) {
      g[p] = 0;
      H.row(p).setZero();
      H.col(p).setZero();
      H(p, p) = 1;
    }

    // Release held coordinates whose gradient points into the feasible side.
    for (Index j = 0; j < p; ++j) {
      const auto uj = static_cast<std::size_t>(j);
      if (!held[uj]) continue;
      if ((sign[uj] > 0 && g[j] + prob.l1 < 0) || (sign[uj] < 0 && g[j] - prob.l1 > 0))
        held[uj] = false;
    }

    VectorXd step = VectorXd::Zero(dim);
    if (prob.l1 == 0) {
      // Newton on the free coordinates.
      std::vector<Index> free;
      for (Index j = 0; j < dim; ++j) {
        if (j == p || !held[static_cast<std::size_t>(j)]) free.push_back(j);
      }
      const Index m = static_cast<Index>(free.size());
      MatrixXd Hf(m, m);
      VectorXd gf(m);
      for (Index a = 0; a < m; ++a) {
        gf[a] = g[free[a]];
        for (Index c = 0; c < m; ++c) Hf(a, c) = H(free[a], free[c]);
      }
      const VectorXd sf = -Hf.ldlt().solve(gf);
      for (Index a = 0; a < m; ++a) step[free[a]] = sf[a];
    } else {
      // Proximal Newton: coordinate descent on the quadratic model plus l1.
      VectorXd z(dim);
      z.head(p) = w;
      z[p] = b;
      VectorXd Hdelta = VectorXd::Zero(dim);
      for (int sweep = 0; sweep < 1000; ++sweep) {
        double change = 0;
        for (Index j = 0; j < dim; ++j) {
          const auto uj = static_cast<std::size_t>(j);
          if (j < p && held[uj]) continue;
          const double a = H(j, j);
          if (a <= 0) continue;
          const double current = j < p ? w[j] : b;
          const double delta_j = z[j] - current;
          const double grad_j = g[j] + Hdelta[j] - a * delta_j;  // gradient at delta_j = 0
          double target = current - grad_j / a;
          if (j < p) {
            const double u = a * current - grad_j;
            target = (u > prob.l1 ? u - prob.l1 : u < -prob.l1 ? u + prob.l1 : 0.0) / a;
            if (sign[uj] > 0) target = std::max(target, 0.0);
            if (sign[uj] < 0) target = std::min(target, 0.0);
          } else if (!o.fit_intercept) {
            continue;
          }
          const double moved = target - z[j];
          if (moved != 0) {
            Hdelta += H.col(j) * moved;
            z[j] = target;
            change = std::max(change, std::abs(moved));
          }
        }
        if (change < 1e-14) break;
      }
      step.head(p) = z.head(p) - w;
      step[p] = z[p] - b;
    }

    // Backtracking line search on the true objective, projecting onto the sign constraints.
    double t = 1;
    VectorXd w_new;
    double b_new = b, f_new = f;
    const double slope =
        g.dot(step) +
        (prob.l1 > 0 ? prob.l1 * ((w + step.head(p)).lpNorm<1>() - w.lpNorm<1>()) : 0.0);
    for (int ls = 0; ls < 60; ++ls) {
      w_new = w + t * step.head(p);
      for (Index j = 0; j < p; ++j) {
        const auto uj = static_cast<std::size_t>(j);
        if ((sign[uj] > 0 && w_new[j] < 0) || (sign[uj] < 0 && w_new[j] > 0)) w_new[j] = 0;
      }
      b_new = b + t * step[p];
      if (t == 1) {
        Pass trial = evaluate(X, y, prob.w_neg, prob.w_pos, w_new, b_new, true);
        f_new = prob.C * trial.loss + prob.penalty(w_new);
        if (f_new <= f + 1e-4 * t * std::min(slope, 0.0) || f_new <= f) {
          pass = std::move(trial);
          have_pass = true;
          break;
        }
      } else {
        f_new = prob.objective(w_new, b_new);
        if (f_new <= f + 1e-4 * t * std::min(slope, 0.0) || f_new <= f) break;
      }
      t *= 0.5;
    }
    for (Index j = 0; j < p; ++j) {
      const auto uj = static_cast<std::size_t>(j);
      if (sign[uj] != 0 && w_new[j] == 0 && step[j] != 0) held[uj] = true;
    }
    const double moved = std::max((w_new - w).cwiseAbs().maxCoeff(), std::abs(b_new - b));
    const double scale = 1 + std::max(w_new.cwiseAbs().maxCoeff(), std::abs(b_new));
    w = w_new;
    b = b_new;
    const double decrease = f - f_new;
    f = f_new;
    fit.max_gradient = 0;
    for (Index j = 0; j < dim; ++j) {
      if (j < p && held[static_cast<std::size_t>(j)]) continue;
      if (j < p && prob.l1 > 0 && w[j] == 0) continue;
      fit.max_gradient = std::max(fit.max_gradient, std::abs(g[j]));
    }
    if (moved <= tol * scale ||
        (decrease >= 0 && decrease <= 1e-16 * std::abs(f) && moved <= 1e-8 * scale)) {
      fit.converged = true;
      break;
    }
  }
}

// The unconstrained smooth case, one pass over the data per step: the pass at the new point
// both checks the step (Armijo) and provides the next gradient. Near the optimum the Hessian of
// an earlier step is reused (a chord step needs no Hessian pass); it is refreshed when steps stop
// shrinking fast.
void newton_full_steps(const Problem& prob, VectorXd& w, double& b, const LogisticOptions& o,
                       LogisticFit& fit) {
  const Index p = prob.X.cols();
  const auto smooth = [&](const Pass& pass, const VectorXd& at, VectorXd& g) {
    g = prob.C * pass.grad;
    g.head(p) += prob.l2 * at;
    if (!o.fit_intercept) g[p] = 0;
    return prob.C * pass.loss + prob.penalty(at);
  };
  const auto hessian = [&](const Pass& pass) {
    MatrixXd H = prob.C * pass.hess;
    H.diagonal().head(p).array() += prob.l2;
    if (!o.fit_intercept) {
      H.row(p).setZero();
      H.col(p).setZero();
      H(p, p) = 1;
    }
    return H.ldlt();
  };
  Pass pass = evaluate(prob.X, prob.y, prob.w_neg, prob.w_pos, w, b, true);
  VectorXd g;
  double f = smooth(pass, w, g);
  Eigen::LDLT<MatrixXd> solver = hessian(pass);
  double last_move = INFINITY;
  int stalled = 0;
  for (int it = 0; it < o.max_iter; ++it) {
    ++fit.iterations;
    const VectorXd step = -solver.solve(g);
    const double move = step.cwiseAbs().maxCoeff();
    const double scale = 1 + std::max(w.cwiseAbs().maxCoeff(), std::abs(b));
    fit.max_gradient = g.cwiseAbs().maxCoeff();
    if (move <= o.tol * scale) {
      fit.converged = true;
      break;
    }
    // Steps that stop shrinking are at the accuracy floor of the gradient sums: stop there.
    stalled = move > 0.5 * last_move && move < 1e-8 * scale ? stalled + 1 : 0;
    if (stalled >= 3) {
      fit.converged = true;
      break;
    }
    // Refresh the Hessian at the new point unless the steps are already small and shrinking.
    const bool refresh = move > 1e-4 * scale || move > 0.1 * last_move;
    last_move = move;
    // In the quadratic region a Newton (or chord) step is trusted as is: its size, not the
    // objective (whose sum over a million rows is noisier than the step), decides convergence.
    const bool trusted = move <= 1e-6 * scale;
    const double slope = g.dot(step);
    double t = 1;
    for (int ls = 0; ls < 60; ++ls) {
      const VectorXd w_try = w + t * step.head(p);
      const double b_try = b + t * step[p];
      Pass trial =
          evaluate(prob.X, prob.y, prob.w_neg, prob.w_pos, w_try, b_try, refresh && t == 1);
      VectorXd g_try;
      const double f_try = smooth(trial, w_try, g_try);
      if (trusted || f_try <= f + 1e-4 * t * slope || f_try <= f) {
        w = w_try;
        b = b_try;
        f = f_try;
        g = g_try;
        if (refresh && t == 1) {
          solver = hessian(trial);
        } else if (t < 1) {
          solver = hessian(evaluate(prob.X, prob.y, prob.w_neg, prob.w_pos, w, b, true));
        }
        break;
      }
      t *= 0.5;
    }
    if (t < 1e-15) break;
  }
  fit.objective = f;
}

}  // namespace

LogisticFit fit_logistic(const MatrixXd& X, const VectorXd& y, const LogisticOptions& o) {
  const Index n = X.rows(), p = X.cols();
  if (y.size() != n) throw std::invalid_argument("X and y have different numbers of rows");
  if (n == 0) throw std::invalid_argument("no rows to fit");
  if (!X.allFinite()) throw std::invalid_argument("the features contain infinite or NaN values");
  if (!(o.C > 0)) throw std::invalid_argument("C must be positive");
  if (o.l1_ratio < 0 || o.l1_ratio > 1) throw std::invalid_argument("l1_ratio must lie in [0, 1]");
  if (!o.sign.empty() && static_cast<Index>(o.sign.size()) != p) {
    throw std::invalid_argument("one sign constraint per design column is required");
  }
  double positives = 0;
  for (Index i = 0; i < n; ++i) {
    if (y[i] != 0 && y[i] != 1) throw std::invalid_argument("labels must be 0 or 1");
    positives += y[i];
  }
  if (positives == 0 || positives == static_cast<double>(n)) {
    throw std::invalid_argument("the outcome has a single class; a model needs both");
  }
  LogisticFit fit;
  fit.weight_negative = o.weight_negative;
  fit.weight_positive = o.weight_positive;
  if (o.balanced) {
    fit.weight_negative = static_cast<double>(n) / (2 * (static_cast<double>(n) - positives));
    fit.weight_positive = static_cast<double>(n) / (2 * positives);
  }
  Problem prob{X, y, fit.weight_negative, fit.weight_positive, o.C, 0, 0, o.fit_intercept};
  switch (o.penalty) {
    case Penalty::None:
      prob.C = 1;
      break;
    case Penalty::L2:
      prob.l2 = 1;
      break;
    case Penalty::L1:
      prob.l1 = 1;
      break;
    case Penalty::ElasticNet:
      prob.l1 = o.l1_ratio;
      prob.l2 = 1 - o.l1_ratio;
      break;
  }

  VectorXd w = VectorXd::Zero(p);
  // Start the intercept at the weighted base rate's log-odds: fewer Newton steps.
  double b = 0;
  if (o.fit_intercept) {
    const double pw = fit.weight_positive * positives;
    const double nw = fit.weight_negative * (static_cast<double>(n) - positives);
    b = std::log(pw / nw);
  }
  std::vector<int> sign = o.sign;
  sign.resize(static_cast<std::size_t>(p), 0);
  std::vector<bool> held(static_cast<std::size_t>(p), false);  // active set: held at zero

  // Large data: start from the optimum of a systematic 1-in-k subsample (with C scaled by k, so
  // loss and penalty keep their balance). Newton then needs only a few passes over all rows.
  const bool unconstrained =
      prob.l1 == 0 && std::all_of(sign.begin(), sign.end(), [](int v) { return v == 0; });
  if (n >= 4 * kParallelRows && unconstrained) {
    const Index k = n / kParallelRows;
    const Index m = (n + k - 1) / k;
    MatrixXd Xs(m, p);
    VectorXd ys(m);
    for (Index i = 0; i < m; ++i) {
      Xs.row(i) = X.row(i * k);
      ys[i] = y[i * k];
    }
    Problem sub = prob;
    sub.C = prob.C * static_cast<double>(n) / static_cast<double>(m);
    LogisticFit warm;
    newton(Problem{Xs, ys, prob.w_neg, prob.w_pos, sub.C, prob.l1, prob.l2, prob.intercept}, w, b,
           sign, held, o, 1e-8, warm);
    fit.iterations = warm.iterations;
  }
  if (unconstrained) {
    newton_full_steps(prob, w, b, o, fit);
  } else {
    newton(prob, w, b, sign, held, o, o.tol, fit);
  }
  fit.coef = w;
  fit.intercept = b;
  if (!unconstrained) fit.objective = prob.objective(w, b);

  if (o.penalty == Penalty::None) {
    // Covariance = inverse Hessian of the log likelihood at the optimum (as statsmodels Logit).
    const Pass pass = evaluate(X, y, prob.w_neg, prob.w_pos, w, b, true);
    MatrixXd H = pass.hess;
    if (!o.fit_intercept) {
      H = H.topLeftCorner(p, p).eval();
    }
    const MatrixXd cov = H.ldlt().solve(MatrixXd::Identity(H.rows(), H.cols()));
    fit.std_error = cov.diagonal().cwiseSqrt();
  }
  return fit;
}

}  // namespace skon::models
