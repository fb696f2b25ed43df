#pragma once

// The audit log's rows as people and other programs read them (`skon audit show`, `export`,
// `pending`): one JSON object per row, CSV, and the pending reviews' CSV line.

#include <string>

#include "skon/core/audit_row.hpp"

namespace skon::engine {

// One row as a JSON object on one line: seq, entry (an assessment of a batch row), kind, time,
// run, person, review_required, body (parsed; null once purged), digest and hash in hex.
std::string audit_row_json(const StoredRow& row);

// The CSV export's header line, and one row (its body quoted).
std::string audit_csv_header();
std::string audit_row_csv(const StoredRow& row);

// A pending review as `skon audit pending` lists it: run,person,assessed,review_ids (; between).
std::string pending_csv_header();
std::string pending_row_csv(const StoredRow& row);

}  // namespace skon::engine
