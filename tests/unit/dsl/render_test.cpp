#include "skon/dsl/render.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace skon::dsl;

TEST_CASE("render: compiler-style text with a caret under the span") {
  SourceMap map;
  const FileId id = map.add("rules/early.skon", "rule r {\n  when absense_pct >= 15\n}\n");
  const auto begin = static_cast<std::uint32_t>(map.file(id).text().find("absense_pct"));
  Diagnostic d;
  d.code = DiagCode::E0002;
  d.message = "unknown field `absense_pct`";
  d.primary = Span{id, begin, begin + 11};
  d.help = "did you mean `absence_pct`?";
  CHECK(render_text(d, map) ==
        "rules/early.skon:2:8: error[E0002]: unknown field `absense_pct`\n"
        "  |\n"
        "2 |   when absense_pct >= 15\n"
        "  |        ^^^^^^^^^^^\n"
        "help: did you mean `absence_pct`?\n");

  const nlohmann::json doc = nlohmann::json::parse(render_json({&d}, map, 1, 0));
  CHECK(doc["errors"] == 1);
  const nlohmann::json& j = doc["diagnostics"][0];
  CHECK(j["code"] == "E0002");
  CHECK(j["line"] == 2);
  CHECK(j["column"] == 8);
  CHECK(j["end_column"] == 19);
  CHECK(j["help"] == "did you mean `absence_pct`?");
}

TEST_CASE("render: colour only when asked") {
  SourceMap map;
  const FileId id = map.add("x.skon", "x");
  Diagnostic d;
  d.code = DiagCode::E0002;
  d.message = "m";
  d.primary = Span{id, 0, 1};
  CHECK(render_text(d, map).find('\x1b') == std::string::npos);
  CHECK(render_text(d, map, {.colour = true}).find('\x1b') != std::string::npos);
}

TEST_CASE("diagnostics: bag counts and sorts by position") {
  DiagnosticBag bag;
  bag.add(DiagCode::E0002, Span{0, 10, 11}, "later");
  bag.add(DiagCode::E0001, Span{0, 2, 3}, "earlier");
  bag.add(DiagCode::E0004, std::nullopt, "no location");
  CHECK(bag.error_count() == 3);
  const auto sorted = bag.sorted();
  CHECK(sorted[0].message == "no location");
  CHECK(sorted[1].message == "earlier");
  CHECK(sorted[2].message == "later");
}
