#include "skon/engine/rule_eval.hpp"

#include <doctest/doctest.h>

#include "skon/engine/test_runner.hpp"
#include "support/rules.hpp"

using namespace skon;
using engine::Value;

namespace {

struct Fixture {
  test::Loaded loaded;
  std::unique_ptr<engine::RuleEvaluator> eval;

  explicit Fixture(const std::string& rules)
      : loaded(test::load(std::string(test::kPrelude) + rules)) {
    INFO(loaded.codes().size());
    REQUIRE_FALSE(loaded.bag.has_errors());
    eval = std::make_unique<engine::RuleEvaluator>(*loaded.program);
  }
  engine::PurposeOutcome run(std::optional<double> absence, std::optional<bool> exams,
                             std::optional<double> probability = 0.05) {
    std::vector<Value> record(loaded.program->fields.size());
    if (absence) record[0] = Value::of_number(*absence);
    if (exams) record[1] = Value::of_bool(*exams);
    record[2] = Value::of_category(1);
    engine::RuleEvaluator::Options options;
    options.probability = probability;
    options.check_completeness = false;
    return eval->evaluate(0, record, options);
  }
};

}  // namespace

TEST_CASE("eval: three-valued logic, a rule fires only on true") {
  Fixture f(
      "rule a in ew {\n  when absence_pct >= 15 or not exams_taken\n  flag \"a\"\n}\n"
      "rule b in ew {\n  when absence_pct >= 15 and not exams_taken\n  flag \"b\"\n}\n");
  using engine::Truth;
  // unknown or true = true; unknown and true = unknown
  auto o = f.run(std::nullopt, false);
  CHECK(o.rule_truth == std::vector<Truth>{Truth::True, Truth::Unknown});
  // unknown or false = unknown; unknown and false = false
  o = f.run(std::nullopt, true);
  CHECK(o.rule_truth == std::vector<Truth>{Truth::Unknown, Truth::False});
  o = f.run(20, false);
  CHECK(o.rule_truth == std::vector<Truth>{Truth::True, Truth::True});
  CHECK(o.flags.size() == 2);
}

TEST_CASE("eval: band, raise and cap in order, with a trace") {
  Fixture f(
      "rule up in ew {\n  when absence_pct >= 15\n  raise level to high because \"fravær\"\n}\n"
      "rule down in ew {\n  when exams_taken\n  cap level at medium because \"prøver\"\n}\n");
  auto o = f.run(20, true, 0.05);
  REQUIRE(o.trace.size() == 3);
  CHECK(o.trace[0].rule == dsl::kNone);  // model band: low
  CHECK(o.trace[0].to == 0);
  CHECK(o.trace[1].to == 2);
  CHECK(o.trace[1].because == "fravær");
  CHECK(o.trace[2].to == 1);
  CHECK(o.level == 1);
  o = f.run(20, false, 0.35);  // band high already; raise does nothing
  CHECK(o.level == 2);
  CHECK(o.trace.size() == 1);
}

TEST_CASE("eval: review triggers fail closed on missing data, guidance follows the level") {
  Fixture f("");
  auto o = f.run(10, true, 0.5);
  CHECK(o.review_required);
  CHECK(o.review_reasons == std::vector<std::string>{"Højt niveau"});
  CHECK(o.guidance == "Tal med den unge");
  o = f.run(std::nullopt, true, 0.05);
  CHECK(o.review_required);
  CHECK(o.review_reasons == std::vector<std::string>{"Data mangler"});
}

TEST_CASE("eval: aggregates see the rules before them, interpolation shows values") {
  Fixture f(
      "rule a in ew {\n  when absence_pct >= 10\n  flag \"Fravær {absence_pct} %, prøver "
      "{exams_taken}\"\n  points 2\n}\n"
      "rule b in ew {\n  when count(flags) >= 1 and sum(points) >= 2\n  flag \"flere tegn\"\n}\n");
  auto o = f.run(12.5, std::nullopt);
  REQUIRE(o.flags.size() == 2);
  CHECK(o.flags[0].text ==
        "Fravær 12,5 %, prøver ukendt");  // a decimal comma, as Danish is written
  CHECK(o.points == 2);
}

TEST_CASE("eval: completeness below the minimum gives insufficient data, never a level") {
  Fixture f("");
  std::vector<Value> record(f.loaded.program->fields.size());
  engine::RuleEvaluator::Options options;
  options.probability = 0.9;
  const auto o = f.eval->evaluate(0, record, options);
  CHECK(o.insufficient_data);
  CHECK(o.level == dsl::kNone);
  CHECK(o.review_required);
  CHECK(o.missing_fields.size() == 3);
}

TEST_CASE("test runner: expectations, failures in words, coverage") {
  const auto l = test::load(
      std::string(test::kPrelude) +
      "rule a \"A\" in ew {\n  when absence_pct >= 15\n  flag \"a\"\n}\n"
      "test \"fires\" in ew {\n  given absence_pct = 20, exams_taken = true, sex = male\n"
      "  probability 0.05\n  expect flag a\n  expect level low\n  expect no review\n}\n"
      "test \"wrong\" in ew {\n  given absence_pct = 5, exams_taken = true, sex = male\n"
      "  probability 0.05\n  expect flag a\n  expect review\n}\n"
      "test \"gap\" in ew {\n  given exams_taken = true\n  expect insufficient data\n}\n");
  REQUIRE_FALSE(l.bag.has_errors());
  const auto report = engine::run_tests(*l.program);
  CHECK(report.passed == 2);
  CHECK(report.failed == 1);
  REQUIRE(report.results[1].failures.size() == 2);
  CHECK(report.results[1].failures[0].actual == "the rule did not fire: its condition was false");
  CHECK(report.results[1].failures[1].actual == "no review was required");
  CHECK(report.coverage[0] == std::array<bool, 3>{true, true, false});
}
