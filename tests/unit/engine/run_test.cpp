// The run as an engine API: constraints before any record, records and manifest as the schemas
// say, counts, and nothing left behind when a record is bad.

#include "skon/core/run.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "skon/audit/approvals.hpp"
#include "skon/audit/audit_journal.hpp"
#include "skon/audit/audit_log.hpp"
#include "skon/audit/audit_rows.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/provenance.hpp"
#include "skon/core/sink.hpp"
#include "skon/models/train.hpp"
#include "support/absence_model.hpp"
#include "support/json_schema.hpp"
#include "support/rules.hpp"
#include "support/temp_path.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

// The prelude's purpose with one rule, a model trained for it, and a cohort file of `rows` people
// (one without an id when `bad` says which).
struct Setup {
  test::Loaded rules;
  models::LogisticModel model;
  std::string model_sha;
  fs::path cohort;

  explicit Setup(std::size_t rows = 3000, std::size_t bad = 0) {
    rules = test::load(std::string(test::kPrelude) +
                       "rule high_absence \"Højt fravær\" in ew {\n  when absence_pct > 10\n"
                       "  flag \"Fravær på {absence_pct} %\"\n}\n");
    REQUIRE_FALSE(rules.bag.has_errors());
    model = test::train_absence_model(*rules.program);
    model_sha = base::sha256_hex(models::to_json_text(model));
    cohort = test::temp_path("run_cohort.csv");
    std::ofstream out(cohort);
    out << "id,absence_pct,exams_taken,sex\n";
    for (std::size_t i = 1; i <= rows; ++i) {
      out << (i == bad ? "" : "P" + std::to_string(i)) << ","
          << (i % 7 == 0 ? "" : std::to_string(i % 30)) << "," << (i % 3 ? "true" : "false") << ","
          << (i % 2 ? "male" : "female") << "\n";
    }
  }

  std::unique_ptr<engine::Run> prepare(std::int32_t day, dsl::DiagnosticBag& bag) {
    engine::RunInputs in;
    in.program = rules.program.get();
    in.purpose = 0;
    in.model = &model;
    in.model_sha256 = model_sha;
    engine::RunOptions options;
    options.assessment_date = day;
    options.id_key = "a key of at least sixteen bytes";
    return engine::Run::prepare(in, options, bag);
  }
};

// The prelude with `statements` added to its purpose.
std::string prelude_with(const std::string& statements) {
  std::string text = std::string(test::kPrelude);
  const std::string roles_line = "  roles uu_counsellor\n";
  text.replace(text.find(roles_line), roles_line.size(), roles_line + statements);
  return text;
}

// The prelude's purpose, requiring its counsellor's approval.
void require_approval(Setup& s) {
  s.rules = test::load(prelude_with("  requires approval by uu_counsellor\n"));
  REQUIRE_FALSE(s.rules.bag.has_errors());
}

nlohmann::json schema(const char* name) {
  std::ifstream in(fs::path(SKON_SOURCE_DIR) / "docs" / name);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("run: records and manifest follow their schemas, counts add up, ids are pseudonyms") {
  Setup s;
  dsl::DiagnosticBag bag;
  auto run = s.prepare(20600, bag);
  REQUIRE(run);
  models::CohortReader source(s.cohort.string(), run->columns("id"), {});
  const fs::path out = test::temp_path("run_out.jsonl");
  auto sink = engine::jsonl_file_sink(out.string(), engine::default_manifest_path(out.string()), 5);
  std::size_t progress_calls = 0;
  const engine::RunManifest m =
      run->execute(source, base::sha256_file_hex(s.cohort), *sink,
                   [&](const engine::RunProgress& p) { progress_calls += p.records > 0; });
  CHECK(progress_calls > 0);
  CHECK(m.counts.records == 3000);
  CHECK(m.counts.assessed + m.counts.insufficient_data == 3000);
  std::size_t by_level = 0;
  for (const auto& [level, n] : m.counts.levels) by_level += n;
  CHECK(by_level == m.counts.assessed);

  const test::SchemaChecker record_schema(schema("assessment.schema.json"));
  std::ifstream in(out);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const auto j = nlohmann::json::parse(line);
    INFO(line);
    REQUIRE(record_schema.check(j) == "");
    CHECK(j["run"] == m.run_id);
    CHECK(line.find("\"P") == std::string::npos);  // no raw id
  }
  CHECK(lines == 3000);
  std::ifstream manifest_in(engine::default_manifest_path(out.string()));
  const auto manifest = nlohmann::json::parse(manifest_in);
  CHECK(test::SchemaChecker(schema("run.schema.json")).check(manifest) == "");
  CHECK(manifest["input"]["sha256"] == base::sha256_file_hex(s.cohort));
  CHECK(manifest["counts"]["records"] == 3000);
}

