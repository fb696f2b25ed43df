// Evaluation order: rules that read the assessment's state run after the rules they read, the
// order of the files never matters, and a cycle is refused showing the cycle (E0115). Also
// fired(rule), subsets of flags and points by name or tag, and their checks.

#include <doctest/doctest.h>

#include <algorithm>

#include "skon/core/test_runner.hpp"
#include "support/rules.hpp"

using namespace skon;

namespace {

std::vector<std::string> order(const test::Loaded& l, dsl::Index purpose = 0) {
  std::vector<std::string> names;
  for (dsl::Index ri : l.program->purposes.at(purpose).rules) {
    names.push_back(l.program->rules[ri].name);
  }
  return names;
}

std::string rule(const std::string& name, const std::string& when, const std::string& effect) {
  return "rule " + name + " in ew {\n  when " + when + "\n  " + effect + "\n}\n";
}

// Rules of a screening set where `count(flags)` once saw only the flags above it.
const std::vector<std::string> kCountingRules = {
    rule("several", "count(flags) >= 2", "raise level to high because \"several\""),
    rule("absent", "absence_pct > 10", "flag \"absent\""),
    rule("no_exams", "not exams_taken", "flag \"no exams\""),
    rule("calm", "level >= high and count(flags) == 0",
         "cap level at medium because \"nothing behind it\"\n  require review because \"check\""),
};

std::string tests_for_counting() {
  return "test \"two signs raise the level\" in ew {\n"
         "  given absence_pct = 20, exams_taken = false, sex = male\n  probability 0.05\n"
         "  expect level high\n}\n"
         "test \"a high score with no sign is capped\" in ew {\n"
         "  given absence_pct = 2, exams_taken = true, sex = male\n  probability 0.5\n"
         "  expect level medium\n}\n";
}

}  // namespace

TEST_CASE("strata: a rule that counts flags runs after every rule that flags, in any file order") {
  std::vector<std::string> rules = kCountingRules;
  std::sort(rules.begin(), rules.end());
  int permutations = 0;
  do {
    std::string text = test::kPrelude;
    for (const auto& r : rules) text += r;
    const auto l = test::load(text + tests_for_counting());
    REQUIRE_FALSE(l.bag.has_errors());
    // Stratum 0 (by name), then the counter, then the rule that reads the level it raised.
    CHECK(order(l) == std::vector<std::string>{"absent", "no_exams", "several", "calm"});
    CHECK(l.program->purposes[0].strata == std::vector<dsl::Index>{0, 0, 1, 2});
    CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 0);
    ++permutations;
  } while (std::next_permutation(rules.begin(), rules.end()));
  CHECK(permutations == 24);
}

TEST_CASE("strata: within a stratum the highest raise wins and a cap applies after every raise") {
  std::string text = test::kPrelude;
  text += rule("cap_first", "absence_pct > 5",
               "cap level at medium because \"cap\"\n  require review because \"r\"");
  text += rule("raise_high", "absence_pct > 5", "raise level to high because \"high\"");
  text += rule("raise_medium", "absence_pct > 5", "raise level to medium because \"medium\"");
  text +=
      "test \"cap after raises\" in ew {\n  given absence_pct = 20, exams_taken = true, sex = "
      "male\n"
      "  probability 0.05\n  expect level medium\n}\n";
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  const auto report = engine::run_tests(*l.program, skon::base::system_clock());
  CHECK(report.failed == 0);
  // The trace shows the steps as applied: raises in name order, then the cap.
  const auto& trace = report.results.at(0).outcome.trace;
  REQUIRE(trace.size() == 3);
  CHECK(l.program->rules[trace[1].rule].name == "raise_high");
  CHECK(l.program->rules[trace[2].rule].name == "cap_first");
}

TEST_CASE("strata: a rule never reads its own flag") {
  std::string text = test::kPrelude;
  text += rule("absent", "absence_pct > 10", "flag \"absent\"");
  text += rule("more", "count(flags) >= 1", "flag \"more than one sign\"");
  text +=
      "test \"one sign is one flag, then the counter's own\" in ew {\n"
      "  given absence_pct = 20, exams_taken = true, sex = male\n  probability 0.05\n"
      "  expect flag more\n}\n"
      "test \"no sign, no counter\" in ew {\n"
      "  given absence_pct = 2, exams_taken = true, sex = male\n  probability 0.05\n"
      "  expect no flag more\n}\n";
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  CHECK(order(l) == std::vector<std::string>{"absent", "more"});
  CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 0);
}

TEST_CASE("strata: cycles are refused, showing the cycle (E0115)") {
  SUBCASE("two rules that count flags and flag") {
    std::string text = test::kPrelude;
    text += rule("a", "count(flags) >= 1", "flag \"a\"");
    text += rule("b", "count(flags) >= 2", "flag \"b\"");
    const auto l = test::load(text);
    REQUIRE(l.has("E0115"));
    const auto* d = l.first("E0115");
    CHECK(d->message.find("`a` → `b` → `a`") != std::string::npos);
    CHECK(d->notes.size() == 2);
  }
  SUBCASE("two rules that read the level and change it") {
    std::string text = test::kPrelude;
    text += rule("up", "level >= medium and absence_pct > 5", "raise level to high because \"x\"");
    text += rule("down", "level >= high and absence_pct < 2",
                 "cap level at medium because \"y\"\n  require review because \"z\"");
    const auto l = test::load(text);
    CHECK(l.has("E0115"));
    CHECK(l.first("E0115")->notes.at(0).message.find("changes the level") != std::string::npos);
  }
  SUBCASE("a longer cycle through fired()") {
    std::string text = test::kPrelude;
    text += rule("x", "fired(y) and absence_pct > 1", "flag \"x\"");
    text += rule("y", "fired(z)", "flag \"y\"");
    text += rule("z", "fired(x)", "flag \"z\"");
    text += rule("outside", "absence_pct > 50", "flag \"outside\"");
    const auto l = test::load(text);
    REQUIRE(l.has("E0115"));
    CHECK(l.first("E0115")->message.find("`x` → `y` → `z` → `x`") != std::string::npos);
    const auto codes = l.codes();
    CHECK(std::count(codes.begin(), codes.end(), "E0115") == 1);
  }
  SUBCASE("a rule that names itself") {
    std::string text = test::kPrelude;
    text += rule("me", "fired(me)", "flag \"me\"");
    const auto l = test::load(text);
    CHECK(l.has("E0115"));
    CHECK(l.underlined("E0115") == "me");
  }
}

