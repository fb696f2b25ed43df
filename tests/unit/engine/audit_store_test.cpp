// The audit store contract, run against every store (SQLite, memory): the chain logic above it
// must behave the same whichever keeps the rows.
#include "skon/audit/audit_store.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "skon/audit/audit_log.hpp"
#include "skon/base/errors.hpp"
#include "support/temp_path.hpp"

namespace {

using namespace skon;

struct NamedStore {
  const char* name;
  std::function<std::unique_ptr<engine::AuditLog>()> open;
};

std::vector<NamedStore> every_store() {
  return {
      {"memory",
       [] { return std::make_unique<engine::AuditLog>(engine::memory_store(), "memory"); }},
      {"sqlite",
       [] {
         const auto path = test::temp_path("store_contract.sqlite").string();
         for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
         return engine::AuditLog::open(path, true);
       }},
  };
}

engine::AuditRow row(const std::string& kind, const std::string& time, const std::string& run,
                     const std::string& person, int review, const std::string& body) {
  engine::AuditRow r;
  r.kind = kind;
  r.time = time;
  r.run = run;
  r.person = person;
  r.review = review;
  r.body = body;
  return r;
}

}  // namespace

TEST_CASE("audit store contract: appends chain onto the head, verify and scans agree") {
  for (const NamedStore& store : every_store()) {
    CAPTURE(store.name);
    auto log = store.open();
    CHECK(log->verify().ok);
    CHECK(log->verify().rows == 0);
    std::vector<engine::AuditRow> first{
        row("run", "2026-01-01T00:00:00Z", "r1", "", -1, R"({"retention_months":6})"),
        row("assessment", "2026-01-01T00:00:01Z", "r1", "p1", 1, R"({"level":"high"})"),
        row("assessment", "2026-01-01T00:00:02Z", "r1", "p2", 0, R"({"level":"low"})")};
    CHECK(log->append(first) == 1);
    std::vector<engine::AuditRow> second{
        row("decision", "2026-01-02T00:00:00Z", "r1", "p1", -1, R"({"decision":"agree"})")};
    CHECK(log->append(second) == 4);
    const engine::VerifyResult v = log->verify();
    CHECK(v.ok);
    CHECK(v.rows == 4);
    REQUIRE(log->hash_at(4));
    CHECK(engine::to_hex(*log->hash_at(4)) == v.head);
    CHECK_FALSE(log->hash_at(5));
    CHECK(log->has_hash(v.head));

    std::vector<std::string> persons;
    log->rows("assessment", "r1", "",
              [&](const engine::StoredRow& s) { persons.push_back(s.row.person); });
    CHECK(persons == std::vector<std::string>{"p1", "p2"});
    persons.clear();
    log->rows("", "", "p2", [&](const engine::StoredRow& s) { persons.push_back(s.row.kind); });
    CHECK(persons == std::vector<std::string>{"assessment"});
    CHECK(log->has_assessment("r1", "p1"));
    CHECK_FALSE(log->has_assessment("r1", "p3"));
    CHECK_FALSE(log->has_assessment("r2", "p1"));
    std::size_t pending = 0;
    log->pending("", [&](const engine::StoredRow&) { ++pending; });
    CHECK(pending == 0);  // p1 is decided; p2 needs no review

    const engine::Checkpoint c = log->checkpoint("a checkpoint key of 32 bytes!!!!", "now");
    CHECK(c.rows == 4);
    CHECK(c.head == v.head);
    CHECK_FALSE(engine::check_against(c, "a checkpoint key of 32 bytes!!!!", *log, v));
  }
}

TEST_CASE("audit store contract: a purge erases personal data and the chain still verifies") {
  for (const NamedStore& store : every_store()) {
    CAPTURE(store.name);
    auto log = store.open();
    std::vector<engine::AuditRow> rows{
        row("run", "2025-01-01T00:00:00Z", "old", "", -1, R"({"retention_months":6})"),
        row("assessment", "2025-01-01T00:00:01Z", "old", "p1", 1, R"({"level":"high"})"),
        row("run", "2026-11-01T00:00:00Z", "new", "", -1, R"({"retention_months":6})"),
        row("assessment", "2026-11-01T00:00:01Z", "new", "p2", 1, R"({"level":"high"})")};
    log->append(rows);
    CHECK_THROWS_AS(log->purge("2026-10-01", "2026-12-01T00:00:00Z", "tester"),
                    base::UsageError);  // younger than the retention floor
    CHECK(log->purge("2025-06-01T00:00:00Z", "2026-12-01T00:00:00Z", "tester") == 1);
    CHECK(log->verify().ok);
    CHECK(log->verify().rows == 5);  // the purge row appended
    CHECK_FALSE(log->has_assessment("old", "p1"));
    CHECK(log->has_assessment("new", "p2"));
    std::size_t pending = 0;
    log->pending("", [&](const engine::StoredRow& s) {
      CHECK(s.row.person == "p2");
      ++pending;
    });
    CHECK(pending == 1);
  }
}

TEST_CASE("audit store contract: concurrent appenders keep one chain") {
  for (const NamedStore& store : every_store()) {
    CAPTURE(store.name);
    auto log = store.open();
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&log, w] {
        for (int i = 0; i < 25; ++i) {
          std::vector<engine::AuditRow> rows{
              row("decision", "2026-01-01T00:00:00Z", "r", "p" + std::to_string(w), -1, "{}"),
              row("decision", "2026-01-01T00:00:00Z", "r", "q" + std::to_string(i), -1, "{}")};
          log->append(rows);
        }
      });
    }
    for (auto& t : writers) t.join();
    const engine::VerifyResult v = log->verify();
    CHECK(v.ok);
    CHECK(v.rows == 200);
  }
}
