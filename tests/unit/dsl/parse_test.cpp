#include "skon/dsl/parse.hpp"

#include <doctest/doctest.h>

#include "skon/base/date.hpp"
#include "skon/dsl/format.hpp"
#include "support/rules.hpp"

using namespace skon;

namespace {
std::string dump(const std::string& text, dsl::DiagnosticBag* bag_out = nullptr) {
  dsl::SourceMap map;
  const auto id = map.add("t.skon", text);
  dsl::DiagnosticBag bag;
  const auto m = dsl::parse_module(map, id, bag);
  if (bag_out) *bag_out = bag;
  return dsl::dump_module(m);
}
std::string first_error(const std::string& text) {
  dsl::DiagnosticBag bag;
  dump(text, &bag);
  return bag.items().empty() ? "" : bag.sorted().front().message;
}
}  // namespace

TEST_CASE("parse: operator precedence and associativity") {
  CHECK(dump("let a = x or y and not z\n") == "let a - = (or name:x (and name:y (not name:z)))\n");
  CHECK(dump("let a = 1 + 2 * 3 - 4\n") == "let a - = (- (+ num:1 (* num:2 num:3)) num:4)\n");
  CHECK(dump("let a = -x * 2 >= 3\n") == "let a - = (>= (* (neg name:x) num:2) num:3)\n");
  CHECK(dump("let a = (x or y) and z\n") == "let a - = (and (or name:x name:y) name:z)\n");
  CHECK(dump("let a = not not x\n") == "let a - = (not (not name:x))\n");
}

TEST_CASE("parse: membership, ranges, calls, dates, UTF-8 names") {
  CHECK(dump("let a = køn in { pige, dreng }\n") == "let a - = (in name:køn [pige dreng])\n");
  CHECK(dump("let a = x not in {b}\n") == "let a - = (not-in name:x [b])\n");
  CHECK(dump("let a = x in -3..12.5\n") == "let a - = (in-range name:x num:-3 num:12.5)\n");
  CHECK(dump("let a = d >= 2026-08-01\n") == "let a - = (>= name:d date:2026-08-01)\n");
  CHECK(dump("let a = missing(x) or count(flags) > 2\n") ==
        "let a - = (or (call missing name:x) (> (call count name:flags) num:2))\n");
}

TEST_CASE("parse: keywords are not identifiers only where reserved") {
  // `and` cannot be a name; `holder` can (contextual keyword).
  CHECK(first_error("let and = 1\n").find("expected a name") != std::string::npos);
  CHECK(dump("let holder = 1\n") == "let holder - = num:1\n");
  CHECK(dump("let andes = 1\n") == "let andes - = num:1\n");
}

TEST_CASE("parse: strings, escapes and triple-quoted text") {
  CHECK(dump("role r \"a \\\"b\\\" \\\\ c\"\n") == "role r \"a \"b\" \\ c\"\n");
  CHECK(dump("role r \"\"\"two\nlines\"\"\"\n") == "role r \"two\nlines\"\n");
  CHECK(first_error("role r \"open\n").find("unterminated text") != std::string::npos);
  CHECK(first_error("role r \"\"\"never closed\n").find("unterminated text") != std::string::npos);
  CHECK(first_error("role r \"bad \\q\"\n").find("invalid escape") != std::string::npos);
}

TEST_CASE("parse: errors name what was expected and what was found") {
  CHECK(first_error("rule r { when x >= }\n") ==
        "expected a value after the comparison, found `}`");
  CHECK(first_error("field x : strng from s\n") ==
        "expected a type: number, bool, category { ... } or date, found `strng`");
  CHECK(first_error("purpose p { completeness at least 70 }\n") == "expected `%`, found `}`");
  CHECK(first_error("bogus\n").rfind("expected a declaration", 0) == 0);
}

TEST_CASE("parse: recovers at the next declaration and reports every broken one") {
  dsl::DiagnosticBag bag;
  const std::string out = dump("rule a { when }\nrole ok\nrule b { flag }\nrole fine\n", &bag);
  CHECK(bag.error_count() == 2);
  CHECK(out == "role ok -\nrole fine -\n");
}

TEST_CASE("parse: invalid UTF-8 is rejected with its position") {
  dsl::DiagnosticBag bag;
  dump(std::string("role r \"ok\"\nrole x \"\xC3\x28\"\n"), &bag);
  REQUIRE(bag.error_count() == 1);
  CHECK(bag.items()[0].code == dsl::DiagCode::E0002);
  CHECK(bag.items()[0].primary->begin == 20);
  CHECK(dsl::find_invalid_utf8("æøå ÆØÅ") == std::string_view::npos);
  CHECK(dsl::find_invalid_utf8("\xED\xA0\x80") == 0);  // a UTF-16 surrogate
  CHECK(dsl::find_invalid_utf8("\xC0\xAF") == 0);      // overlong
}

TEST_CASE("parse: size and nesting limits give errors, not crashes") {
  dsl::ParseLimits limits;
  limits.max_file_bytes = 10;
  dsl::SourceMap map;
  dsl::DiagnosticBag bag;
  dsl::parse_module(map, map.add("big.skon", std::string(100, ' ')), bag, limits);
  CHECK(bag.items().at(0).code == dsl::DiagCode::E0003);

  dsl::DiagnosticBag deep;
  dump("let a = " + std::string(100000, '(') + "x" + std::string(100000, ')') + "\n", &deep);
  CHECK(deep.items().at(0).code == dsl::DiagCode::E0005);

  // A long chain of operators without parentheses stays within the depth bound too.
  std::string chain = "let a = x";
  for (int i = 0; i < 100000; ++i) chain += " or x";
  dsl::DiagnosticBag wide;
  dump(chain + "\n", &wide);
  CHECK(wide.items().at(0).code == dsl::DiagCode::E0005);

  std::string nots = "let a = ";
  for (int i = 0; i < 100000; ++i) nots += "not ";
  dsl::DiagnosticBag prefix;
  dump(nots + "x\n", &prefix);
  CHECK(prefix.items().at(0).code == dsl::DiagCode::E0005);
}

TEST_CASE("parse: dates are real calendar days") {
  CHECK(base::parse_iso_date("2024-02-29").has_value());
  CHECK_FALSE(base::parse_iso_date("2026-02-29").has_value());
  CHECK_FALSE(base::parse_iso_date("2026-13-01").has_value());
  CHECK(base::parse_iso_date("1970-01-01") == 0);
  CHECK(base::format_iso_date(*base::parse_iso_date("2031-12-31")) == "2031-12-31");
  CHECK(base::format_iso_date(-1) == "1969-12-31");
}
