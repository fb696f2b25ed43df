#pragma once

// What changed between two rule sets, in a legal reviewer's terms rather than a line diff: a
// purpose gained or lost a source, field, role or feature; a source's category, legal basis or
// access changed; a protected field's justification changed; a forbid was removed; a review
// trigger was added, removed or changed; a threshold moved; a rule was added, removed or its
// effect changed; a quality gate loosened; guidance or the effective period changed. Each change
// is classed: `needs approval` (it can widen what is used, or weaken a safeguard) or
// `informational` (it narrows, tightens or rewords).

#include <string>
#include <vector>

#include "skon/dsl/program.hpp"

namespace skon::engine {

struct RuleSetChange {
  std::string scope;     // "purpose early_warning", "source wellbeing", "field absence_pct"
  std::string subject;   // what in it: "review trigger high_level", "rule below_upv_eud", ""
  std::string kind;      // a stable id: source_added, threshold_moved, gate_loosened, ...
  std::string what;      // in words: "added", "moved from 10 to 15", ...
  std::string from, to;  // the values before and after, where there are such
  bool needs_approval = false;
};

struct RuleSetDiff {
  std::vector<std::string> purposes;   // compared, in the new rule set's order
  std::vector<RuleSetChange> changes;  // those needing approval first, then in reading order
  bool needs_approval() const;
};

// Compares `before` with `after` (both loaded and checked), for `purpose` or, when it is empty,
// for every purpose either has. Throws base::InputError when the two have different level
// scales, or when `purpose` is in neither.
RuleSetDiff diff_rule_sets(const dsl::Program& before, const dsl::Program& after,
                           const std::string& purpose);

}  // namespace skon::engine
