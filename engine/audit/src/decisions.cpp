#include "skon/audit/decisions.hpp"

#include <algorithm>

#include "skon/audit/approvals.hpp"
#include "skon/base/errors.hpp"

namespace skon::engine {
namespace {

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\n") == std::string::npos;
}

}  // namespace

void check_decision(const DecisionRecord& d) {
  if (d.decision == Decision::Disagree && blank(d.note)) {
    throw base::UsageError("a disagreement needs its reason: give --note \"...\"");
  }
  if (blank(d.by.name)) throw base::UsageError("--by names who decided");
}

std::int64_t record_decision(AuditLog& log, const DecisionRecord& d, const std::string& now) {
  check_decision(d);
  if (!log.has_assessment(d.run, d.person)) {
    throw base::InputError("the audit log " + log.path() + " has no assessment of person " +
                           d.person + " in run " + d.run + "; nothing was recorded");
  }
  std::vector<AuditRow> row{audit_decision_row(d.run, d.person, d.decision, d.by, d.note, now)};
  return log.append(row);
}

void check_approval(const dsl::Program& program, const ApprovalRecord& a) {
  const dsl::PurposeInfo& p = program.purposes.at(a.purpose);
  const auto role = std::find(program.roles.begin(), program.roles.end(), a.role);
  if (role == program.roles.end()) {
    throw base::UsageError("--role " + a.role + " is no role of the rule set");
  }
  const auto r = static_cast<dsl::Index>(role - program.roles.begin());
  if (!p.approvers.empty() &&
      std::find(p.approvers.begin(), p.approvers.end(), r) == p.approvers.end()) {
    throw base::UsageError("purpose " + p.name + " does not ask " + a.role +
                           " for approval (see its `requires approval by`)");
  }
  if (a.model != nullptr && a.model->purpose != p.name) {
    throw base::InputError("the model was trained for purpose " + a.model->purpose + ", not " +
                           p.name);
  }
  if (a.model == nullptr && !p.features.empty()) {
    throw base::UsageError("purpose " + p.name + " has a model: approve it too (--model)");
  }
}

std::int64_t record_approval(AuditLog& log, const dsl::Program& program, const ApprovalRecord& a,
                             const std::string& now) {
  check_approval(program, a);
  std::vector<AuditRow> row{audit_approval_row(
      describe_approval(program, a.purpose, a.model == nullptr ? "" : a.model_sha256, a.role,
                        a.note),
      a.by, now)};
  return log.append(row);
}

}  // namespace skon::engine
