#pragma once

// `skon monitor`: whether a purpose's model still describes a newer cohort, and whether the
// humans around it still judge — so a municipality knows when to suspend a purpose.
//
// Against what the model file recorded at training (model file 1.1, `drift_reference`): each
// feature's population stability index and its share missing, and the probabilities' PSI; where
// the newer cohort has outcomes, the AUC, calibration in the large and group gaps against the
// purpose's gates. Every threshold accounts for the sizes compared: a PSI counts only above the
// level chance alone reaches 1 time in 1,000 (a PSI of 0.1 on 300 rows is noise). With an audit
// log, how professionals decided per level and how long reviews stay pending.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skon/core/constraints.hpp"
#include "skon/core/review_statistics.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

struct MonitorRequest {
  std::string data;  // the newer cohort (CSV or JSON Lines)
  models::ReadOptions read;
  std::string target = "outcome";  // used when the cohort has the column
  std::vector<std::string> by;     // group fields (the purpose's group-gap gates' always)
  // The human side, from the audit log (audit/review_statistics.hpp), when the caller has one.
  std::optional<HumanSide> human;
};

enum class Signal { Ok, Warning, Breach };
const char* to_string(Signal s);

struct FieldDrift {
  std::string field;
  std::size_t bins = 0;  // with the missing bin
  double psi = 0;
  double noise = 0;  // the PSI chance reaches 1 time in 1,000 at these sizes
  double missing_then = 0, missing_now = 0;
  Signal psi_signal = Signal::Ok, missing_signal = Signal::Ok;
};

struct MonitorResult {
  std::string purpose, data, model_sha256;
  std::size_t rows = 0, reference_rows = 0;
  std::vector<FieldDrift> fields;
  FieldDrift score;  // the probabilities (field "probability")
  // Where the newer cohort has outcomes.
  std::size_t with_outcome = 0;
  std::optional<models::ModelMetrics> metrics;
  double observed_rate = 0, mean_predicted = 0, observed_low = 0, observed_high = 0;
  Signal calibration_signal = Signal::Ok;
  std::vector<std::pair<GateVerdict, dsl::Gate>> gates;
  std::optional<HumanSide> human;
  std::vector<std::string> breaches, warnings;  // in words, in the order found
};

// Throws InputError when the model has no drift reference (trained before model file 1.1) or
// the data cannot be read.
MonitorResult monitor(const dsl::Program& program, dsl::Index purpose,
                      const models::LogisticModel& model, const std::string& model_sha256,
                      const MonitorRequest& request);

}  // namespace skon::engine
