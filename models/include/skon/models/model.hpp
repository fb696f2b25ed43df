#pragma once

// A trained logistic model as stored in a model file: preprocessing, coefficients, calibration,
// training provenance, metrics and the scorecard. Scoring and explanations live here so that the
// numbers a professional reads are computed in exactly one place.

#include <Eigen/Dense>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "skon/models/calibration.hpp"
#include "skon/models/drift.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/metrics.hpp"
#include "skon/models/preprocess.hpp"

namespace skon::models {

inline constexpr const char* kModelFormat = "skon.model";
inline constexpr int kModelFormatMajor = 1;
inline constexpr int kModelFormatMinor = 1;  // 1.1 adds `drift_reference`

struct TrainingInfo {
  std::string data_sha256;
  std::size_t rows = 0;
  std::size_t positives = 0;
  std::string target;
  std::optional<int> year_min, year_max;
  Penalty penalty = Penalty::L2;
  double C = 1;
  double l1_ratio = 0.5;
  double weight_negative = 1, weight_positive = 1;
  int iterations = 0;
  bool converged = false;
  // After validation, refitted on the training and test years for production.
  bool refit_all = false;
  std::string C_selection;    // "" (given), or how `--C auto` chose it
  std::string preprocessing;  // the preprocessing choices, in words
  double base_rate() const {
    return rows ? static_cast<double>(positives) / static_cast<double>(rows) : 0;
  }
};

struct ModelMetrics {
  std::string validation;  // "temporal: train 2019-2022, test 2023", "5-fold", "training data"
  std::size_t rows = 0;
  double auc = 0, auc_ci_low = 0, auc_ci_high = 0;
  double pr_auc = 0, brier = 0, log_loss = 0, calibration_error = 0;
  double capacity = 0.1;  // share flagged for the capacity metrics
  double capacity_threshold = 0;
  double capacity_precision = 0, capacity_recall = 0, capacity_flag_rate = 0;
  std::vector<ReliabilityBin> reliability;
  std::vector<GroupReport> groups;
  double largest_group_gap(const std::string& field) const;  // max over its gap metrics
};

struct Coefficient {
  std::string name;  // design column
  double value = 0;
  double reference = 0;             // training mean of the design column
  std::optional<double> std_error;  // unpenalized fits
  // Wald statistics from std_error (statsmodels' Logit summary): z, p-value, 95 % interval.
  double z() const { return std_error ? value / *std_error : std::nan(""); }
  double p_value() const {
    return std_error ? std::erfc(std::abs(z()) / std::sqrt(2.0)) : std::nan("");
  }
  double ci_low() const {
    return std_error ? value - 1.959963984540054 * *std_error : std::nan("");
  }
  double ci_high() const {
    return std_error ? value + 1.959963984540054 * *std_error : std::nan("");
  }
};

struct ScorecardBin {
  std::string label;                 // "10–15", "male", "ukendt"
  std::optional<double> low, high;   // numeric bins: [low, high)
  std::optional<std::size_t> level;  // category bins
  bool missing = false;
  int points = 0;
};

struct ScorecardFeature {
  std::string field;
  std::vector<ScorecardBin> bins;
};

// How closely the scorecard reproduces the model, measured on the training rows.
struct ScorecardAgreement {
  std::size_t rows = 0;
  double tolerance = 0.02;  // |scorecard probability - model probability| counted as agreeing
  double within = 0;        // share of the rows within the tolerance
  double mean_abs = 0, max_abs = 0;
  double top_overlap = 0;  // share of the model's top 10 % that the scorecard's top 10 % holds
};

struct Scorecard {
  double points_per_log_odds = 0;  // 20 / ln 2 (20 points double the odds), or 40 / ln 2
  int base_points = 0;             // the average young person
  std::vector<ScorecardFeature> features;
  std::vector<std::pair<int, double>> table;  // total points -> probability
  ScorecardAgreement agreement;

