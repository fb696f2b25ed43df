#pragma once

// The human side of a purpose, from its audit log: runs, reviews required and decided, decisions
// per level, and how long pending reviews have waited at `now` (ISO 8601 UTC).

#include <string>

#include "skon/audit/audit_log.hpp"
#include "skon/core/review_statistics.hpp"
#include "skon/dsl/program.hpp"

namespace skon::engine {

HumanSide review_statistics(const AuditLog& log, const dsl::Program& program, dsl::Index purpose,
                            const std::string& now);

}  // namespace skon::engine
