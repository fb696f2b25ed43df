#include <doctest/doctest.h>

#include <algorithm>

#include "support/rules.hpp"

using namespace skon;
using test::kPrelude;
using test::load;

namespace {
std::string rule(const std::string& when, const std::string& body = "  flag \"x\"\n") {
  return std::string(kPrelude) + "\nrule r \"R\" in ew {\n  when " + when + "\n" + body + "}\n";
}
}  // namespace

TEST_CASE("check: the prelude is clean") {
  const auto l = load(rule("absence_pct >= 15"));
  CHECK(l.codes().empty());
  CHECK(l.program->purposes.at(0).rules.size() == 1);
  CHECK(l.program->rules.at(0).fields_read == std::vector<dsl::Index>{0});
}

TEST_CASE("check: unknown names suggest the closest and carry a fix-it") {
  const auto l = load(rule("absense_pct >= 15"));
  CHECK(l.codes() == std::vector<std::string>{"E0104"});
  CHECK(l.underlined("E0104") == "absense_pct");
  REQUIRE(l.first("E0104")->fix);
  CHECK(l.first("E0104")->fix->replacement == "absence_pct");
}

TEST_CASE("check: types") {
  CHECK(load(rule("sex == 1")).underlined("E0201") == "sex == 1");
  CHECK(load(rule("sex < male")).has("E0201"));
  CHECK(load(rule("sex == mle")).underlined("E0204") == "mle");
  CHECK(load(rule("sex in { male, femal }")).underlined("E0204") == "femal");
  CHECK(load(rule("absence_pct in { a }")).has("E0201"));
  CHECK(load(rule("exams_taken > 1")).has("E0201"));
  CHECK(load(rule("absence_pct")).underlined("E0205") == "absence_pct");
  CHECK(load(rule("level >= hgh")).underlined("E0203") == "hgh");
  CHECK(load(rule("level >= high")).codes().empty());
  CHECK(load(rule("\"text\" == absence_pct")).has("E0201"));
}

TEST_CASE("check: constants outside a field's declared range") {
  CHECK(load(rule("absence_pct >= 150")).underlined("E0202") == "150");
  CHECK(load(rule("-5 > absence_pct")).underlined("E0202") == "-5");
  CHECK(load(rule("absence_pct in 50..120")).underlined("E0202") == "120");
  CHECK(load(rule("absence_pct >= 100")).codes().empty());
}

TEST_CASE("check: a purpose may read only its own sources") {
  const std::string extra = R"(
source ppr "PPR" {
  holder municipality
  category special
  legal_basis "Serviceloven § 11"
}
field ppr_case : bool from ppr "PPR-sag"
)";
  const auto l =
      load(std::string(kPrelude) + extra + "rule r in ew {\n  when ppr_case\n  flag \"x\"\n}\n");
  CHECK(l.has("E0301"));
  CHECK(l.underlined("E0301") == "ppr_case");
  // Through a derived value the error points at its use, with a note at the definition.
  const auto via = load(std::string(kPrelude) + extra +
                        "let ppr = ppr_case\nrule r in ew {\n  when ppr\n  flag \"x\"\n}\n");
  REQUIRE(via.first("E0301") != nullptr);
  CHECK(via.underlined("E0301") == "ppr");
  CHECK(via.first("E0301")->notes.size() == 2);
}

TEST_CASE("check: protected fields need a written justification") {
  std::string text = rule("sex == male");
  const auto l = load(text);
  CHECK(l.underlined("E0302") == "sex");
  text.insert(text.find("  guidance"), "  justify sex \"Nødvendig for at måle forskelle\"\n");
  CHECK(load(text).codes().empty());
  // missing()/known() only ask whether the value exists: no justification needed.
  CHECK_FALSE(load(rule("known(sex)")).has("E0302"));
}

TEST_CASE("check: special-category sources need a legal basis") {
  const auto l =
      load(std::string(kPrelude) +
           "source health \"Sundhedspleje\" {\n  holder municipality\n  category special\n}\n"
           "field hv : bool from health\n");
  CHECK(l.underlined("E0304") == "health");
}

TEST_CASE("check: derived values") {
  CHECK(load(std::string(kPrelude) +
             "let hi = absence_pct >= 15\nrule r in ew {\n  when hi\n  flag \"{hi}\"\n}\n")
            .codes()
            .empty());
  CHECK(load(std::string(kPrelude) + "let a = a\n").has("E0113"));
  CHECK(load(std::string(kPrelude) + "let absence_pct = 1\n").has("E0105"));
}

