#include "skon/dsl/source.hpp"

#include <doctest/doctest.h>

using namespace skon::dsl;

TEST_CASE("source: line and column are 1-based and count code points") {
  SourceMap map;
  const FileId id = map.add("a.skon", "field fravær : bool\r\nrule x {\n  when fravær\n}");
  const SourceFile& f = map.file(id);
  CHECK(f.line_count() == 4);
  CHECK(f.line_text(1) == "field fravær : bool");  // CR stripped
  CHECK(f.line_text(3) == "  when fravær");
  const auto colon = static_cast<std::uint32_t>(f.text().find(':'));
  CHECK(f.line_col(colon).line == 1);
  CHECK(f.line_col(colon).column == 14);  // "ø" is one column, two bytes
  const auto when = static_cast<std::uint32_t>(f.text().find("when"));
  CHECK(f.line_col(when).line == 3);
  CHECK(f.line_col(when).column == 3);
  CHECK(f.line_col(100000).line == 4);
  CHECK(f.line_text(0).empty());
  CHECK(f.line_text(5).empty());
}

TEST_CASE("source: count_code_points") {
  CHECK(count_code_points("") == 0);
  CHECK(count_code_points("abc") == 3);
  CHECK(count_code_points("æøå") == 3);
}
