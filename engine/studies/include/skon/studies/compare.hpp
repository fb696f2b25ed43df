#pragma once

// `skon compare`: purposes (scenarios) trained on the same history and measured on the same later
// cohort, side by side — what each gains (AUC with its interval, recall and precision at the
// capacity, calibration, group gaps with intervals) against what it costs ethically and legally
// (special-category sources, sources its roles cannot access today, protected features, each
// with its justification). `ablate` adds, per source, what the scenario loses without it: the
// paired DeLong difference in AUC on the same rows, the difference in recall at capacity, and
// how many people's level (the purpose's bands) changes.
//
// The decision paper (beslutningsoplæg) is built from these results and the rules alone.

#include <optional>
#include <string>
#include <vector>

#include "skon/core/constraints.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/metrics.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

struct CompareRequest {
  std::vector<std::string> purposes;
  std::string history;  // training data with outcomes and cohort years
  std::string holdout;  // optional: a later cohort with outcomes, the same for every scenario
  models::ReadOptions read;
  std::string target = "outcome";
  std::vector<std::string> by;  // group fields
  double capacity = 0.10;
  bool ablate = false;
  std::string created;  // the models' `created` (reproducible with SOURCE_DATE_EPOCH)
  std::string tool_version;
};

struct SourceCost {
  std::string source, label, category, legal_basis;
  std::vector<std::string> fields;          // the purpose's features from it
  std::vector<std::string> roles_without;   // the purpose's roles it is not accessible to
  std::string justification, justified_at;  // the purpose's, with file:line
};

struct ProtectedFeature {
  std::string field, label, justification, justified_at;
};

struct Ablation {
  std::string source;
  std::vector<std::string> fields;
  models::AucDifference auc;  // without the source (b) against the scenario (a)
  double recall_without = 0, recall_difference = 0;
  std::size_t level_changes = 0;
};

struct ScenarioResult {
  std::string purpose, label;
  std::vector<std::string> features;
  std::string model_sha256;  // of the model trained here
  std::string measured_on;   // the holdout, or the training's own later year
  std::size_t rows = 0;      // measured on
  double positives = 0;
  models::ModelMetrics metrics;
  double recall_low = 0, recall_high = 0, precision_low = 0, precision_high = 0;  // Wilson 95 %
  std::vector<std::pair<GateVerdict, dsl::Gate>> gates;
  std::vector<SourceCost> sources;
  std::vector<ProtectedFeature> protected_features;
  std::vector<Ablation> ablations;
  std::vector<double> probabilities;  // on the holdout (paired comparisons)
};

struct CompareResult {
  std::string history, history_sha256, holdout, holdout_sha256, rules_sha256;
  double capacity = 0.1;
  std::vector<ScenarioResult> scenarios;
  // Each scenario against the first, on the same holdout rows (when there is one).
  std::vector<std::optional<models::AucDifference>> against_first;
};

// Throws InputError / UsageError (an unknown purpose, --ablate without --holdout, a purpose
// without a model to train).
CompareResult compare(const dsl::Program& program, const CompareRequest& request);

}  // namespace skon::engine
