#pragma once

// The audit log: an append-only, hash chain of what Skøn assessed (runs and one row
// per assessment), what a human decided, and who approved which rule set and model. Every row's
// hash covers the previous row's, so a changed, deleted, inserted or reordered row is found by
// verify(); a cut-off tail is found against a checkpoint kept elsewhere (checkpoint()). No raw id
// and no record value is ever stored: persons are pseudonyms, records are SHA-256 digests.
//
// Row hash = SHA-256(previous hash ‖ seq as 8 bytes big-endian ‖ digest), digest = SHA-256 of the
// row's kind, time, run, person, review and body (row_digest); the first row's previous hash is 32
// zero bytes. A purge keeps a row's seq, kind, digest and hash, so the chain still verifies
// without the personal data. The rows are kept by an AuditStore (audit_store.hpp): a SQLite file
// by default; the chain logic here is the same over every store.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "skon/audit/audit_store.hpp"

namespace skon::engine {

inline constexpr int kAuditSchemaVersion = 2;
// No run's assessments and decisions are purged sooner than this, whatever its purpose says.
inline constexpr int kRetentionFloorMonths = 6;

// SHA-256 over kind, time, run, person, review and body, each but the last followed by '\n'.
Digest row_digest(const AuditRow& row);

struct VerifyResult {
  bool ok = true;
  std::int64_t rows = 0;
  std::string head;            // hex hash of the last row
  std::int64_t first_bad = 0;  // the first row that does not verify (0: none)
  std::string problem;         // what is wrong there, in words
};

struct Checkpoint {
  std::int64_t rows = 0;
  std::string head;  // hex
  std::string time;
  std::string mac;  // hex HMAC-SHA-256 over "skon-audit-checkpoint\n<rows>\n<head>\n<time>"
};

class AuditLog {
 public:
  // Opens the log at `path`, creating it (with its schema version) when it does not exist and
  // `create` is set. Throws InputError for a file that is not a Skøn audit log or has a newer
  // schema, and OutputError for one that cannot be written (read-only, full disk) or stays
  // locked longer than the busy timeout.
  static std::unique_ptr<AuditLog> open(const std::string& path, bool create);
  // The log over any store (a memory store in tests); `name` is what messages call it.
  AuditLog(std::unique_ptr<AuditStore> store, std::string name);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `rows` in one transaction, chained to the head as it is when the transaction starts
  // (so concurrent writers keep one valid chain). Returns the seq of the first row.
  std::int64_t append(std::vector<AuditRow>& rows);

  // Recomputes the whole chain from the first row: every seq in turn, every body against its
  // digest, every hash against the previous one, every searchable column against its body.
  VerifyResult verify(const std::function<void(std::int64_t)>& progress = {}) const;

  // Rows in order, filtered by kind, run and person ("" = any); a batch of assessments comes as
  // its logical `assessment` rows (the batch row itself only once purged).
  void rows(const std::string& kind, const std::string& run, const std::string& person,
            const std::function<void(const StoredRow&)>& each) const;

  // Assessments that require review and have no decision, oldest first; `before` (ISO time,
  // "" = any) keeps those of runs started before it.
  void pending(const std::string& before, const std::function<void(const StoredRow&)>& each) const;

  // Whether run `run` assessed person `person` (a decision needs that).
  bool has_assessment(const std::string& run, const std::string& person) const;

  // Removes the body, person and run of assessment and decision rows of runs that started
  // before `before` (keeping seq, kind, digest and hash), then appends a purge row. Returns the
  // number of rows purged.
  std::int64_t purge(const std::string& before, const std::string& now, const std::string& os_user);

  // The hash of row `seq`, if the log has it.
  std::optional<Digest> hash_at(std::int64_t seq) const;
  // Whether any row has the hash `hex` (a head recorded earlier).
  bool has_hash(const std::string& hex) const;

  // The head as a checkpoint, signed with HMAC-SHA-256 under `key`.
  Checkpoint checkpoint(const std::string& key, const std::string& now) const;

  const std::string& path() const { return path_; }

 private:
  std::unique_ptr<AuditStore> store_;
  std::string path_;
};

// Throws UsageError when purging before `before` (ISO date or time) at `now` would remove rows
// younger than the retention floor (AuditLog::purge checks it too).
void check_retention_floor(const std::string& before, const std::string& now);

// The checkpoint's file form (JSON), and back; read throws InputError for a malformed one.
std::string checkpoint_json(const Checkpoint& c);
Checkpoint read_checkpoint(const std::string& path);
// Whether `c` is signed by `key` and the log holds its row with its hash; the problem otherwise.
std::optional<std::string> check_against(const Checkpoint& c, const std::string& key,
                                         const AuditLog& log, const VerifyResult& verified);

}  // namespace skon::engine