TEST_CASE("fired(rule) and subsets: rules that refer to rules") {
  std::string text = test::kPrelude;
  text += rule("absent", "absence_pct > 10", "flag \"absent\"\n  tags attendance\n  points 1");
  text += rule("very_absent", "absence_pct > 20", "flag \"very absent\"\n  tags attendance");
  text += rule("no_exams", "not exams_taken", "flag \"no exams\"\n  points 2");
  text += rule("attendance_only", "count(flags in {attendance}) >= 2 and not fired(no_exams)",
               "raise level to high because \"attendance\"");
  text +=
      rule("exams_points", "sum(points in {no_exams}) > 1", "raise level to medium because \"p\"");
  // A trigger reads a rule's result.
  text.insert(text.find("  guidance high"),
              "  review required when fired(very_absent) because \"v\"\n");
  text +=
      "test \"attendance alone\" in ew {\n  given absence_pct = 25, exams_taken = true, sex = "
      "male\n"
      "  probability 0.05\n  expect level high\n  expect review\n}\n"
      "test \"not when exams are missing too\" in ew {\n"
      "  given absence_pct = 25, exams_taken = false, sex = male\n  probability 0.05\n"
      "  expect level medium\n}\n"
      "test \"one attendance sign\" in ew {\n  given absence_pct = 15, exams_taken = true, sex = "
      "male\n"
      "  probability 0.05\n  expect level low\n  expect no review\n}\n";
  const auto l = test::load(text);
  for (const auto& d : l.bag.items()) MESSAGE(d.message);
  REQUIRE_FALSE(l.bag.has_errors());
  CHECK(order(l) == std::vector<std::string>{"absent", "no_exams", "very_absent", "attendance_only",
                                             "exams_points"});
  CHECK(engine::run_tests(*l.program, skon::base::system_clock()).failed == 0);
}

TEST_CASE("fired(rule) and subsets: what the checker refuses") {
  const std::string base =
      std::string(test::kPrelude) +
      rule("absent", "absence_pct > 10", "flag \"absent\"\n  tags attendance") +
      rule("raiser", "not exams_taken", "raise level to high because \"x\"");
  SUBCASE("a rule used as a condition suggests fired()") {
    const auto l = test::load(base + rule("r", "absent and exams_taken", "flag \"r\""));
    REQUIRE(l.has("E0104"));
    CHECK(l.first("E0104")->message == "`absent` is a rule, not a value");
    REQUIRE(l.first("E0104")->fix);
    CHECK(l.first("E0104")->fix->replacement == "fired(absent)");
  }
  SUBCASE("an unknown rule in fired() gets a suggestion") {
    const auto l = test::load(base + rule("r", "fired(absnet)", "flag \"r\""));
    REQUIRE(l.has("E0104"));
    CHECK(l.first("E0104")->help.value_or("").find("`absent`") != std::string::npos);
  }
  SUBCASE("counting the flags of a rule that raises none") {
    const auto l = test::load(base + rule("r", "count(flags in {raiser}) > 0", "flag \"r\""));
    CHECK(l.has("E0112"));
  }
  SUBCASE("an unknown member") {
    const auto l = test::load(base + rule("r", "count(flags in {atendance}) > 0", "flag \"r\""));
    REQUIRE(l.has("E0104"));
    CHECK(l.first("E0104")->help.value_or("").find("`attendance`") != std::string::npos);
  }
  SUBCASE("a negated subset") {
    const auto l = test::load(base + rule("r", "count(flags not in {absent}) > 0", "flag \"r\""));
    CHECK(l.has("E0201"));
  }
  SUBCASE("a tag named like a rule") {
    const auto l = test::load(base + rule("r", "absence_pct > 1", "flag \"r\"\n  tags absent"));
    CHECK(l.has("E0105"));
  }
  SUBCASE("fired() in a derived value") {
    const auto l =
        test::load(base + "let gone = fired(absent)\n" + rule("r", "gone", "flag \"r\""));
    CHECK(l.has("E0114"));
  }
  SUBCASE("fired() of a rule that does not apply to the reader's purpose") {
    std::string text = base;
    text +=
        "purpose other \"Andet\" {\n  owner \"UU\"\n  approved_by \"J\"\n"
        "  effective from 2026-01-01 to 2099-12-31\n  roles uu_counsellor\n"
        "  sources absence\n}\n";
    text += "rule r in ew, other {\n  when fired(absent)\n  flag \"r\"\n}\n";
    const auto l = test::load(text);
    REQUIRE(l.has("E0112"));
    CHECK(l.first("E0112")->message.find("does not apply to purpose `other`") != std::string::npos);
  }
}
