#pragma once

// An audit log's row as a value: what the audit wing stores and chains (engine/audit), and what
// documents render (engine/documents/audit_document.hpp) without knowing the log.

#include <array>
#include <cstdint>
#include <string>

namespace skon::engine {

using Digest = std::array<std::uint8_t, 32>;

// One row to append: searchable columns and the rest of its content as JSON (`body`).
struct AuditRow {
  std::string kind;  // run, assessments (a batch), run_end, decision, approval, purge
  std::string time;  // ISO 8601 UTC
  std::string run;
  std::string person;
  int review = -1;  // an assessment: 1 review required, 0 not; a batch: how many; -1 none
  std::string body;
  Digest digest{};  // row_digest(); filled by AuditLog::append() when left zero
};

struct StoredRow {
  std::int64_t seq = 0;
  int entry = 0;  // an assessment of a batch row: its line (from 1); 0 for a row of its own
  AuditRow row;
  bool purged = false;  // its body (and person, run, review) erased
  Digest hash{};
};

// Lowercase hex of a digest.
std::string to_hex(const Digest& d);

}  // namespace skon::engine
