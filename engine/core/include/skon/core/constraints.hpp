#pragma once

// The checks `skon assess` makes before reading a single record, beyond what `skon check` already
// guarantees about the rule files: the purpose is in effect, and the model file belongs to it,
// is the pinned one, meets its quality gates and keeps its direction constraints. Every finding is
// a diagnostic pointing at the purpose's line in the rule files.

#include <cstdint>
#include <string>

#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"

namespace skon::engine {

// Whose metrics a gate is checked against: a model file's recorded validation, or a `score from`
// field measured by `skon evaluate`.
enum class GateSubject { Model, Score };

// One quality gate against measured metrics: the value, its uncertainty where the metrics carry
// one (a group gap's bootstrap SD), the value the gate acts on (the point, or for `at N %` the
// interval's far bound) and whether it holds.
struct GateVerdict {
  std::string name;    // "group_gap on sex"
  double value = 0;    // NaN: not measured
  double sd = 0;       // NaN: no uncertainty recorded
  double checked = 0;  // what is compared with the bound
  bool holds = false;
  bool measured = false;
};
GateVerdict gate_verdict(const dsl::Program& program, const dsl::Gate& gate,
                         const models::ModelMetrics& metrics);

// E0310 for each of the purpose's quality gates `metrics` does not meet; returns whether all hold.
bool check_quality_gates(const dsl::Program& program, dsl::Index purpose,
                         const models::ModelMetrics& metrics, GateSubject subject,
                         dsl::DiagnosticBag& bag);

// Adds E0306 and E0308–E0311 findings to `bag`; returns whether assessment may proceed.
// `model` may be null for a purpose without a model. `today` is days since 1970-01-01.
bool enforce_constraints(const dsl::Program& program, dsl::Index purpose,
                         const models::LogisticModel* model, const std::string& model_sha256,
                         std::int32_t today, dsl::DiagnosticBag& bag);

}  // namespace skon::engine