TEST_CASE("check: lints") {
  CHECK(load(rule("absence_pct > 20 and absence_pct < 10")).has("W0501"));
  CHECK(load(rule("sex == male and sex == female")).has("W0501"));
  CHECK(load(rule("exams_taken and not exams_taken")).has("W0501"));
  CHECK_FALSE(load(rule("absence_pct > 20 and absence_pct < 30")).has("W0501"));

  const std::string two_rules =
      std::string(kPrelude) +
      "rule a in ew {\n  when absence_pct >= 10\n  raise level to high because \"a\"\n}\n"
      "rule b in ew {\n  when absence_pct >= 20 and not exams_taken\n  raise level to medium "
      "because \"b\"\n}\n";
  const auto shadow = load(two_rules);
  CHECK(shadow.has("W0502"));
  CHECK(shadow.underlined("W0502") == "b");
  // Where the rules stand does not matter (raises combine by the highest) ...
  const std::string reversed =
      std::string(kPrelude) +
      "rule b in ew {\n  when absence_pct >= 20 and not exams_taken\n  raise level to medium "
      "because \"b\"\n}\n"
      "rule a in ew {\n  when absence_pct >= 10\n  raise level to high because \"a\"\n}\n";
  CHECK(load(reversed).underlined("W0502") == "b");
  // ... and of two rules that shadow each other, one is reported.
  const std::string twins =
      std::string(kPrelude) +
      "rule a in ew {\n  when absence_pct >= 10\n  raise level to high because \"a\"\n}\n"
      "rule b in ew {\n  when absence_pct >= 10\n  raise level to high because \"b\"\n}\n";
  const auto twin_codes = load(twins).codes();
  CHECK(std::count(twin_codes.begin(), twin_codes.end(), "W0502") == 1);

  // Bounds only narrow: `x > 5 and x in 5..10` keeps 5 out, so it does not imply `x >= 5 and
  // x <= 5`-style conditions it used to be widened into, and `x > 3 and x == 5` is satisfiable.
  const std::string open_bound =
      std::string(kPrelude) +
      "rule a in ew {\n  when absence_pct > 5 and absence_pct in 5..10\n  raise level to high "
      "because \"a\"\n}\n"
      "rule b in ew {\n  when absence_pct >= 5 and absence_pct <= 5\n  raise level to medium "
      "because \"b\"\n}\n";
  CHECK_FALSE(load(open_bound).has("W0502"));
  CHECK_FALSE(load(rule("absence_pct > 3 and absence_pct == 5")).has("W0501"));
  CHECK(load(rule("absence_pct > 5 and absence_pct in 5..5")).has("W0501"));

  // The review trigger in the prelude handles missing(absence_pct); without it, warn.
  std::string text = rule("absence_pct >= 15");
  const auto pos = text.find("  review required when missing");
  text.erase(pos, text.find('\n', pos) - pos + 1);
  CHECK(load(text).underlined("W0503") == "absence_pct");
  std::string guarded = text;
  guarded.replace(guarded.find("when absence_pct >= 15"), 22,
                  "when known(absence_pct) and absence_pct >= 15");
  CHECK_FALSE(load(guarded).has("W0503"));
}

TEST_CASE("check: purpose settings") {
  std::string text = rule("absence_pct >= 15");
  text.replace(text.find("bands low below 0.1, medium below 0.3, high"), 43,
               "bands low below 0.1, medium, high below 0.5");
  CHECK(load(text).has("E0208"));
  std::string gate = rule("absence_pct >= 15");
  gate.insert(gate.find("  roles"),
              "  gate group_gap <= 0.1\n  gate auc >= 0.7\n  gate acu >= 0.7\n");
  const auto g = load(gate);
  CHECK(g.has("E0209"));
  CHECK(g.underlined("E0104") == "acu");
}

TEST_CASE("check: tests name existing rules, levels and valid values") {
  const auto l = load(rule("absence_pct >= 15") +
                      "test \"t\" in ew {\n  given absence_pct = 120, sex = boy\n"
                      "  expect flag q\n  expect level hi\n}\n");
  CHECK(l.has("E0202"));
  CHECK(l.underlined("E0204") == "boy");
  CHECK(l.underlined("E0104") == "q");
  CHECK(l.underlined("E0203") == "hi");
}

