#pragma once

// Training with honest evaluation: the model that is saved is the model that was measured.
//   temporal (a year column with 3+ years): train on the earlier years, calibrate on the
//     second-to-last year, measure on the last year;
//   temporal with 2 years: calibrate on a seeded 20 % of the earlier year;
//   otherwise k-fold: out-of-fold predictions (each fold's model calibrated on 20 % of its
//     training part) give the metrics; the saved model is trained on a seeded 80 % of all rows
//     and calibrated on the other 20 %.

#include <optional>
#include <string>
#include <vector>

#include "skon/models/model.hpp"
#include "skon/models/preprocess.hpp"
#include "skon/models/record_source.hpp"

namespace skon::models {

struct TrainSpec {
  std::string purpose;
  std::string data_path;
  ReadOptions read;
  std::vector<ColumnSpec> features;
  std::vector<int> directions;     // per feature: +1 raises, -1 lowers, 0 free
  std::string target;              // column name
  std::string positive;            // the target value meaning "dropped out" ("" for 1/true)
  std::string year;                // column name; "" finds cohort_year or year when present
  std::vector<ColumnSpec> groups;  // category columns to report group metrics for
  LogisticOptions options;
  Calibration::Method calibration = Calibration::Method::Platt;
  double capacity = 0.10;  // share a municipality can follow up on
  int folds = 5;
  // The training window (cohort years, inclusive). Unset: trained on the earlier years,
  // calibrated on the second-to-last, tested on the last. Any one set, the others default: tested
  // on the last year, calibrated on 20 % of the training rows, trained on every other year.
  std::optional<std::pair<int, int>> train_years, calibrate_years, test_years;
  // After validation, refit on the training and test years for production (calibration stays
  // fitted on its own rows); the metrics remain the validated model's.
  bool refit_all = false;
  // `--C auto`: options.C chosen from a grid by cross-validation inside the training rows only —
  // forward-chaining over their years (each later year predicted from the years before it), or
  // k-fold when they span one year — the C with the lowest mean log loss.
  bool auto_C = false;
  PreprocessOptions preprocess;
  std::uint64_t seed = 2026;
  // The scorecard (the model on one page, for its card): off where only the model's predictions
  // are used (`skon compare` trains a model per scenario and source).
  bool scorecard = true;
  std::string created;  // ISO 8601, stamped into the model
  std::string tool_version;
};

// One C of the `--C auto` grid and how it did, averaged over the cross-validation folds.
struct CPathPoint {
  double C = 0;
  double log_loss = 0;
  double auc = 0;
};

struct TrainReport {
  LogisticModel model;
  std::vector<CPathPoint> c_path;  // with auto_C: the grid, in order
  std::string c_selection;         // with auto_C: how C was chosen, in words
  std::size_t rows_rejected = 0;
  std::vector<std::string> notes;  // what a user should know (e.g. a fold without both classes)
};

// The outcome in a cell: with `positive` set, 1 when the cell equals it and 0 otherwise; else
// 1/true/ja/yes/1.0 or 0/false/nej/no/0.0. False when the cell is none of these.
bool parse_outcome(std::string_view text, const std::string& positive, double& out);

// Reads the data, fits, calibrates, evaluates and builds the scorecard. Throws InputError for bad
// data, also when no model can be fitted on them (e.g. one class only).
TrainReport train_model(const TrainSpec& spec);

// Metrics of `model` on rows whose outcome is known: probabilities, labels and group indices.
ModelMetrics evaluate_predictions(const std::vector<double>& labels,
                                  const std::vector<double>& probs,
                                  const std::vector<ColumnSpec>& groups,
                                  const std::vector<std::vector<double>>& group_values,
                                  double capacity, std::string validation);

// The model card: intended purpose, data, metrics overall and per group, calibration,
// limitations and what the model must not be used for. Markdown.
std::string model_card(const LogisticModel& model);

}  // namespace skon::models
