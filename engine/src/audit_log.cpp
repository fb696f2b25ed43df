#include "skon/engine/audit_log.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "skon/models/errors.hpp"
#include "skon/models/sha256.hpp"

namespace skon::engine {
namespace {

constexpr const char* kFormat = "skon-audit";
constexpr int kBusyTimeoutMs = 15000;  // another writer's batch takes milliseconds

Digest sha256(std::string_view bytes) {
  Digest d{};
  models::sha256_into(bytes, d.data());
  return d;
}

}  // namespace

Digest row_digest(const AuditRow& r) {
  thread_local std::string all;  // one buffer per thread: no allocation per row
  all.clear();
  for (std::string_view part : {std::string_view(r.kind), std::string_view(r.time),
                                std::string_view(r.run), std::string_view(r.person)}) {
    all += part;
    all += '\n';
  }
  if (r.review >= 0) all += std::to_string(r.review);  // a count, for a batch of assessments
  all += '\n';
  all += r.body;
  return sha256(all);
}

namespace {

// SHA-256(prev ‖ seq as 8 bytes big-endian ‖ digest).
Digest chain_hash(const Digest& prev, std::int64_t seq, const Digest& digest) {
  unsigned char buf[32 + 8 + 32];
  std::memcpy(buf, prev.data(), 32);
  for (int i = 0; i < 8; ++i) buf[32 + i] = static_cast<unsigned char>(seq >> (56 - 8 * i));
  std::memcpy(buf + 40, digest.data(), 32);
  Digest d{};
  models::sha256_into(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf), d.data());
  return d;
}

Digest blob_digest(sqlite3_stmt* st, int col) {
  Digest d{};
  if (sqlite3_column_bytes(st, col) == 32) std::memcpy(d.data(), sqlite3_column_blob(st, col), 32);
  return d;
}

std::string text_of(sqlite3_stmt* st, int col) {
  const auto* t = sqlite3_column_text(st, col);
  return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &n);
  Digest d{};
  std::memcpy(d.data(), out, 32);
  return to_hex(d);
}

std::string checkpoint_message(const Checkpoint& c) {
  return "skon-audit-checkpoint\n" + std::to_string(c.rows) + "\n" + c.head + "\n" + c.time;
}

}  // namespace

std::string to_hex(const Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string s(64, '0');
  for (std::size_t i = 0; i < 32; ++i) {
    s[2 * i] = digits[d[i] >> 4];
    s[2 * i + 1] = digits[d[i] & 15];
  }
  return s;
}

struct AuditLog::Db {
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
      throw models::InputError(what + "; it is not a Skøn audit log (or is damaged)");
    }
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      throw models::OutputError(what + " — another process holds it longer than " +
                                std::to_string(kBusyTimeoutMs / 1000) + " s; try again");
    }
    if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM) {
      throw models::OutputError(what + "; give a log you may write (--audit)");
    }
    if (code == SQLITE_FULL || code == SQLITE_IOERR) {
      throw models::OutputError(what + "; free space or give another place (--audit)");
    }
    throw models::OutputError(what);
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
  Statement(const AuditLog::Db& db, const char* sql) : db_(db), st_(db.prepare(sql)) {}
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

 private:
  const AuditLog::Db& db_;
  sqlite3_stmt* st_;
};

