// Ways around a purpose's constraints that options or edits could open, each tried and refused:
// column mappings that point a field at another field's data, rules outside their period,
// blank justifications and legal bases, special-category data without `protected`.

#include <doctest/doctest.h>

#include "skon/base/clock.hpp"
#include "skon/base/date.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/assessor.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/test_runner.hpp"
#include "skon/documents/card.hpp"
#include "support/rules.hpp"

using namespace skon;

TEST_CASE("hardening: a column mapping may not point a field at another field's column") {
  dsl::DiagnosticBag bag;
  auto shipped = dsl::load_program({std::filesystem::path(SKON_SOURCE_DIR) / "rules"}, bag);
  dsl::check_program(*shipped, bag);
  REQUIRE_FALSE(bag.has_errors());
  // PPR data (special category) fed into `transition` through an ordinary field.
  CHECK_THROWS_WITH_AS(
      engine::check_column_bindings(*shipped, {{"exit_exams_taken", "ppr_referral"}}),
      doctest::Contains("both read column 'ppr_referral'"), base::InputError);
  // Two fields bound to one column.
  CHECK_THROWS_AS(engine::check_column_bindings(
                      *shipped, {{"danish_grade", "Karakter"}, {"math_grade", "Karakter"}}),
                  base::InputError);
  // A mapping naming no field (a typo would otherwise silently map nothing).
  CHECK_THROWS_WITH_AS(engine::check_column_bindings(*shipped, {{"absense_pct", "Fravær"}}),
                       doctest::Contains("no field"), base::InputError);
  // Renaming headers is what a mapping is for.
  const auto columns = engine::check_column_bindings(*shipped, {{"absence_pct", "Fravær i %"}});
  CHECK(columns.at("absence_pct") == "Fravær i %");
  CHECK(columns.at("danish_grade") == "danish_grade");

  // An unprotected alias of a protected field, reading its column.
  std::string text = test::kPrelude;
  text += "field gender : category { female, male } from absence \"Køn (alias)\"\n";
  const auto alias = test::load(text);
  CHECK_THROWS_WITH_AS(engine::check_column_bindings(*alias.program, {{"gender", "sex"}}),
                       doctest::Contains("`sex` and `gender` both read column 'sex'"),
                       base::InputError);
}

TEST_CASE("tests: `on DATE` fixes the day a test assumes, whatever day it is run") {
  std::string text = test::kPrelude;
  text +=
      "rule old \"Gammel regel\" in ew {\n  effective from 2019-01-01 to 2021-12-31\n"
      "  when absence_pct > 10\n  flag \"gammel\"\n}\n";
  text +=
      "test \"in 2020\" in ew {\n  on 2020-06-01\n  given absence_pct = 20, exams_taken = true, "
      "sex = male\n  probability 0.05\n  expect flag old\n}\n"
      "test \"in 2023\" in ew {\n  on 2023-06-01\n  given absence_pct = 20, exams_taken = true, "
      "sex = male\n  probability 0.05\n  expect no flag old\n}\n"
      "test \"undated\" in ew {\n  given absence_pct = 20, exams_taken = true, "
      "sex = male\n  probability 0.05\n  expect flag old\n}\n";
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  for (const char* day : {"2020-01-01", "2021-12-31", "2026-12-07", "2040-02-29"}) {
    CAPTURE(day);
    const auto clock = base::FixedClock::at_day(*base::parse_iso_date(day));
    const auto report = engine::run_tests(*l.program, clock);
    REQUIRE(report.results.size() == 3);
    CHECK(report.results[0].passed());
    CHECK(report.results[1].passed());
    // Undated: the clock decides.
    CHECK(report.results[2].passed() == (std::string(day) <= "2021-12-31"));
  }
  // A test states its day once.
  std::string twice = test::kPrelude;
  twice += "test \"t\" in ew {\n  on 2020-06-01\n  on 2021-06-01\n  expect no review\n}\n";
  const auto bad = test::load(twice);
  CHECK(bad.bag.has_errors());
}

TEST_CASE("hardening: a rule outside its own effective period does not fire, and says so") {
  std::string text = test::kPrelude;
  text +=
      "rule old \"Gammel regel\" in ew {\n  effective from 2019-01-01 to 2021-12-31\n"
      "  when absence_pct > 10\n  flag \"gammel\"\n  raise level to high because \"x\"\n}\n";
  text +=
      "test \"the old rule\" in ew {\n  given absence_pct = 20, exams_taken = true, sex = male\n"
      "  probability 0.05\n  expect flag old\n}\n";
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  // Tested as production would run it today: the rule expired in 2021.
  const auto report = engine::run_tests(*l.program, skon::base::system_clock());
  REQUIRE(report.failed == 1);
  CHECK(report.results[0].failures.at(0).actual.find("not in effect") != std::string::npos);

  std::vector<double> values = {20, 1, 1};  // absence_pct, exams_taken, sex
  engine::Assessment a;
  const engine::Assessor in_2020(engine::AssessorSetup{
      &*l.program, 0, nullptr, engine::Language::English, *base::parse_iso_date("2020-06-01")});
  in_2020.assess(values, a, 0.05);
  CHECK(a.outcome.flags.size() == 1);
  const engine::Assessor in_2026(engine::AssessorSetup{
      &*l.program, 0, nullptr, engine::Language::English, *base::parse_iso_date("2026-06-01")});
  in_2026.assess(values, a, 0.05);
  CHECK(a.outcome.flags.empty());
  CHECK(a.outcome.level == 0);
  const std::string card = engine::render_card(in_2026, a, "P1", engine::Language::English);
  CHECK(card.find("Rules not in effect on 2026-06-01") != std::string::npos);
  CHECK(card.find("in effect 2019-01-01 to 2021-12-31") != std::string::npos);
}

TEST_CASE("hardening: blank justifications and legal bases justify nothing") {
  std::string text = test::kPrelude;
  text.insert(text.find("  guidance high"), "  justify sex \"   \"\n");
  auto l = test::load(text);
  CHECK(l.has("E0209"));
  text = test::kPrelude;
  text.replace(text.find("legal_basis \"Folkeskoleloven\""), 29, "legal_basis \"\"");
  l = test::load(text);
  CHECK(l.has("E0209"));
}

TEST_CASE("hardening: special-category data are protected whether or not the field says so") {
  std::string text = test::kPrelude;
  text.replace(text.find("category ordinary"), 17, "category special");
  text.replace(text.find("field absence_pct"), 0, "");
  const auto l = test::load(text);
  // absence_pct now comes from a special-category source: reading it needs a justification.
  REQUIRE(l.program->fields.size() >= 1);
  CHECK(l.program->fields[0].is_protected);
  CHECK(l.has("E0302"));
}
