#pragma once

// A model measured on a cohort with known outcomes (`skon evaluate`): discrimination with its
// DeLong interval, calibration, precision and recall at a follow-up capacity, and gaps between
// groups. Each person's probability is computed by LogisticModel::score, as `skon assess` does.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skon/models/metrics.hpp"
#include "skon/models/model.hpp"
#include "skon/models/record_source.hpp"

namespace skon::models {

struct EvaluationSpec {
  std::string data_path;
  ReadOptions read;
  std::string target = "outcome";  // column holding the outcome
  std::string positive;            // the value that counts as positive ("" for 1/true)
  std::vector<std::string> by;     // columns to report group metrics for
  double capacity = 0.10;          // share a municipality can follow up on
  std::optional<double> threshold;
  // Each measured row's id (column `id_column`), probability and outcome, in file order, for
  // analysts who continue elsewhere (`skon evaluate --predictions`). Not called when empty.
  std::string id_column = "id";
  std::function<void(std::string_view id, double probability, double outcome)> prediction;
  bool keep_scores = false;  // keep each row's outcome and probability (for curves and plots)
};

struct Evaluation {
  std::size_t rows = 0;             // with an outcome
  std::size_t without_outcome = 0;  // skipped: nothing to compare with
  std::size_t without_score = 0;    // skipped: an outcome but no score (evaluate_score)
  std::size_t rejected = 0;         // bad rows skipped with --on-bad-row=skip
  ModelMetrics metrics;
  Confusion at_capacity;
  std::optional<Confusion> at_threshold;
  std::vector<double> labels, probs;  // with keep_scores: per row with an outcome, in file order
};

// Reads the data and measures `model` on it. Throws InputError for bad data or when no row has
// an outcome.
Evaluation evaluate_model(const LogisticModel& model, const EvaluationSpec& spec);

// The same for a score read from the data (a purpose's `score from` field): the column `score`
// holds each person's probability; a row without one is counted in without_score, not guessed.
Evaluation evaluate_score(const ColumnSpec& score, const EvaluationSpec& spec);

}  // namespace skon::models
