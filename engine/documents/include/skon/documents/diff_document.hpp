#pragma once

// What `skon diff` shows: a rule-set change in a legal reviewer's terms (core/rule_diff.hpp) and,
// with a cohort, whom it moves (studies/rule_impact.hpp).

#include <string>

#include "skon/core/rule_diff.hpp"
#include "skon/studies/rule_impact.hpp"

namespace skon::engine {

// The two rule sets as the user named them, and their hashes.
struct DiffNames {
  std::string old_rules, new_rules;
  std::string old_sha256, new_sha256;
};

// `format`: "text", "md" or "json". `impact` may be null (no cohort).
std::string render_diff(const DiffNames& names, const RuleSetDiff& diff, const ImpactReport* impact,
                        const std::string& format);

}  // namespace skon::engine
