#pragma once

// The rows Skøn appends to its audit log (audit_log.hpp), each a canonical JSON body: a run when
// it starts (with its manifest), its assessments a batch to a row (pseudonym, outcome, level,
// review and its reason ids, SHA-256 of the output record — never a raw id or a record value), the
// run's end (counts; its absence marks an interrupted run), a human decision, an approval, a purge.

#include <string>
#include <string_view>
#include <vector>

#include "skon/audit/audit_log.hpp"
#include "skon/core/assessor.hpp"
#include "skon/core/manifest.hpp"

namespace skon::engine {

// Who did it: the name given (--operator, --by), and the operating-system user beside it.
struct Actor {
  std::string name;
  std::string os_user;
};
std::string current_os_user();

// `retention_months`: how long the log must keep the run's assessments (the purpose's).
AuditRow audit_run_row(const RunManifest& started, const Actor& by, int retention_months);
AuditRow audit_run_end_row(const RunManifest& ended);

// A run's assessments, a batch to a row (the packed form in audit_log.hpp): start one, add each
// assessment (`record` is the output record as written; its SHA-256 is logged), then seal it
// (its digest). Reuses `batch`'s storage.
void start_assessment_batch(const RunManifest& run, AuditRow& batch);
void add_assessment(const Assessor& assessor, const Assessment& a, std::string_view person,
                    std::string_view record, AuditRow& batch);
void seal_assessment_batch(AuditRow& batch);

enum class Decision { Agree, Disagree, NeedsInformation };
std::string_view decision_name(Decision d);
AuditRow audit_decision_row(const std::string& run, const std::string& person, Decision d,
                            const Actor& by, const std::string& note, const std::string& now);

struct Approval {
  std::string purpose, role, note;
  std::string rules_sha256;
  std::vector<RuleFile> rule_files;
  // Each file's text (by name): what was approved, so a later refusal can say what changed in a
  // reviewer's terms (skon diff) and not only which files. Rules hold no personal data.
  std::vector<std::pair<std::string, std::string>> rule_texts;
  std::string model_sha256;  // "" when the purpose has no model
};
AuditRow audit_approval_row(const Approval& a, const Actor& by, const std::string& now);

}  // namespace skon::engine