  // A person's total points (raw values in feature order, NaN missing), as a professional adds
  // them up from the bins.
  int points(const double* raw) const;
  // Feature `f`'s points for its raw value `v` (NaN missing).
  int feature_points(std::size_t f, double v) const;
  // The probability of a total, as the table gives it (exactly, not rounded to a table row).
  double probability(int points, const Calibration& calibration) const;
};

struct Explanation {
  double baseline = 0;  // log-odds of the training reference (the average design row)
  double log_odds = 0;  // baseline + sum of contributions (calibrated log-odds under Platt)
  double probability = 0;
  std::vector<double> contributions;  // per feature (Preprocessor::features() order)
  std::vector<std::size_t> order;  // features by |contribution|, largest first (maybe only the top)
  std::vector<double> sizes;       // |contribution| in `order` (scratch for the sort)
};

class LogisticModel {
 public:
  std::string purpose;
  std::string created;  // ISO 8601 UTC
  std::string tool_version;
  Preprocessor preprocessor;
  std::vector<Coefficient> coefficients;  // one per design column
  double intercept = 0;
  std::optional<double> intercept_std_error;  // unpenalized fits
  Calibration calibration;
  std::vector<int> directions;  // per feature: +1 may only raise risk, -1 only lower, 0 free
  TrainingInfo training;
  ModelMetrics metrics;
  Scorecard scorecard;
  // The training rows' distributions and the validation rows' probabilities, for `skon monitor`
  // (model files before 1.1 have none).
  std::optional<DriftReference> drift;

  // Scoring one person: raw values in feature order. This is the one path to a probability:
  // `skon evaluate`, `skon assess` and explain_into() all compute it here, so they agree to the
  // last bit.
  struct Scratch {
    std::vector<double> design;
  };
  struct Score {
    double log_odds = 0;     // uncalibrated
    double probability = 0;  // calibrated
  };
  Score score(const double* raw, Scratch& scratch) const;

  // The log-odds of the training reference (the average design row), calibrated as explanations
  // are: what every explanation's contributions add to.
  double baseline() const;

  // The uncalibrated log-odds for raw values in feature order; `design` is scratch of width().
  double log_odds(const double* raw, double* design) const;
  double probability(const double* raw, double* design) const;
  // Contributions per feature: coefficient x (value - reference), summed over the feature's
  // design columns; baseline + contributions == log-odds to rounding (checked to 1e-9 in tests).
  Explanation explain(const double* raw) const;
  // The same into `out`, reusing its storage and `design` (scratch of width()): for cohorts.
  // `order` then lists only the `top` largest contributions (all by default).
  void explain_into(const double* raw, Explanation& out, std::vector<double>& design,
                    std::size_t top = static_cast<std::size_t>(-1)) const;

  // Whether every coefficient obeys `directions` (a raising feature has no negative coefficient
  // on its numeric column); lists the violations.
  std::vector<std::string> direction_violations() const;

 private:
  // intercept + coefficients . design, summed in column order.
  double linear(const double* design) const;
};

// Serializes to the model file's JSON text (deterministic key order, round-trip precision).
std::string to_json_text(const LogisticModel& model);
// Parses and validates a model file's text; throws InputError naming what is wrong (unknown
// format or major version, missing or mistyped keys, NaN/Inf, inconsistent lengths, directions
// violated).
LogisticModel model_from_json_text(const std::string& text, const std::string& name);
// Reads a model file; `sha256` receives the hash of its bytes (what assessments cite).
LogisticModel load_model(const std::string& path, std::string* sha256 = nullptr);
// Writes atomically.
void save_model(const LogisticModel& model, const std::string& path);

// Builds the points scorecard from the model and its raw training columns (`rows` of them): each
// number in equal-width bins scored at their middle, made finer until the scorecard's probability
// is within 0.02 of the model's for 99 % of those rows (or the bins reach their limit), and the
// agreement measured and kept with it.
Scorecard make_scorecard(const LogisticModel& model, const std::vector<std::vector<double>>& raw,
                         const std::vector<std::uint32_t>& rows);

}  // namespace skon::models
