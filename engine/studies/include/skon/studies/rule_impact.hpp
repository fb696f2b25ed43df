#pragma once

// What a change of rules (or model) does to real people: a cohort assessed under both versions
// in one pass — each record read once, both assessments side by side, nothing kept per person —
// counted as movements between levels, reviews and flags gained or lost, the rules behind each
// movement and, when the cohort has outcomes (a past year), who among those who later dropped out
// gained or lost them, and precision and recall at capacity before and after.

#include <map>
#include <string>
#include <vector>

#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

struct ImpactSide {
  const dsl::Program* program = nullptr;
  dsl::Index purpose = dsl::kNone;
  const models::LogisticModel* model = nullptr;  // null for a purpose without one
};

struct ImpactOptions {
  std::int32_t as_of = 0;  // the assessment date (rules' effective periods)
  std::string id_column = "id";
  std::string outcome_column;  // "" or absent from the file: no outcome split
  double capacity = 0.10;      // the share a service can see, for precision and recall
  std::size_t examples = 0;    // pseudonymous examples per movement
  std::string id_key;          // for the examples' pseudonyms
  std::size_t workers = 2;
};

// People who moved from one level to another (or stayed), with why and who.
struct ImpactCell {
  std::size_t people = 0;
  std::size_t dropped_out = 0;  // of them, with a positive outcome (when the cohort has one)
  std::map<std::string, std::size_t> causes;  // rule (or "model", "completeness") -> people
  std::vector<std::string> examples;          // pseudonyms, in file order
};

struct ImpactReport {
  // The level scale, then `insufficient_data`: rows are before, columns after.
  std::vector<std::string> levels;
  std::vector<std::vector<ImpactCell>> moves;
  std::size_t records = 0;
  bool has_outcome = false;
  std::size_t dropped_out = 0;  // records with a positive outcome
  struct Change {
    std::size_t gained = 0, lost = 0;                          // people
    std::size_t gained_dropped_out = 0, lost_dropped_out = 0;  // of them, who dropped out
  };
  Change review, flag, level;  // a review required; at least one new / one lost flag; level up/down
  std::map<std::string, std::pair<std::size_t, std::size_t>> fired;  // rule -> people before, after
  struct AtCapacity {
    double selected = 0;  // people within capacity (fractional at the boundary)
    double precision = 0, recall = 0;
  };
  double capacity = 0;
  AtCapacity before_capacity, after_capacity;  // ranked by level, then probability
};

// The columns to read: the id, every field either side reads (a field both declare read as the
// new version declares it), and the outcome column when given and present (`has_outcome`).
std::vector<models::ColumnSpec> impact_columns(const ImpactSide& before, const ImpactSide& after,
                                               const ImpactOptions& options,
                                               const std::vector<std::string>& headers,
                                               bool& has_outcome);

// Reads `source` (opened with impact_columns) once and assesses every record under both sides.
ImpactReport assess_impact(const ImpactSide& before, const ImpactSide& after,
                           models::RecordSource& source, const ImpactOptions& options,
                           bool has_outcome);

}  // namespace skon::engine