TEST_CASE("run: a purpose that may not be assessed is refused before anything is opened") {
  Setup s;
  dsl::DiagnosticBag bag;
  // A model trained for another purpose: E0308, and no run.
  s.model.purpose = "other";
  CHECK_FALSE(s.prepare(20600, bag));
  CHECK(bag.has_errors());
}

TEST_CASE("run: a record without an id stops the run and leaves no output, manifest or temp") {
  Setup s(5000, 4321);
  dsl::DiagnosticBag bag;
  auto run = s.prepare(20600, bag);
  REQUIRE(run);
  models::CohortReader source(s.cohort.string(), run->columns("id"), {});
  const fs::path dir = test::temp_path("run_fail_dir");
  fs::create_directories(dir);
  const fs::path out = dir / "a.jsonl";
  auto sink = engine::jsonl_file_sink(out.string(), engine::default_manifest_path(out.string()), 5);
  CHECK_THROWS_AS(run->execute(source, "0", *sink), base::InputError);
  sink.reset();
  CHECK(fs::is_empty(dir));
}

TEST_CASE("run: the run id follows what determines the results, and only that") {
  Setup s(200);
  dsl::DiagnosticBag bag;
  const auto id_of = [&](std::int32_t day, const std::string& input_sha) {
    auto run = s.prepare(day, bag);
    models::CohortReader source(s.cohort.string(), run->columns("id"), {});
    const fs::path out = test::temp_path("run_id.jsonl");
    auto sink = engine::jsonl_file_sink(out.string(), "", 5);
    return run->execute(source, input_sha, *sink).run_id;
  };
  const std::string a = id_of(20600, std::string(64, 'a'));
  CHECK(a.size() == 32);
  CHECK(id_of(20600, std::string(64, 'a')) == a);  // the same run again: the same id
  CHECK(id_of(20601, std::string(64, 'a')) != a);  // another day
  CHECK(id_of(20600, std::string(64, 'b')) != a);  // another input
}

TEST_CASE("run: renaming a rule file changes the rule set's hash (file names order evaluation)") {
  const auto hash_of = [](const std::string& first, const std::string& second) {
    const fs::path dir = test::temp_path("rename_rules");
    fs::create_directories(dir);
    std::ofstream(dir / first) << test::kPrelude;
    std::ofstream(dir / second) << "rule a in ew {\n  when absence_pct > 10\n  flag \"a\"\n}\n";
    dsl::DiagnosticBag bag;
    auto program = dsl::load_program({dir}, bag);
    dsl::check_program(*program, bag);
    REQUIRE_FALSE(bag.has_errors());
    return engine::rules_sha256(*program);
  };
  const std::string a = hash_of("a.skon", "b.skon");
  CHECK(hash_of("a.skon", "b.skon") == a);
  CHECK(hash_of("a.skon", "c.skon") != a);  // same bytes, another name
}

TEST_CASE("run: a purpose that requires approval logs only what each role approved") {
  Setup s;
  require_approval(s);
  dsl::DiagnosticBag bag;
  auto run = s.prepare(20600, bag);
  REQUIRE(run);
  const fs::path path = test::temp_path("run_approvals.sqlite");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto log = engine::AuditLog::open(path.string(), true);
  engine::AuditJournal journal(*log, {"tester", "tester"});
  CHECK_THROWS_WITH_AS(run->set_journal(&journal),
                       doctest::Contains("no approval by uu_counsellor"), base::InputError);

  const auto approve = [&](const std::string& model_sha) {
    std::vector<engine::AuditRow> row{engine::audit_approval_row(
        engine::describe_approval(*s.rules.program, 0, model_sha, "uu_counsellor", ""),
        {"Lise", "tester"}, "2026-06-01T00:00:00Z")};
    log->append(row);
  };
  approve(std::string(64, '0'));  // another model's
  CHECK_THROWS_WITH_AS(run->set_journal(&journal), doctest::Contains("the model"),
                       base::InputError);
  approve(s.model_sha);
  CHECK_NOTHROW(run->set_journal(&journal));
  // Taking the log away again is allowed here; execute() then refuses (the next test).
  CHECK_NOTHROW(run->set_journal(nullptr));
}

