#pragma once

// Approved rule sets and models. A purpose that says `requires approval by ROLE, ...` is assessed
// only with a rule set (and model) whose hashes an approval of every such role in the audit log
// covers; otherwise the refusal says what changed since the last approved version.

#include <optional>
#include <string>

#include "skon/audit/audit_log.hpp"
#include "skon/audit/audit_rows.hpp"
#include "skon/dsl/program.hpp"

namespace skon::engine {

// The approval `skon approve` records for `purpose` with the program's rule files and, when the
// purpose has a model, `model_sha256`.
Approval describe_approval(const dsl::Program& program, dsl::Index purpose,
                           const std::string& model_sha256, const std::string& role,
                           const std::string& note);

// Nothing when every role the purpose requires has approved exactly these rules and model; else
// why not, naming the roles missing and the files (and model) changed since each one's last
// approval.
std::optional<std::string> missing_approvals(const AuditLog& log, const dsl::Program& program,
                                             dsl::Index purpose, const std::string& model_sha256);

}  // namespace skon::engine
