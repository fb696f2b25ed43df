#pragma once

// Recording what people did, with the rules that hold for every front end (the CLI's `skon
// review record` and `skon approve`, a service to come): a disagreement needs its reason, a
// decision names someone and an assessment the log holds; an approval is by a role the purpose
// asks, of a model trained for it.

#include <cstdint>
#include <string>

#include "skon/audit/audit_log.hpp"
#include "skon/audit/audit_rows.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"

namespace skon::engine {

struct DecisionRecord {
  std::string run, person;  // the run that assessed the person, and their pseudonym
  Decision decision = Decision::Agree;
  Actor by;
  std::string note;  // why; required for a disagreement
};

// UsageError for a disagreement without a note or a decision by no one (before a log is opened).
void check_decision(const DecisionRecord& d);

// Appends the decision at `now` (ISO 8601 UTC); returns its row. UsageError for a disagreement
// without a note or a decision by no one; InputError when the log has no such assessment.
std::int64_t record_decision(AuditLog& log, const DecisionRecord& d, const std::string& now);

struct ApprovalRecord {
  dsl::Index purpose = dsl::kNone;
  std::string role;
  const models::LogisticModel* model = nullptr;  // with its file's SHA-256
  std::string model_sha256;
  Actor by;
  std::string note;
};

// The approval's rules, checked before a log is opened (record_approval checks them again).
void check_approval(const dsl::Program& program, const ApprovalRecord& a);

// Appends the approval of the program's rule files (and model) for a purpose at `now`; returns
// its row. UsageError for a role the rule set lacks or the purpose does not ask, or a purpose
// with a model approved without one; InputError for a model trained for another purpose.
std::int64_t record_approval(AuditLog& log, const dsl::Program& program, const ApprovalRecord& a,
                             const std::string& now);

}  // namespace skon::engine
