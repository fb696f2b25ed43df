// The audit log's API: rows chain, verify finds each kind of tampering and names the row, a
// checkpoint catches a cut tail and its signature a forgery, purge keeps the chain, and a file
// that is not a log is refused. (tests/e2e/audit.sh plays the same attacks through the CLI.)

#include "skon/audit/audit_log.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "skon/base/errors.hpp"
#include "support/temp_path.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

fs::path fresh_log(const char* name, int rows) {
  const fs::path path = test::temp_path(name);
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto log = engine::AuditLog::open(path.string(), true);
  std::vector<engine::AuditRow> batch;
  for (int i = 0; i < rows; ++i) {
    engine::AuditRow r;
    r.kind = "assessment";
    r.time = "2026-01-0" + std::to_string(1 + i % 9) + "T00:00:00Z";
    r.run = "run" + std::to_string(i / 10);
    r.person = "p" + std::to_string(i);
    r.review = i % 2;
    r.body = "{\"level\":\"low\",\"n\":" + std::to_string(i) + "}";
    batch.push_back(r);
  }
  log->append(batch);
  return path;
}

void tamper(const fs::path& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

engine::VerifyResult verify(const fs::path& path) {
  return engine::AuditLog::open(path.string(), false)->verify();
}

}  // namespace

TEST_CASE("audit log: an untouched log verifies, and every tampering names its row") {
  const fs::path clean = fresh_log("audit_clean.sqlite", 50);
  const auto ok = verify(clean);
  CHECK(ok.ok);
  CHECK(ok.rows == 50);
  struct Attack {
    const char* sql;
    std::int64_t row;
  };
  for (const Attack& a :
       {Attack{"UPDATE chain SET body = replace(body, 'low', 'high') WHERE seq = 7", 7},
        Attack{"UPDATE chain SET review = 1 - review WHERE seq = 12", 12},
        Attack{"UPDATE chain SET person = 'someone else' WHERE seq = 30", 30},
        Attack{"DELETE FROM chain WHERE seq = 20", 20},
        Attack{"UPDATE chain SET seq = -1 WHERE seq = 40; UPDATE chain SET seq = 40 "
               "WHERE seq = 41; UPDATE chain SET seq = 41 WHERE seq = -1",
               40}}) {
    INFO(a.sql);
    const fs::path copy = test::temp_path("audit_tampered.sqlite");
    fs::copy_file(clean, copy, fs::copy_options::overwrite_existing);
    tamper(copy, a.sql);
    const auto r = verify(copy);
    CHECK_FALSE(r.ok);
    CHECK(r.first_bad == a.row);
  }
}

TEST_CASE("audit log: a checkpoint catches a cut tail, a rewrite and a forged signature") {
  const fs::path path = fresh_log("audit_cp.sqlite", 30);
  const std::string key = "a checkpoint key, 0123456789";
  const engine::Checkpoint cp =
      engine::AuditLog::open(path.string(), false)->checkpoint(key, "2026-02-01T00:00:00Z");
  CHECK(cp.rows == 30);
  {
    auto log = engine::AuditLog::open(path.string(), false);
    CHECK_FALSE(engine::check_against(cp, key, *log, log->verify()));
  }
  engine::Checkpoint forged = cp;
  forged.rows = 3;
  {
    auto log = engine::AuditLog::open(path.string(), false);
    const auto why = engine::check_against(forged, key, *log, log->verify());
    REQUIRE(why);
    CHECK(why->find("signature") != std::string::npos);
  }
  tamper(path, "DELETE FROM chain WHERE seq > 25");
  auto log = engine::AuditLog::open(path.string(), false);
  const auto r = log->verify();
  CHECK(r.ok);  // a cut tail is a valid chain ...
  const auto why = engine::check_against(cp, key, *log, r);
  REQUIRE(why);  // ... but not the one the checkpoint saw
  CHECK(why->find("fewer than the 30") != std::string::npos);
}

TEST_CASE("audit log: a purge removes personal data past each run's retention, keeping the chain") {
  const fs::path path = fresh_log("audit_purge.sqlite", 40);  // runs run0..run3, 10 rows each
  auto log = engine::AuditLog::open(path.string(), false);
  std::vector<engine::AuditRow> runs;
  for (int k = 0; k < 4; ++k) {  // run3's purpose keeps its assessments two years
    engine::AuditRow r;
    r.kind = "run";
    r.time = "2026-01-01T00:00:00Z";
    r.run = "run" + std::to_string(k);
    r.body = "{\"kind\":\"run\",\"time\":\"" + r.time + "\",\"run\":\"" + r.run +
             "\",\"retention_months\":" + (k == 3 ? "24" : "6") + "}";
    runs.push_back(r);
  }
  log->append(runs);
  const std::int64_t purged = log->purge("2026-01-05T00:00:00Z", "2026-12-01T00:00:00Z", "tester");
  CHECK(purged > 0);
  const auto r = log->verify();
  CHECK(r.ok);
  CHECK(r.rows == 45);  // and the purge is itself a row
  std::int64_t with_person = 0;
  log->rows("assessment", "", "", [&](const engine::StoredRow& s) {
    const bool old = s.row.time < "2026-01-05";
    const bool long_kept = s.seq > 30;  // run3's rows
    if (!s.purged && old) CHECK(long_kept);
    if (s.purged) CHECK_FALSE(long_kept);
    with_person += s.row.person.empty() ? 0 : 1;
  });
  CHECK(with_person == 40 - purged);
}