TEST_CASE("check: which conditions may be unknown (for test coverage)") {
  const auto l = test::load(std::string(test::kPrelude) + R"(
let much_absence = absence_pct > 10
rule reads_field in ew {
  when absence_pct > 10
  flag "a"
}
rule reads_let in ew {
  when much_absence
  flag "b"
}
rule presence_only in ew {
  when missing(absence_pct) or known(exams_taken)
  flag "c"
}
rule state_only in ew {
  when count(flags) >= 2 and sum(points) < 3 and level >= medium
  flag "d"
}
rule mixed in ew {
  when level >= medium or not exams_taken
  flag "e"
}
rule guarded in ew {
  when known(absence_pct) and absence_pct > 5 and not missing(exams_taken) and exams_taken
  flag "f"
}
rule guarded_or in ew {
  when missing(absence_pct) or absence_pct > 5
  flag "g"
}
rule wrong_guard in ew {
  when known(absence_pct) or absence_pct > 5
  flag "h"
}
rule half_guarded in ew {
  when known(absence_pct) and absence_pct > 5 and exams_taken
  flag "i"
}
)");
  INFO(l.codes().size());
  REQUIRE_FALSE(l.bag.has_errors());
  std::map<std::string, bool> got;
  for (const auto& r : l.program->rules) got[r.name] = dsl::ast::may_be_unknown(*r.condition);
  CHECK(got["reads_field"]);
  CHECK(got["reads_let"]);
  CHECK_FALSE(got["presence_only"]);
  CHECK_FALSE(got["state_only"]);
  CHECK(got["mixed"]);
  // Guards are understood: after `known(x) and`, x cannot make the condition unknown.
  CHECK_FALSE(got["guarded"]);
  CHECK_FALSE(got["guarded_or"]);
  CHECK(got["wrong_guard"]);
  CHECK(got["half_guarded"]);
}

TEST_CASE("check: levels may carry labels, and a level without one reads as its name") {
  std::string text = test::kPrelude;
  text.replace(text.find("levels low, medium, high"),
               std::string("levels low, medium, high").size(),
               "levels low \"lav\", medium, high \"høj\"");
  const auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  CHECK(l.program->levels == std::vector<std::string>{"low", "medium", "high"});
  CHECK(l.program->level_labels == std::vector<std::string>{"lav", "medium", "høj"});
}

TEST_CASE("check: a level list that stops after a comma says what it expected") {
  const auto l = test::load("levels low, medium,\n");
  REQUIRE(l.bag.has_errors());
  CHECK(l.bag.items().front().message.find("level name") != std::string::npos);
}

TEST_CASE("check: a derived value may not take a level's name (it would hide the level)") {
  const auto l = test::load(std::string(test::kPrelude) + "let high = absence_pct > 10\n");
  CHECK(l.has("E0105"));
  bool found = false;
  for (const auto& d : l.bag.items())
    found = found || d.message.find("names both a level") != std::string::npos;
  CHECK(found);
}

TEST_CASE("check: a read that breaks several purposes is one finding naming them all") {
  // Two purposes that both forbid `sex`; an unscoped rule runs under both.
  std::string second = R"(
purpose ew2 "Anden opsporing" {
  owner "UU"
  approved_by "Jurist"
  effective from 2026-01-01 to 2099-12-31
  roles uu_counsellor
  sources absence
  forbid sex
  bands low below 0.1, medium below 0.3, high
  review required when level >= high because "Højt niveau"
}
)";
  std::string text = std::string(kPrelude) + second;
  text.insert(text.find("  completeness"), "  forbid sex\n");
  text.replace(text.find(" or missing(sex)"), 16, "");
  text += "rule r {\n  when sex == male\n  flag \"x\"\n}\n";
  const auto l = load(text);
  const auto codes = l.codes();
  CHECK(std::count(codes.begin(), codes.end(), "E0305") == 1);
  REQUIRE(l.first("E0305") != nullptr);
  CHECK(l.first("E0305")->message == "purposes `ew` and `ew2` forbid `sex`");
  // Forbidden wins over "protected without justification": the same read, one finding.
  CHECK_FALSE(l.has("E0302"));
}