TEST_CASE("approvals: an approval's rule texts never write outside a private folder") {
  Setup s;
  require_approval(s);
  const fs::path path = test::temp_path("approvals_escape.sqlite");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  auto log = engine::AuditLog::open(path.string(), true);
  // A forged approval (the log's chain rebuilt by someone who can write it) naming a file
  // outside: its texts are not written, and the refusal still names what is missing.
  engine::Approval forged =
      engine::describe_approval(*s.rules.program, 0, std::string(64, '0'), "uu_counsellor", "");
  const fs::path escape = fs::temp_directory_path() / "skon_escaped.skon";
  fs::remove(escape);
  forged.rule_texts = {{"../skon_escaped.skon", "levels low\n"}, {"/tmp/x.skon", "levels low\n"}};
  std::vector<engine::AuditRow> row{
      engine::audit_approval_row(forged, {"Mallory", "tester"}, "2026-06-01T00:00:00Z")};
  log->append(row);
  const auto why = engine::missing_approvals(*log, *s.rules.program, 0, s.model_sha);
  REQUIRE(why);
  CHECK(why->find("the model") != std::string::npos);
  CHECK_FALSE(fs::exists(escape));
}

TEST_CASE("gates: a group gap gate at 95 % acts on the interval's bound, not the point") {
  test::Loaded rules = test::load(
      prelude_with("  gate group_gap on sex <= 0.05 at 95 %\n  gate group_gap on sex <= 0.05\n"));
  REQUIRE_FALSE(rules.bag.has_errors());
  const dsl::PurposeInfo& p = rules.program->purposes[0];
  REQUIRE(p.gates.size() == 2);
  CHECK(p.gates[0].confidence == doctest::Approx(0.95));
  CHECK_FALSE(p.gates[1].confidence);
  models::ModelMetrics metrics;
  metrics.validation = "test";
  models::GroupReport g;
  g.field = "sex";
  g.gap_flag_rate = 0.04;  // within 0.05 on the point ...
  g.resamples = 200;
  g.sd_largest = 0.01;  // ... but 0.04 + 1.96 x 0.01 = 0.0596 is not
  metrics.groups.push_back(g);
  dsl::DiagnosticBag bag;
  CHECK_FALSE(
      engine::check_quality_gates(*rules.program, 0, metrics, engine::GateSubject::Model, bag));
  REQUIRE(bag.error_count() == 1);  // the gate on the point holds
  CHECK(bag.items()[0].message.find("its 95 % interval reaches 0.0596") != std::string::npos);
  // Without a recorded uncertainty the interval gate cannot be checked: refused, not passed.
  metrics.groups[0].resamples = 0;
  dsl::DiagnosticBag none;
  CHECK_FALSE(
      engine::check_quality_gates(*rules.program, 0, metrics, engine::GateSubject::Model, none));
  CHECK(none.items()[0].message.find("no uncertainty") != std::string::npos);
}

TEST_CASE("gates: an interval belongs to group gaps, at a level between 50 and 100 %") {
  for (const char* gate :
       {"  gate auc >= 0.7 at 95 %\n", "  gate group_gap on sex <= 0.05 at 120 %\n"}) {
    test::Loaded rules = test::load(prelude_with(gate));
    INFO(gate);
    CHECK(rules.bag.has_errors());
  }
}

TEST_CASE("run: a purpose that requires approval is never assessed without a log") {
  Setup s;
  require_approval(s);
  dsl::DiagnosticBag bag;
  auto run = s.prepare(20600, bag);
  REQUIRE(run);
  models::CohortReader source(s.cohort.string(), run->columns("id"), {});
  const fs::path out = test::temp_path("run_unlogged.jsonl");
  auto sink = engine::jsonl_file_sink(out.string(), engine::default_manifest_path(out.string()), 5);
  CHECK_THROWS_WITH_AS(run->execute(source, "", *sink), doctest::Contains("must be logged"),
                       base::UsageError);
  sink.reset();
  CHECK_FALSE(fs::exists(out));
}
