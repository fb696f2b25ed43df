#pragma once

// Logistic regression on Eigen, with scikit-learn's objective so results can be compared:
//   minimize  C * sum_i s_i * logloss_i + R(w)         (the intercept is never penalized)
//   R = 0 (none) | ||w||^2 / 2 (l2) | ||w||_1 (l1) | r ||w||_1 + (1 - r) ||w||^2 / 2 (elastic net)
// s_i are class weights. Solved by Newton's method with exact Hessians accumulated in row blocks
// (l2, none) and by proximal Newton with coordinate descent on the quadratic model (l1, elastic
// net). Sign constraints hold each coefficient at >= 0 or <= 0 (active set). Deterministic.

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace skon::models {

enum class Penalty : std::uint8_t { None, L2, L1, ElasticNet };

const char* to_string(Penalty p);

struct LogisticOptions {
  Penalty penalty = Penalty::L2;
  double C = 1.0;         // inverse regularization strength, as in scikit-learn
  double l1_ratio = 0.5;  // elastic net mix
  bool fit_intercept = true;
  double weight_negative = 1.0;  // class weights
  double weight_positive = 1.0;
  bool balanced = false;  // weights n / (2 n_class), as class_weight="balanced"
  std::vector<int> sign;  // per design column: +1 coefficient >= 0, -1 <= 0, 0 free
  double tol = 1e-10;
  int max_iter = 200;
};

struct LogisticFit {
  Eigen::VectorXd coef;
  double intercept = 0;
  int iterations = 0;
  bool converged = false;
  double objective = 0;
  double max_gradient = 0;  // of the smooth part on free coordinates, at the end
  // For the unpenalized fit: standard errors from the inverse Hessian (statsmodels' Logit);
  // coefficients first, the intercept last. Empty otherwise.
  Eigen::VectorXd std_error;
  double weight_negative = 1.0;  // the class weights actually used
  double weight_positive = 1.0;
};

// Fits y (0/1) on the rows of X (n x p). Throws std::invalid_argument for inconsistent shapes,
// labels other than 0/1, a single class, or invalid options.
LogisticFit fit_logistic(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                         const LogisticOptions& options);

// log(1 + exp(-|x|)) based stable helpers.
double sigmoid(double eta);
double log_loss_term(double eta, double y);  // log(1 + e^eta) - y * eta

}  // namespace skon::models
