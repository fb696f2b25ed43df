#pragma once

// The legal reviewer's document, generated from the rule files themselves (so it cannot drift
// from them): per purpose what it is for and not for, its roles, period and status, every source
// it uses with holder, GDPR category, legal basis and today's access, every field it reads,
// protected fields with their justifications quoted with file:line, forbidden fields, review
// triggers, completeness, quality gates, levels with their guidance, and the rules in plain
// words; across purposes a purpose x source matrix; the rule set's hashes and the approvals of
// this version; a DPIA section (GDPR Art. 35) saying what the rules fill and what the
// municipality must; and the duties toward the young person and the parents.

#include <string>
#include <vector>

#include "skon/documents/document.hpp"
#include "skon/dsl/program.hpp"

namespace skon::engine {

struct DocApproval {
  std::string purpose, role, by, time, model_sha256, note;
};

struct RuleDocOptions {
  Language language = Language::Danish;
  std::int32_t today = 0;              // days since 1970-01-01: the status date
  bool with_approvals = false;         // an audit log was given
  std::string audit_path;              // its name, for the text
  std::vector<DocApproval> approvals;  // recorded for this rule set's hash
};

Document rule_document(const dsl::Program& program, const RuleDocOptions& options);

}  // namespace skon::engine
