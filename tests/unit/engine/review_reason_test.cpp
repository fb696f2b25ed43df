// Review reasons carry stable ids: a trigger's name, a rule's name or insufficient_data. Tests
// assert them, outputs carry them, and the checker refuses ids that are unknown or clash.

#include <doctest/doctest.h>

#include "skon/core/assessor.hpp"
#include "skon/core/manifest.hpp"
#include "skon/core/record_formats.hpp"
#include "skon/core/test_runner.hpp"
#include "support/rules.hpp"

using namespace skon;

namespace {

// The prelude with its triggers named (the second stays unnamed: review_2).
std::string named_prelude() {
  std::string text = test::kPrelude;
  const std::string from = "  review required when level >= high";
  text.replace(text.find(from), from.size(), "  review high_level required when level >= high");
  return text;
}

const char* kRules = R"(
rule no_exams "Ingen prøver" in ew {
  when not exams_taken
  require review because "Tal om prøverne"
}
)";

std::string test_block(const std::string& given, const std::string& expectations) {
  return "test \"t\" in ew {\n  given " + given + "\n  probability 0.5\n" + expectations + "}\n";
}

}  // namespace

TEST_CASE("review reasons: tests assert which reason applies, by id") {
  const std::string base = named_prelude() + kRules;
  const std::string all_known = "absence_pct = 5, exams_taken = false, sex = male";
  SUBCASE("the reasons that apply pass") {
    const auto l = test::load(base + test_block(all_known,
                                                "  expect review reason high_level\n"
                                                "  expect review reason no_exams\n"
                                                "  expect no review reason review_2\n"));
    REQUIRE_FALSE(l.bag.has_errors());
    CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 0);
  }
  SUBCASE("a reason that does not apply fails, listing those that do") {
    const auto l = test::load(base + test_block(all_known, "  expect review reason review_2\n"));
    REQUIRE_FALSE(l.bag.has_errors());
    const auto report = engine::run_tests(*l.program, skon::base::system_clock());
    REQUIRE(report.failed == 1);
    const auto& f = report.results.at(0).failures.at(0);
    CHECK(f.expected == "review reason `review_2`");
    CHECK(f.actual == "review required: `no_exams` (Tal om prøverne); `high_level` (Højt niveau)");
  }
  SUBCASE("expect no review reason fails when it applies") {
    const auto l = test::load(base + test_block(all_known, "  expect no review reason no_exams\n"));
    CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 1);
  }
  SUBCASE("insufficient data is a reason of its own") {
    const auto l = test::load(base + test_block("exams_taken = true, sex = male",
                                                "  expect review reason insufficient_data\n"));
    REQUIRE_FALSE(l.bag.has_errors());
    CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 0);
  }
  SUBCASE("an unknown reason is refused with a suggestion") {
    const auto l = test::load(base + test_block(all_known, "  expect review reason high_levl\n"));
    REQUIRE(l.has("E0104"));
    CHECK(l.first("E0104")->help.value_or("").find("`high_level`") != std::string::npos);
  }
}

TEST_CASE("review reasons: names that clash are refused") {
  std::string twice = named_prelude();
  twice.insert(twice.find("  guidance high"),
               "  review high_level required when exams_taken because \"x\"\n");
  CHECK(test::load(twice).has("E0105"));
  std::string rule_name = named_prelude() + kRules;
  rule_name.insert(rule_name.find("  guidance high"),
                   "  review no_exams required when exams_taken because \"x\"\n");
  CHECK(test::load(rule_name).has("E0105"));
  std::string reserved = named_prelude();
  reserved.insert(reserved.find("  guidance high"),
                  "  review insufficient_data required when exams_taken because \"x\"\n");
  CHECK(test::load(reserved).has("E0105"));
}

TEST_CASE("review reasons: records carry the ids, an undecided trigger says why") {
  const auto l = test::load(named_prelude() + kRules);
  REQUIRE_FALSE(l.bag.has_errors());
  const engine::Assessor assessor(engine::AssessorSetup{
      &*l.program, 0, nullptr, engine::Language::Danish, 20454 /* 2026-01-01 */});
  engine::RunManifest run;
  run.run_id = std::string(32, 'a');
  engine::JsonRecordFormatter json(assessor, run, 3);
  engine::CsvRecordFormatter csv(assessor, run);
  // absence_pct, exams_taken, sex (the program's field order): a high score, without exams.
  engine::Assessment a;
  a.id = std::string(32, 'b');
  assessor.assess({5, 0, 1}, a, 0.5);
  std::string line, row;
  json.append(a, line);
  csv.append(a, row);
  CHECK(line.find(R"("reasons":[{"id":"no_exams","text":"Tal om prøverne"},)"
                  R"({"id":"high_level","text":"Højt niveau"}])") != std::string::npos);
  CHECK(row.find(",no_exams;high_level,") != std::string::npos);
  CHECK(engine::CsvRecordFormatter::header().find(",review_reasons,review_ids,") !=
        std::string::npos);

  // Insufficient data.
  engine::Assessment gap;
  gap.id = a.id;
  assessor.assess({models::kMissing, 1, 1}, gap, 0.5);
  line.clear();
  json.append(gap, line);
  CHECK(line.find(R"({"id":"insufficient_data","text":)") != std::string::npos);
}

TEST_CASE("review reasons: an undecided trigger carries its id and why") {
  std::string text = named_prelude();
  text.insert(text.find("  guidance high"),
              "  review odd required when absence_pct / (absence_pct - 5) > 1 because \"r\"\n");
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  const engine::Assessor assessor(engine::AssessorSetup{
      &*l.program, 0, nullptr, engine::Language::Danish, 20454 /* 2026-01-01 */});
  engine::RunManifest run;
  run.run_id = std::string(32, 'a');
  engine::JsonRecordFormatter json(assessor, run, 3);
  engine::Assessment a;
  a.id = std::string(32, 'b');
  assessor.assess({5, 1, 1}, a, 0.05);
  std::string line;
  json.append(a, line);
  CHECK(line.find(R"x({"id":"odd","text":"r (kunne ikke afgøres: en beregning gav ingen værdi)",)x"
                  R"x("undecided":"no_value"})x") != std::string::npos);
}

TEST_CASE("tests: expected points compare with a tolerance (0.1 + 0.2 is 0.3)") {
  std::string text = named_prelude();
  text += "rule a in ew {\n  when absence_pct > 1\n  points 0.1\n}\n";
  text += "rule b in ew {\n  when absence_pct > 1\n  points 0.2\n}\n";
  text += test_block("absence_pct = 5, exams_taken = true, sex = male", "  expect points 0.3\n");
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 0);
  const auto wrong = test::load(
      named_prelude() +
      "rule a in ew {\n  when absence_pct > 1\n"
      "  points 0.1\n}\n" +
      test_block("absence_pct = 5, exams_taken = true, sex = male", "  expect points 0.1000001\n"));
  CHECK(engine::run_tests(*wrong.program, skon::base::system_clock()).failed == 1);
}
