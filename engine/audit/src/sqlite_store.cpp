// The audit store in one SQLite file (WAL): the only place skon speaks SQL. The chain logic is
// the audit log's (audit_log.cpp); this file keeps rows.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "skon/audit/audit_log.hpp"
#include "skon/audit/audit_store.hpp"
#include "skon/base/errors.hpp"

namespace skon::engine {
namespace {

constexpr const char* kFormat = "skon-audit";
constexpr int kBusyTimeoutMs = 15000;  // another writer's batch takes milliseconds

Digest blob_digest(sqlite3_stmt* st, int col) {
  Digest d{};
  if (sqlite3_column_bytes(st, col) == 32) std::memcpy(d.data(), sqlite3_column_blob(st, col), 32);
  return d;
}

std::string text_of(sqlite3_stmt* st, int col) {
  const auto* t = sqlite3_column_text(st, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
}

struct Db {
  sqlite3* db = nullptr;
  std::string path;
  int lock_fd = -1;  // the descriptor open() made the log through; closed after SQLite's
  ~Db() {
    if (db != nullptr) sqlite3_close_v2(db);
    if (lock_fd >= 0) ::close(lock_fd);
  }

  // The SQLite error in words, with the log's name; never any row content.
  [[noreturn]] void fail(const std::string& doing, int rc) const {
    const int code = rc & 0xff;
    const std::string what = "audit log " + path + ": " + doing + ": " + sqlite3_errstr(rc);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
      throw base::InputError(what + "; it is not a Skøn audit log (or is damaged)");
    }
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      throw base::OutputError(what + " — another process holds it longer than " +
                              std::to_string(kBusyTimeoutMs / 1000) + " s; try again");
    }
    if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
      throw base::OutputError(what + "; give a log you may write (--audit)");
    }
    if (code == SQLITE_FULL || code == SQLITE_IOERR) {
      throw base::OutputError(what + "; free space or give another place (--audit)");
    }
    throw base::OutputError(what);
  }

  void exec(const char* sql, const char* doing) const {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) fail(doing, rc);
  }

  sqlite3_stmt* prepare(const char* sql) const {
    sqlite3_stmt* st = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    if (rc != SQLITE_OK) fail("reading it", rc);
    return st;
  }
};

// A prepared statement, finalized on every path.
class Statement {
 public:
  Statement(const Db& db, const char* sql) : db_(db), st_(db.prepare(sql)) {}
  ~Statement() { sqlite3_finalize(st_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return st_; }
  bool step(const char* doing) const {
    const int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail(doing, rc);
  }
  void bind(int i, const std::string& s) const {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind_or_null(int i, const std::string& s) const {
    if (s.empty()) {
      sqlite3_bind_null(st_, i);
    } else {
      sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    }
  }

 private:
  const Db& db_;
  sqlite3_stmt* st_;
};

void read_stored(sqlite3_stmt* st, StoredRow& s) {
  s.seq = sqlite3_column_int64(st, 0);
  s.entry = 0;
  s.row.kind = text_of(st, 1);
  s.row.time = text_of(st, 2);
  s.row.run = text_of(st, 3);
  s.row.person = text_of(st, 4);
  s.row.review = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
  s.purged = sqlite3_column_type(st, 6) == SQLITE_NULL;
  s.row.body = text_of(st, 6);
  s.row.digest = blob_digest(st, 7);
  s.hash = blob_digest(st, 8);
}

// ?1..?n for a list of n values, numbered from `first`.
std::string placeholders(std::size_t n, int first) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += (i ? ", ?" : "?") + std::to_string(first + i);
  return s;
}

class SqliteStore final : public AuditStore {
 public:
  explicit SqliteStore(std::unique_ptr<Db> db) : d_(std::move(db)) {}