std::unique_ptr<AuditLog> AuditLog::open(const std::string& path, bool create) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw models::UsageError("--audit " + path + " is a directory; give a file");
  }
  // Whoever makes the file makes the log; everyone else waits for that (flock, which does not
  // touch SQLite's own locks) and then opens what it made.
  int fd = create ? ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600) : -1;
  const bool created = fd >= 0;
  if (!created) {
    if (create && errno != EEXIST) throw models::output_error(path, errno);
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) throw models::InputError("no audit log at " + path);
      throw models::InputError("cannot read the audit log " + path + ": " + std::strerror(errno));
    }
  }
  ::flock(fd, LOCK_EX);
  try {
    auto log = open_made_or_found(path, create);
    ::flock(fd, LOCK_UN);
    // Closing a descriptor of the file would drop every POSIX lock this process holds on it —
    // SQLite's included — so it stays open until the connection is closed.
    log->db_->lock_fd = fd;
    return log;
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

std::unique_ptr<AuditLog> AuditLog::open_made_or_found(const std::string& path, bool create) {
  std::unique_ptr<AuditLog> log(new AuditLog());
  log->path_ = path;
  log->db_ = std::make_unique<Db>();
  Db& d = *log->db_;
  d.path = path;
  // The file exists by now: made (0600) by open(), or found.
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
    throw models::InputError("audit log " + path + ": not a Skøn audit log");
  }
  int number = 0;  // a version that is not a number is not ours either (fuzz_audit found stoi)
  const auto [end, err] = std::from_chars(version.data(), version.data() + version.size(), number);
  if (version.empty() || err != std::errc() || end != version.data() + version.size()) {
    throw models::InputError("audit log " + path + ": not a Skøn audit log (no schema version)");
  }
  if (number > kAuditSchemaVersion) {
    throw models::InputError("audit log " + path + ": schema version " + version +
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
  return log;
}

AuditLog::~AuditLog() = default;

std::int64_t AuditLog::append(std::vector<AuditRow>& rows) {
  const Db& d = *db_;
  d.exec("BEGIN IMMEDIATE", "starting to write");
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
    Statement insert(d,
                     "INSERT INTO chain (seq, kind, time, run, person, review, body, digest, hash)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt* st = insert.get();
    const Digest zero{};
    for (AuditRow& r : rows) {
      if (r.digest == zero) r.digest = row_digest(r);
      ++seq;
      const Digest hash = chain_hash(prev, seq, r.digest);
      sqlite3_bind_int64(st, 1, seq);
      sqlite3_bind_text(st, 2, r.kind.data(), static_cast<int>(r.kind.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 3, r.time.data(), static_cast<int>(r.time.size()), SQLITE_STATIC);
      if (r.run.empty()) {
        sqlite3_bind_null(st, 4);
      } else {
        sqlite3_bind_text(st, 4, r.run.data(), static_cast<int>(r.run.size()), SQLITE_STATIC);
      }
      if (r.person.empty()) {
        sqlite3_bind_null(st, 5);
      } else {
        sqlite3_bind_text(st, 5, r.person.data(), static_cast<int>(r.person.size()), SQLITE_STATIC);
      }
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

VerifyResult AuditLog::verify(const std::function<void(std::int64_t)>& progress) const {
  VerifyResult r;
  Statement all(*db_,
                "SELECT seq, kind, time, run, person, review, body, digest, hash FROM chain "
                "ORDER BY seq");
  sqlite3_stmt* st = all.get();
  Digest prev{};
  std::int64_t expected = 1;
  const auto broken = [&](std::int64_t seq, std::string problem) {
    r.ok = false;
    r.first_bad = seq;
    r.problem = std::move(problem);
  };
  while (all.step("reading it")) {
    const std::int64_t seq = sqlite3_column_int64(st, 0);
    if (seq != expected) {
      broken(expected, seq > expected ? "row " + std::to_string(expected) + " is missing"
                                      : "rows are out of order");
      return r;
    }
    const Digest digest = blob_digest(st, 7), hash = blob_digest(st, 8);
    const bool purged = sqlite3_column_type(st, 6) == SQLITE_NULL;
    if (!purged) {
      AuditRow row;
      row.kind = text_of(st, 1);
      row.time = text_of(st, 2);
      row.run = text_of(st, 3);
      row.person = text_of(st, 4);
      row.review = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
      row.body = text_of(st, 6);
      if (row_digest(row) != digest) {
        broken(seq, "its content was changed");
        return r;
      }
    } else if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
      broken(seq, "a purged row still names a person");
      return r;
    }
    if (chain_hash(prev, seq, digest) != hash) {
      broken(seq, "its hash does not follow from the row before it");
      return r;
    }
    prev = hash;
    r.rows = seq;
    ++expected;
    if (progress && seq % 100000 == 0) progress(seq);
  }
  r.head = r.rows > 0 ? to_hex(prev) : std::string(64, '0');
  return r;
}

namespace {

// One line of a batch row's body (audit_log.hpp): PSEUDONYM, LEVEL, REVIEW, REASON,IDS, RECORD.
struct PackedAssessment {
  std::string_view person, level, review, reasons, record;
};

// Takes the next line off `body`; false at its end. A line that is not five tab-separated
// fields means the content was rewritten along with its hashes: InputError.
bool next_packed(std::string_view& body, std::int64_t seq, PackedAssessment& out) {
  if (body.empty()) return false;
  const std::size_t end = body.find('\n');
  std::string_view line = body.substr(0, end);
  body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
  std::string_view* fields[] = {&out.person, &out.level, &out.review, &out.reasons, &out.record};
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t tab = line.find('\t');
    if ((i < 4) == (tab == std::string_view::npos)) {
      throw models::InputError("audit log row " + std::to_string(seq) +
                               ": its assessments cannot be read");
    }
    *fields[i] = line.substr(0, tab);
    line.remove_prefix(i < 4 ? tab + 1 : line.size());
  }
  return true;
}

// The logical row of one packed assessment, its body as a single row's of schema 1.
void unpack(const StoredRow& batch, int entry, const PackedAssessment& a, StoredRow& out) {
  out.seq = batch.seq;
  out.entry = entry;
  out.purged = false;
  out.hash = batch.hash;
  out.row.kind = "assessment";
  out.row.time = batch.row.time;
  out.row.run = batch.row.run;
  out.row.person.assign(a.person);
  out.row.review = a.review == "1" ? 1 : 0;
  out.row.digest = batch.row.digest;
  std::string& b = out.row.body;
  b.assign(a.level.empty() ? R"({"outcome":"insufficient_data","level":null)"
                           : R"({"outcome":"assessed","level":")");
  if (!a.level.empty()) {
    b += a.level;
    b += '"';
  }
  b += R"(,"review_ids":[)";
  for (std::string_view ids = a.reasons; !ids.empty();) {
    const std::size_t comma = ids.find(',');
    if (b.back() != '[') b += ',';
    b += '"';
    b += ids.substr(0, comma);
    b += '"';
    ids.remove_prefix(comma == std::string_view::npos ? ids.size() : comma + 1);
  }
  b += R"(],"record_sha256":")";
  b += a.record;
  b += "\"}";
}

// Calls `each` with the assessments of batch row `batch` that `keep` keeps.
void for_each_packed(const StoredRow& batch,
                     const std::function<bool(const PackedAssessment&)>& keep,
                     const std::function<void(const StoredRow&)>& each) {
  std::string_view body = batch.row.body;
  PackedAssessment a;
  StoredRow logical;
  for (int entry = 1; next_packed(body, batch.seq, a); ++entry) {
    if (!keep(a)) continue;
    unpack(batch, entry, a, logical);
    each(logical);
  }
}

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

constexpr const char* kBatch = "assessments";

}  // namespace

void AuditLog::rows(const std::string& kind, const std::string& run, const std::string& person,
                    const std::function<void(const StoredRow&)>& each) const {
  // A batch row has no person column and stands for `assessment` rows: it is read when either
  // is asked for, and filtered by its lines.
  Statement q(*db_,
              "SELECT seq, kind, time, run, person, review, body, digest, hash FROM chain "
              "WHERE (?1 = '' OR kind = ?1 OR (?1 = 'assessment' AND kind = 'assessments')) "
              "AND (?2 = '' OR run = ?2) "
              "AND (?3 = '' OR person = ?3 OR kind = 'assessments') ORDER BY seq");
  q.bind(1, kind);
  q.bind(2, run);
  q.bind(3, person);
  StoredRow s;
  while (q.step("reading it")) {
    read_stored(q.get(), s);
    if (s.row.kind != kBatch || s.purged) {
      if (person.empty() || s.row.person == person) each(s);
      continue;
    }
    for_each_packed(
        s, [&](const PackedAssessment& a) { return person.empty() || a.person == person; }, each);
  }
}

void AuditLog::pending(const std::string& before,
                       const std::function<void(const StoredRow&)>& each) const {
  std::set<std::pair<std::string, std::string>> decided;  // (run, person); a few thousand at most
  {
    Statement q(*db_, "SELECT run, person FROM chain WHERE kind = 'decision' AND run IS NOT NULL");
    while (q.step("reading it")) decided.emplace(text_of(q.get(), 0), text_of(q.get(), 1));
  }
  Statement q(*db_,
              "SELECT seq, kind, time, run, person, review, body, digest, hash FROM chain "
              "WHERE kind IN ('assessment', 'assessments') AND review >= 1 AND body IS NOT NULL "
              "AND (?1 = '' OR time < ?1) ORDER BY seq");
  q.bind(1, before);
  StoredRow s;
  std::pair<std::string, std::string> key;
  const auto undecided = [&](std::string_view person) {
    key.first = s.row.run;
    key.second.assign(person);
    return !decided.contains(key);
  };
  while (q.step("reading it")) {
    read_stored(q.get(), s);
    if (s.row.kind != kBatch) {
      if (undecided(s.row.person)) each(s);
      continue;
    }
    for_each_packed(
        s, [&](const PackedAssessment& a) { return a.review == "1" && undecided(a.person); }, each);
  }
}

bool AuditLog::has_assessment(const std::string& run, const std::string& person) const {
  Statement q(*db_,
              "SELECT kind, body, seq FROM chain WHERE run = ?1 AND body IS NOT NULL AND "
              "((kind = 'assessment' AND person = ?2) OR kind = 'assessments')");
  q.bind(1, run);
  q.bind(2, person);
  while (q.step("reading it")) {
    if (text_of(q.get(), 0) != kBatch) return true;
    const std::string body = text_of(q.get(), 1);
    std::string_view rest = body;
    PackedAssessment a;
    while (next_packed(rest, sqlite3_column_int64(q.get(), 2), a)) {
      if (a.person == person) return true;
    }
  }
  return false;
}

// "YYYY-MM-DD" `months` months before the ISO time `now` (the day clamped to 28: never later).
std::string months_before(const std::string& now, int months) {
  int y = std::stoi(now.substr(0, 4)), m = std::stoi(now.substr(5, 2));
  int d = std::min(std::stoi(now.substr(8, 2)), 28);
  m -= months;
  while (m < 1) m += 12, --y;
  char b[48];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
  return b;
}

std::int64_t AuditLog::purge(const std::string& before, const std::string& now,
                             const std::string& os_user) {
  const Db& d = *db_;
  d.exec("BEGIN IMMEDIATE", "starting to purge");
  std::int64_t purged = 0;
  try {
    // Only runs past their own retention (the purpose's, at least six months) may lose data.
    d.exec(
        "CREATE TEMP TABLE IF NOT EXISTS purgeable (run TEXT PRIMARY KEY); DELETE FROM purgeable",
        "purging it");
    {
      Statement runs(d,
                     "SELECT run, time, body FROM chain WHERE kind = 'run' AND body IS NOT NULL");
      Statement add(d, "INSERT OR IGNORE INTO purgeable VALUES (?1)");
      while (runs.step("purging it")) {
        const auto j = nlohmann::json::parse(text_of(runs.get(), 2), nullptr, false);
        int months = 6;
        if (j.is_object() && j.contains("retention_months") &&
            j["retention_months"].is_number_integer()) {
          months = std::max(6, j["retention_months"].get<int>());
        }
        if (text_of(runs.get(), 1) >= months_before(now, months)) continue;
        add.bind(1, text_of(runs.get(), 0));
        add.step("purging it");
        sqlite3_reset(add.get());
      }
    }
    Statement q(d,
                "UPDATE chain SET body = NULL, person = NULL, run = NULL, review = NULL "
                "WHERE kind IN ('assessment', 'assessments', 'decision') AND time < ?1 AND body IS "
                "NOT NULL "
                "AND run IN (SELECT run FROM purgeable)");
    q.bind(1, before);
    q.step("purging it");
    purged = sqlite3_changes64(d.db);
    d.exec("COMMIT", "purging it");
  } catch (...) {
    sqlite3_exec(d.db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  nlohmann::ordered_json body;
  body["kind"] = "purge";
  body["time"] = now;
  body["before"] = before;
  body["rows"] = purged;
  body["os_user"] = os_user;
  std::vector<AuditRow> row(1);
  row[0].kind = "purge";
  row[0].time = now;
  row[0].body = body.dump();
  append(row);
  return purged;
}

bool AuditLog::has_hash(const std::string& hex) const {
  Statement q(*db_, "SELECT hash FROM chain");
  while (q.step("reading it")) {
    if (to_hex(blob_digest(q.get(), 0)) == hex) return true;
  }
  return false;
}

std::optional<Digest> AuditLog::hash_at(std::int64_t seq) const {
  Statement q(*db_, "SELECT hash FROM chain WHERE seq = ?1");
  sqlite3_bind_int64(q.get(), 1, seq);
  if (!q.step("reading it")) return std::nullopt;
  return blob_digest(q.get(), 0);
}

Checkpoint AuditLog::checkpoint(const std::string& key, const std::string& now) const {
  Checkpoint c;
  Statement head(*db_, "SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1");
  if (head.step("reading its head")) {
    c.rows = sqlite3_column_int64(head.get(), 0);
    c.head = to_hex(blob_digest(head.get(), 1));
  } else {
    c.head = std::string(64, '0');
  }
  c.time = now;
  c.mac = hmac_hex(key, checkpoint_message(c));
  return c;
}

std::string checkpoint_json(const Checkpoint& c) {
  nlohmann::ordered_json j;
  j["format"] = "skon-audit-checkpoint";
  j["rows"] = c.rows;
  j["head"] = c.head;
  j["time"] = c.time;
  j["hmac_sha256"] = c.mac;
  return j.dump(2) + "\n";
}

Checkpoint read_checkpoint(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw models::InputError("cannot read the checkpoint " + path);
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  const auto is = [&](const char* k, bool number) {
    return j.is_object() && j.contains(k) && (number ? j[k].is_number_integer() : j[k].is_string());
  };
  if (!is("format", false) || j["format"] != "skon-audit-checkpoint" || !is("rows", true) ||
      !is("head", false) || !is("time", false) || !is("hmac_sha256", false)) {
    throw models::InputError(path + ": not a Skøn audit checkpoint");
  }
  return {j["rows"].get<std::int64_t>(), j["head"].get<std::string>(), j["time"].get<std::string>(),
          j["hmac_sha256"].get<std::string>()};
}

std::optional<std::string> check_against(const Checkpoint& c, const std::string& key,
                                         const AuditLog& log, const VerifyResult& verified) {
  const std::string mac = hmac_hex(key, checkpoint_message(c));
  if (mac.size() != c.mac.size() || CRYPTO_memcmp(mac.data(), c.mac.data(), mac.size()) != 0) {
    return "the checkpoint's signature does not match this key (a forged or altered checkpoint, "
           "or the wrong key)";
  }
  if (verified.rows < c.rows) {
    return "the log has " + std::to_string(verified.rows) + " rows, fewer than the " +
           std::to_string(c.rows) + " the checkpoint of " + c.time + " saw: its tail was cut";
  }
  if (c.rows == 0) return std::nullopt;
  const auto hash = log.hash_at(c.rows);
  if (!hash || to_hex(*hash) != c.head) {
    return "row " + std::to_string(c.rows) + " differs from the checkpoint of " + c.time +
           ": the log was rewritten up to it";
  }
  return std::nullopt;
}

}  // namespace skon::engine
