#pragma once

// Where the audit log's rows are kept. The chain (hashes, verification, pending reviews,
// retention, checkpoints) is the audit log's and the same over every store; a store only keeps
// rows: appends them in one transaction chained onto its head, scans them in order, erases the
// personal data of rows it is told to. One file each: SQLite (the embedded default) and memory
// (for unit tests); the shared store tests (tests/unit/engine/audit_store_test.cpp) run against
// each.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "skon/core/audit_row.hpp"

namespace skon::engine {

// Which rows a scan returns ("" or empty: any).
struct RowFilter {
  std::vector<std::string> kinds;
  std::string run;
  std::string person;        // rows of kind `assessments` (batches) pass whatever it is
  std::string time_before;   // rows whose time sorts before it
  bool review_only = false;  // review >= 1
  bool with_body = false;    // not purged
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // The hash of a row given the previous row's hash and its own seq (the audit log's chain).
  using Link = std::function<Digest(const Digest& previous, std::int64_t seq, const AuditRow& row)>;

  // In one transaction: reads the head (seq 0 and 32 zero bytes when empty), numbers the rows
  // after it, hashes each with `link` and writes them all — or none. Appenders that race keep one
  // chain: each sees the head the one before it committed. Returns the first row's seq.
  virtual std::int64_t append(const std::vector<AuditRow>& rows, const Link& link) = 0;

  // Rows that pass `filter`, in seq order.
  virtual void scan(const RowFilter& filter,
                    const std::function<void(const StoredRow&)>& each) const = 0;

  // The last row's seq and hash; nothing when there are no rows.
  virtual std::optional<std::pair<std::int64_t, Digest>> head() const = 0;

  // The hash of row `seq`, if the store has it.
  virtual std::optional<Digest> hash_at(std::int64_t seq) const = 0;

  // Erases body, person, run and review (keeping seq, kind, time, digest and hash) of the rows
  // of `kinds` of the runs in `runs` whose time is before `before`, in one transaction. Returns
  // how many rows it erased.
  virtual std::int64_t erase(const std::vector<std::string>& kinds,
                             const std::set<std::string>& runs, const std::string& before) = 0;

  // What the store is, for messages: "audit log PATH".
  virtual std::string name() const = 0;
};

// The SQLite store at `path` (one file, WAL), made with its schema when it does not exist and
// `create` is set. Throws InputError for a file that is not a Skøn audit log or has a newer
// schema, UsageError for a directory, and OutputError for one that cannot be written or stays
// locked longer than the busy timeout.
std::unique_ptr<AuditStore> open_sqlite_store(const std::string& path, bool create);

// A store in memory: for unit tests, and for a run that keeps its record only until it ends.
std::unique_ptr<AuditStore> memory_store();

}  // namespace skon::engine