TEST_CASE("audit log: a file that is not a log, or has a newer schema, is refused") {
  const fs::path text = test::temp_path("audit_text.sqlite");
  std::ofstream(text) << "not a database at all\n";
  CHECK_THROWS_AS(engine::AuditLog::open(text.string(), false), base::InputError);
  const fs::path newer = fresh_log("audit_newer.sqlite", 1);
  tamper(newer, "UPDATE skon_audit_meta SET value = '3' WHERE key = 'schema_version'");
  CHECK_THROWS_AS(engine::AuditLog::open(newer.string(), false), base::InputError);
  CHECK_THROWS_AS(engine::AuditLog::open(test::temp_path("no_such_log.sqlite").string(), false),
                  base::InputError);
}

TEST_CASE(
    "audit log: a batch row reads as its assessments, for show, pending, decisions and purge") {
  const fs::path path = test::temp_path("audit_batch.sqlite");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto log = engine::AuditLog::open(path.string(), true);
  // The packed form of docs/audit.md: PSEUDONYM, LEVEL ("" = insufficient data), REVIEW,
  // REASON,IDS, RECORD_SHA256 — tab-separated, one line each.
  const std::string sha(64, 'a');
  engine::AuditRow batch;
  batch.kind = "assessments";
  batch.time = "2026-01-01T00:00:00Z";
  batch.run = "r1";
  batch.review = 2;
  batch.body = "p1\thigh\t1\thigh_level,low_wellbeing\t" + sha + "\n" +  //
               "p2\tlow\t0\t\t" + sha + "\n" +                           //
               "p3\t\t1\tinsufficient_data\t" + sha + "\n";
  engine::AuditRow run;
  run.kind = "run";
  run.time = batch.time;
  run.run = "r1";
  run.body = R"({"retention_months":6})";
  std::vector<engine::AuditRow> rows{run, batch};
  log->append(rows);
  CHECK(log->verify().ok);

  std::vector<engine::StoredRow> seen;
  log->rows("assessment", "", "", [&](const engine::StoredRow& s) { seen.push_back(s); });
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].seq == 2);
  CHECK(seen[2].entry == 3);
  CHECK(seen[0].row.person == "p1");
  CHECK(seen[0].row.review == 1);
  CHECK(seen[0].row.body == R"({"outcome":"assessed","level":"high","review_ids":["high_level",)"
                            R"("low_wellbeing"],"record_sha256":")" +
                                sha + "\"}");
  CHECK(seen[1].row.body == R"({"outcome":"assessed","level":"low","review_ids":[],)"
                            R"("record_sha256":")" +
                                sha + "\"}");
  CHECK(seen[2].row.body.starts_with(R"({"outcome":"insufficient_data","level":null,)"));
  int for_p2 = 0;
  log->rows("", "", "p2", [&](const engine::StoredRow& s) { for_p2 += s.row.person == "p2"; });
  CHECK(for_p2 == 1);

  CHECK(log->has_assessment("r1", "p3"));
  CHECK_FALSE(log->has_assessment("r1", "p"));  // a prefix of a pseudonym is not one
  CHECK_FALSE(log->has_assessment("r2", "p1"));
  std::vector<std::string> pending;
  log->pending("", [&](const engine::StoredRow& s) { pending.push_back(s.row.person); });
  CHECK(pending == std::vector<std::string>{"p1", "p3"});
  std::vector<engine::AuditRow> decision(1);
  decision[0].kind = "decision";
  decision[0].time = "2026-01-02T00:00:00Z";
  decision[0].run = "r1";
  decision[0].person = "p1";
  decision[0].body = "{}";
  log->append(decision);
  pending.clear();
  log->pending("", [&](const engine::StoredRow& s) { pending.push_back(s.row.person); });
  CHECK(pending == std::vector<std::string>{"p3"});

  // Past its retention the batch keeps only its place in the chain.
  CHECK(log->purge("2026-01-05T00:00:00Z", "2026-12-01T00:00:00Z", "tester") == 2);
  CHECK(log->verify().ok);
  int purged = 0, assessments = 0;
  log->rows("", "", "", [&](const engine::StoredRow& s) {
    purged += s.purged;
    assessments += s.row.kind == "assessment";
  });
  CHECK(purged == 2);
  CHECK(assessments == 0);
}

TEST_CASE("audit log: a batch whose lines were rewritten along with its hashes is refused") {
  const fs::path path = test::temp_path("audit_batch_bad.sqlite");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto log = engine::AuditLog::open(path.string(), true);
  std::vector<engine::AuditRow> rows(1);
  rows[0].kind = "assessments";
  rows[0].time = "2026-01-01T00:00:00Z";
  rows[0].run = "r1";
  rows[0].review = 1;
  rows[0].body = "p1\thigh\t1\n";  // two fields short: verifies, but cannot be read
  log->append(rows);
  CHECK(log->verify().ok);
  CHECK_THROWS_AS(log->rows("", "", "", [](const engine::StoredRow&) {}), base::InputError);
  CHECK_THROWS_AS(log->pending("", [](const engine::StoredRow&) {}), base::InputError);
  CHECK_THROWS_AS((void)log->has_assessment("r1", "p2"), base::InputError);
}
