#pragma once

// `skon patterns`: the data patterns in historical data, for every field a purpose could use —
// including fields of sources it may not use, marked so, never left out: how common each value
// is, the outcome rate by value or band, the odds ratio with its 95 % interval, how often the
// field is missing and whether missingness itself goes with the outcome, and the correlations
// among the candidate factors. What further data would be worth, and at what ethical cost, starts
// here; `skon compare --ablate` then measures it inside a model.

#include <optional>
#include <string>
#include <vector>

#include "skon/dsl/program.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

struct PatternsRequest {
  std::string data;  // history with outcomes
  models::ReadOptions read;
  std::string target = "outcome";
};

struct OddsRatio {
  double ratio = 0, low = 0, high = 0;  // 95 %
};

// One value (bool, category) or band (a number's quartile) of a field.
struct PatternGroup {
  std::string label;
  std::size_t count = 0;
  double outcome_rate = 0;
  std::optional<OddsRatio> odds;  // against the reference group
};

struct FieldPattern {
  std::string field, label, type, source, category;
  bool in_data = true;
  bool purpose_may_use = false;  // a source the purpose lists
  bool used_by_purpose = false;  // one of its features or read by its rules
  bool roles_have_access = false;
  bool is_protected = false;
  bool forbidden = false;  // the purpose forbids it
  std::size_t known = 0, missing = 0;
  double mean = 0, sd = 0, q1 = 0, median = 0, q3 = 0;  // numbers
  std::vector<PatternGroup> groups;
  std::string reference;            // the group odds ratios are against
  std::optional<OddsRatio> per_sd;  // numbers: univariate logistic regression, per SD
  double outcome_rate_known = 0, outcome_rate_missing = 0;
  std::optional<OddsRatio> missing_odds;  // missing against known
};

struct Correlation {
  std::string a, b;
  double r = 0;
  std::size_t rows = 0;  // pairwise complete
};

struct PatternsResult {
  std::string purpose, data;
  std::size_t rows = 0;
  double outcome_rate = 0;
  std::vector<FieldPattern> fields;
  std::vector<Correlation> correlations;  // among numbers and yes/no fields, |r| descending
};

PatternsResult find_patterns(const dsl::Program& program, dsl::Index purpose,
                             const PatternsRequest& request);

// Woolf's interval for the odds ratio of a 2 x 2 table (exposed: a outcome, b no outcome;
// unexposed: c, d); half a count added to every cell when one is empty.
OddsRatio odds_ratio(double a, double b, double c, double d);

}  // namespace skon::engine
