// The mistakes people actually make get a message of their own, at the right place, with a fix
// (docs/diagnostics.md, "Common mistakes"). The golden files show the full text; these tests
// cover the variants.

#include <doctest/doctest.h>

#include "support/rules.hpp"

using namespace skon;

namespace {

test::Loaded with_rule(const std::string& when, const std::string& extra = "") {
  return test::load(std::string(test::kPrelude) + "rule r \"R\" in ew {\n  when " + when +
                    "\n  flag \"r\"\n}\n" + extra);
}

std::string fix_of(const test::Loaded& l, std::string_view code) {
  const auto* d = l.first(code);
  return d && d->fix ? d->fix->replacement : "<no fix>";
}

}  // namespace

TEST_CASE("mistakes: operators from other languages") {
  const auto a = with_rule("absence_pct > 1 && exams_taken");
  CHECK(a.first("E0101")->message == "`&&` is not an operator in Skøn; write `and`");
  CHECK(a.underlined("E0101") == "&&");
  CHECK(fix_of(a, "E0101") == "and");
  const auto o = with_rule("absence_pct > 1 || exams_taken");
  CHECK(fix_of(o, "E0101") == "or");
  const auto n = with_rule("!exams_taken");
  CHECK(n.underlined("E0101") == "!");
  CHECK(fix_of(n, "E0101") == "not ");
  // `!=` is an operator, and stays one.
  CHECK_FALSE(with_rule("absence_pct != 1").has("E0101"));
}

TEST_CASE("mistakes: a decimal comma, wherever a number goes") {
  const auto when = with_rule("absence_pct > 12,5");
  CHECK(when.underlined("E0101") == "12,5");
  CHECK(fix_of(when, "E0101") == "12.5");
  const auto given =
      with_rule("absence_pct > 12",
                "test \"t\" in ew {\n  given absence_pct = 3,25, exams_taken = true\n"
                "  expect no flag r\n}\n");
  CHECK(given.underlined("E0101") == "3,25");
  std::string bands = test::kPrelude;
  bands.replace(bands.find("below 0.1"), 9, "below 0,1");
  const auto band = test::load(bands);
  CHECK(band.underlined("E0101") == "0,1");
  // A comma between list items is not a decimal comma.
  CHECK_FALSE(with_rule("absence_pct > 12",
                        "test \"t\" in ew {\n  given absence_pct = 3, exams_taken = true\n"
                        "  expect no flag r\n}\n")
                  .has("E0101"));
}

TEST_CASE("mistakes: an unclosed brace is reported where it opened, and the rest still parses") {
  std::string text = test::kPrelude;
  text += "rule open \"Åben\" in ew {\n  when absence_pct > 10\n  flag \"x\"\n\n";
  text += "rule next \"Næste\" in ew {\n  when absence_pct > 20\n  flag \"y\"\n}\n";
  const auto l = test::load(text);
  REQUIRE(l.has("E0101"));
  CHECK(l.codes() == std::vector<std::string>{"E0101"});
  const auto* d = l.first("E0101");
  CHECK(d->message == "this `{` is never closed");
  const std::string& src = l.program->sources.file(d->primary->file).text();
  CHECK(d->primary->begin == src.find('{', src.find("rule open")));
  REQUIRE(d->notes.size() == 1);
  CHECK(src.substr(d->notes[0].span.begin, 9) == "rule next");
  // Parsing resumed at the next rule instead of skipping it.
  bool next_parsed = false;
  for (const auto& decl : l.program->modules.at(0).decls) {
    if (const auto* r = std::get_if<dsl::ast::RuleDecl>(&decl))
      next_parsed |= r->name.name == "next";
  }
  CHECK(next_parsed);
}

TEST_CASE("mistakes: null, quoted numbers, level labels, rules as values") {
  const auto eq = with_rule("absence_pct == null");
  CHECK(eq.underlined("E0104") == "null");
  CHECK(fix_of(eq, "E0104") == "missing(absence_pct)");
  CHECK(fix_of(with_rule("None != absence_pct"), "E0104") == "known(absence_pct)");

  const auto quoted = with_rule("absence_pct > \"10\"");
  CHECK(fix_of(quoted, "E0201") == "10");
  CHECK(quoted.codes() == std::vector<std::string>{"E0201"});  // no cascade

  std::string labelled = test::kPrelude;
  labelled.replace(labelled.find("levels low, medium, high"), 24,
                   "levels low \"lav\", medium \"middel\", high \"høj\"");
  const auto label = test::load(labelled +
                                "rule r in ew {\n  when level >= høj\n  flag \"r\"\n}\n"
                                "rule s in ew {\n  when absence_pct > 50\n  raise level to "
                                "middel because \"m\"\n}\n");
  CHECK(fix_of(label, "E0203") == "high");
  int label_errors = 0;
  for (const auto& d : label.bag.items()) {
    if (dsl::info(d.code).id == std::string_view("E0203")) {
      ++label_errors;
      CHECK(d.help.value_or("").find("is the label of level") != std::string::npos);
    }
  }
  CHECK(label_errors == 2);
}

TEST_CASE("mistakes: counting more flags than the purpose can raise") {
  std::string base = test::kPrelude;
  base += "rule a in ew {\n  when absence_pct > 10\n  flag \"a\"\n  points 1\n}\n";
  base += "rule b in ew {\n  when not exams_taken\n  flag \"b\"\n}\n";
  const auto reach = [&](const std::string& when) {
    return test::load(base + "rule c in ew {\n  when " + when +
                      " and absence_pct > 1\n  raise level to high because \"c\"\n}\n");
  };
  CHECK_FALSE(reach("count(flags) >= 2").has("W0501"));
  CHECK(reach("count(flags) >= 3").has("W0501"));
  CHECK(reach("count(flags) > 2").has("W0501"));
  CHECK(reach("3 <= count(flags)").has("W0501"));
  CHECK(reach("count(flags in {a}) >= 2").has("W0501"));
  CHECK_FALSE(reach("count(flags in {a, b}) == 2").has("W0501"));
  CHECK(reach("sum(points) >= 2").has("W0501"));
  CHECK_FALSE(reach("sum(points) >= 1").has("W0501"));
  // Its own flag does not count.
  const auto own = test::load(base + "rule c in ew {\n  when count(flags) >= 3\n  flag \"c\"\n}\n");
  CHECK(own.has("W0501"));
}