TEST_CASE("check: a purpose may take its score from a field declared as a probability") {
  // The prelude's purpose, its model features replaced by a score.
  const auto with_score = [](const std::string& field_decl) {
    std::string t = std::string(kPrelude) + field_decl;
    t.replace(t.find("  features absence_pct\n"), 23, "  score from risk\n");
    return t;
  };
  const std::string text = with_score("field risk : number in 0..1 from absence \"Risk\"\n");
  const auto ok = load(text);
  CHECK(ok.codes().empty());
  const dsl::PurposeInfo& p = ok.program->purposes.at(0);
  REQUIRE(p.score_field != dsl::kNone);
  CHECK(ok.program->fields[p.score_field].name == "risk");
  // The score is read by the purpose, so its use is governed like any field's.
  CHECK(std::find(p.fields_read.begin(), p.fields_read.end(), p.score_field) !=
        p.fields_read.end());

  // Not a probability: a number without a range, a wider range, or another type.
  for (const char* decl :
       {"field risk : number from absence\n", "field risk : number in 0..100 from absence\n",
        "field risk : bool from absence\n"}) {
    CHECK(load(with_score(decl)).underlined("E0209") == "risk");
  }
  // A score and a model: one or the other.
  std::string both = text;
  both.insert(both.find("  score from"), "  model \"m.json\"\n");
  CHECK(load(both).underlined("E0209") == "score from risk");
  // A score needs bands to become a level.
  std::string no_bands = text;
  no_bands.erase(no_bands.find("  bands"),
                 no_bands.find('\n', no_bands.find("  bands")) - no_bands.find("  bands") + 1);
  CHECK(load(no_bands).has("E0110"));
}

TEST_CASE("check: a purpose with neither model nor score needs no bands") {
  std::string text = std::string(kPrelude);
  const auto drop = [&](const std::string& stmt) {
    const auto at = text.find(stmt);
    text.erase(at, text.find('\n', at) - at + 1);
  };
  drop("  bands");
  drop("  features");
  text += "rule r in ew {\n  when absence_pct > 20\n  raise level to high because \"x\"\n}\n";
  CHECK_FALSE(load(text).has("E0110"));
}

TEST_CASE("check: a test of a score purpose gives the score as a value, not a probability") {
  std::string text =
      std::string(kPrelude) + "field risk : number in 0..1 from absence \"Risk\"\n" +
      "test \"t\" in ew {\n  given absence_pct = 1\n  probability 0.3\n  expect level low\n}\n";
  text.replace(text.find("  features absence_pct\n"), 23, "  score from risk\n");
  const auto l = load(text);
  REQUIRE(l.first("E0402") != nullptr);
  CHECK(l.first("E0402")->help == "give the score as a value: `given risk = 0.3`");
}

TEST_CASE("check: a purpose keeps its audit rows six months or more") {
  std::string text = std::string(kPrelude);
  text.insert(text.find("  completeness"), "  retention 24 months\n");
  const auto kept = load(text);
  CHECK(kept.codes().empty());
  CHECK(kept.program->purposes.at(0).retention_months == 24);
  std::string shorter = std::string(kPrelude);
  shorter.insert(shorter.find("  completeness"), "  retention 3 months\n");
  CHECK(load(shorter).underlined("E0209") == "retention 3 months");
  CHECK(load(std::string(kPrelude)).program->purposes.at(0).retention_months == 6);
}

TEST_CASE("check: `predicts` says what a purpose's probability is of, and a rule has none") {
  std::string text = test::kPrelude;
  const std::string anchor = "  owner \"UU\"\n";
  text.insert(text.find(anchor) + anchor.size(),
              "  predicts \"ikke at have gennemført en ungdomsuddannelse som 25-årig\"\n");
  const auto ok = test::load(text);
  REQUIRE_FALSE(ok.bag.has_errors());
  const auto& p = ok.program->purposes[ok.program->find_purpose("ew")];
  REQUIRE(p.predicts);
  CHECK(*p.predicts == "ikke at have gennemført en ungdomsuddannelse som 25-årig");
  const auto bad = test::load(text + R"(
rule r "R" in ew {
  when absence_pct > 10
  flag "x"
  predicts "dropping out"
}
)");
  CHECK(bad.has("E0209"));
  CHECK(bad.underlined("E0209") == "predicts \"dropping out\"");
}