  std::int64_t append(const std::vector<AuditRow>& rows, const Link& link) override {
    std::lock_guard lock(writing_);  // one transaction at a time on this connection
    const Db& d = *d_;
    d.exec("BEGIN IMMEDIATE", "starting to write");  // the head read under the write lock
    try {
      Digest prev{};
      std::int64_t seq = 0;
      {
        Statement head(d, "SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1");
        if (head.step("reading its head")) {
          seq = sqlite3_column_int64(head.get(), 0);
          prev = blob_digest(head.get(), 1);
        }
      }
      const std::int64_t first = seq + 1;
      Statement insert(
          d,
          "INSERT INTO chain (seq, kind, time, run, person, review, body, digest, hash)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      sqlite3_stmt* st = insert.get();
      for (const AuditRow& r : rows) {
        ++seq;
        const Digest hash = link(prev, seq, r);
        sqlite3_bind_int64(st, 1, seq);
        sqlite3_bind_text(st, 2, r.kind.data(), static_cast<int>(r.kind.size()), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r.time.data(), static_cast<int>(r.time.size()), SQLITE_STATIC);
        insert.bind_or_null(4, r.run);
        insert.bind_or_null(5, r.person);
        if (r.review < 0) {
          sqlite3_bind_null(st, 6);
        } else {
          sqlite3_bind_int(st, 6, r.review);
        }
        sqlite3_bind_text(st, 7, r.body.data(), static_cast<int>(r.body.size()), SQLITE_STATIC);
        sqlite3_bind_blob(st, 8, r.digest.data(), 32, SQLITE_STATIC);
        sqlite3_bind_blob(st, 9, hash.data(), 32, SQLITE_TRANSIENT);
        insert.step("writing to it");
        sqlite3_reset(st);
        prev = hash;
      }
      d.exec("COMMIT", "writing to it");
      return first;
    } catch (...) {
      sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  void scan(const RowFilter& f, const std::function<void(const StoredRow&)>& each) const override {
    std::string sql =
        "SELECT seq, kind, time, run, person, review, body, digest, hash FROM chain WHERE 1";
    int next = 1;
    if (!f.kinds.empty()) {
      sql += " AND kind IN (" + placeholders(f.kinds.size(), next) + ")";
      next += static_cast<int>(f.kinds.size());
    }
    const int run_at = f.run.empty() ? 0 : next++;
    if (run_at) sql += " AND run = ?" + std::to_string(run_at);
    const int person_at = f.person.empty() ? 0 : next++;
    if (person_at) {
      sql += " AND (person = ?" + std::to_string(person_at) + " OR kind = 'assessments')";
    }
    const int time_at = f.time_before.empty() ? 0 : next++;
    if (time_at) sql += " AND time < ?" + std::to_string(time_at);
    if (f.review_only) sql += " AND review >= 1";
    if (f.with_body) sql += " AND body IS NOT NULL";
    sql += " ORDER BY seq";
    Statement q(*d_, sql.c_str());
    for (std::size_t i = 0; i < f.kinds.size(); ++i) q.bind(static_cast<int>(i) + 1, f.kinds[i]);
    if (run_at) q.bind(run_at, f.run);
    if (person_at) q.bind(person_at, f.person);
    if (time_at) q.bind(time_at, f.time_before);
    StoredRow s;
    while (q.step("reading it")) {
      read_stored(q.get(), s);
      each(s);
    }
  }

  std::optional<std::pair<std::int64_t, Digest>> head() const override {
    Statement q(*d_, "SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1");
    if (!q.step("reading its head")) return std::nullopt;
    return std::make_pair(sqlite3_column_int64(q.get(), 0), blob_digest(q.get(), 1));
  }

  std::optional<Digest> hash_at(std::int64_t seq) const override {
    Statement q(*d_, "SELECT hash FROM chain WHERE seq = ?1");
    sqlite3_bind_int64(q.get(), 1, seq);
    if (!q.step("reading it")) return std::nullopt;
    return blob_digest(q.get(), 0);
  }

  std::int64_t erase(const std::vector<std::string>& kinds, const std::set<std::string>& runs,
                     const std::string& before) override {
    std::lock_guard lock(writing_);
    const Db& d = *d_;
    d.exec("BEGIN IMMEDIATE", "starting to purge");
    try {
      d.exec(
          "CREATE TEMP TABLE IF NOT EXISTS erasable (run TEXT PRIMARY KEY); "
          "DELETE FROM erasable",
          "purging it");
      {
        Statement add(d, "INSERT OR IGNORE INTO erasable VALUES (?1)");
        for (const std::string& run : runs) {
          add.bind(1, run);
          add.step("purging it");
          sqlite3_reset(add.get());
        }
      }
      const std::string sql =
          "UPDATE chain SET body = NULL, person = NULL, run = NULL, review = NULL WHERE kind IN (" +
          placeholders(kinds.size(), 2) +
          ") AND time < ?1 AND body IS NOT NULL AND run IN (SELECT run FROM erasable)";
      Statement q(d, sql.c_str());
      q.bind(1, before);
      for (std::size_t i = 0; i < kinds.size(); ++i) q.bind(static_cast<int>(i) + 2, kinds[i]);
      q.step("purging it");
      const std::int64_t erased = sqlite3_changes64(d.db);
      d.exec("COMMIT", "purging it");
      return erased;
    } catch (...) {
      sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::string name() const override { return "audit log " + d_->path; }

 private:
  std::unique_ptr<Db> d_;
  std::mutex writing_;  // threads of one process share the connection; processes use SQLite's lock
};

// Makes the schema in an empty file; then checks that the file is a Skøn log this skon reads.
std::unique_ptr<Db> open_made_or_found(const std::string& path, bool create) {
  auto db = std::make_unique<Db>();
  Db& d = *db;
  d.path = path;
  // The file exists by now: made (0600) by open_sqlite_store(), or found.
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (const int rc = sqlite3_open_v2(path.c_str(), &d.db, flags, nullptr); rc != SQLITE_OK) {
    d.fail("opening it", rc);
  }
  sqlite3_busy_timeout(d.db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(d.db, 1);

  // Is it ours? An empty file becomes one; anything else must say it is a Skøn log.
  bool empty = false;
  {
    Statement tables(d, "SELECT count(*) FROM sqlite_master");
    tables.step("reading it");
    empty = sqlite3_column_int(tables.get(), 0) == 0;
  }
  if (empty) {
    if (sqlite3_db_readonly(d.db, "main") == 1) d.fail("creating it", SQLITE_READONLY);
    // 16 KiB pages: a third fewer page splits per million appended rows (measured 2.17 s -> 1.50 s
    // for a million raw inserts); set before the first table, as SQLite requires.
    d.exec("PRAGMA page_size=16384", "creating it");
    d.exec("PRAGMA journal_mode=WAL", "creating it");
    d.exec(
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS skon_audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS chain ("
        "  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, time TEXT NOT NULL, run TEXT,"
        "  person TEXT, review INTEGER, body TEXT, digest BLOB NOT NULL, hash BLOB NOT NULL);"
        // Decisions are looked up by run and person (pending, review record); everything else
        // is read in order, so no index slows the million appends of a large run.
        "CREATE INDEX IF NOT EXISTS decisions ON chain(run, person) WHERE kind = 'decision';"
        "INSERT OR IGNORE INTO skon_audit_meta VALUES ('format', 'skon-audit');"
        "COMMIT;",
        "creating it");
    d.exec(("INSERT OR IGNORE INTO skon_audit_meta VALUES ('schema_version', '" +
            std::to_string(kAuditSchemaVersion) + "')")
               .c_str(),
           "creating it");
  }
  std::string format, version;
  bool has_meta = false;
  {
    Statement t(d, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'skon_audit_meta'");
    has_meta = t.step("reading it");
  }
  if (has_meta) {
    Statement meta(d, "SELECT key, value FROM skon_audit_meta");
    while (meta.step("reading it")) {
      const std::string key = text_of(meta.get(), 0);
      if (key == "format") format = text_of(meta.get(), 1);
      if (key == "schema_version") version = text_of(meta.get(), 1);
    }
  }
  if (format != kFormat) {
    throw base::InputError("audit log " + path + ": not a Skøn audit log");
  }
  int number = 0;  // a version that is not a number is not ours either (fuzz_audit found stoi)
  const auto [end, err] = std::from_chars(version.data(), version.data() + version.size(), number);
  if (version.empty() || err != std::errc() || end != version.data() + version.size()) {
    throw base::InputError("audit log " + path + ": not a Skøn audit log (no schema version)");
  }
  if (number > kAuditSchemaVersion) {
    throw base::InputError("audit log " + path + ": schema version " + version +
                           " is newer than this skon reads (" +
                           std::to_string(kAuditSchemaVersion) + "); use a newer skon");
  }
  d.exec("PRAGMA journal_mode=WAL", "opening it");
  d.exec("PRAGMA synchronous=NORMAL", "opening it");
  if (create && number < kAuditSchemaVersion) {  // it will hold rows an older skon cannot read
    d.exec(("UPDATE skon_audit_meta SET value = '" + std::to_string(kAuditSchemaVersion) +
            "' WHERE key = 'schema_version'")
               .c_str(),
           "upgrading it");
  }
  return db;
}

}  // namespace

std::unique_ptr<AuditStore> open_sqlite_store(const std::string& path, bool create) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw base::UsageError("--audit " + path + " is a directory; give a file");
  }
  // Whoever makes the file makes the log; everyone else waits for that (flock, which does not
  // touch SQLite's own locks) and then opens what it made.
  int fd = create ? ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
  const bool created = fd >= 0;
  if (!created) {
    if (create && errno != EEXIST) throw base::output_error(path, errno);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) throw base::InputError("no audit log at " + path);
      throw base::InputError("cannot read the audit log " + path + ": " + std::strerror(errno));
    }
  }
  ::flock(fd, LOCK_EX);
  try {
    auto db = open_made_or_found(path, create);
    ::flock(fd, LOCK_UN);
    // Closing a descriptor of the file would drop every POSIX lock this process holds on it —
    // SQLite's included — so it stays open until the connection is closed.
    db->lock_fd = fd;
    return std::make_unique<SqliteStore>(std::move(db));
  } catch (...) {
    if (created) {  // a log that could not be made is not left half-made
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::filesystem::remove(path + suffix, ec);
      }
    }
    ::flock(fd, LOCK_UN);
    ::close(fd);
    throw;
  }
}

}  // namespace skon::engine
