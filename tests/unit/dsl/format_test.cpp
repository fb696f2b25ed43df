#include "skon/dsl/format.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "skon/dsl/parse.hpp"
#include "support/rules.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

struct Formatted {
  bool ok = false;
  std::string text;
  std::string ast;
};

Formatted format(const std::string& text) {
  dsl::SourceMap map;
  const auto id = map.add("t.skon", text);
  dsl::DiagnosticBag bag;
  const auto m = dsl::parse_module(map, id, bag);
  return {!bag.has_errors(), dsl::format_module(m, map), dsl::dump_module(m)};
}

// fmt(fmt(x)) == fmt(x), and formatting never changes the AST.
void check_round_trip(const std::string& text, const std::string& name) {
  INFO(name);
  const Formatted once = format(text);
  if (!once.ok) return;  // files with syntax errors are never formatted
  const Formatted twice = format(once.text);
  CHECK(twice.ok);
  CHECK(twice.text == once.text);
  CHECK(twice.ast == once.ast);
}

}  // namespace

TEST_CASE("fmt: canonical layout") {
  const std::string messy =
      "# top\nlevels low,medium ,high\nrole   r \"R\"\nsource s \"S\" {holder x category ordinary\n"
      "accessible_to r}\nfield  f:number in 0..10 unit \"%\" from s\n"
      "rule a \"A\" in p {when f>=3 and(f<9 or not missing(f)) # why\n flag \"F {f}\" points 2}\n";
  CHECK(format(messy).text ==
        "# top\n"
        "levels low, medium, high\n"
        "role r \"R\"\n"
        "\n"
        "source s \"S\" {\n"
        "  holder x\n"
        "  category ordinary\n"
        "  accessible_to r\n"
        "}\n"
        "\n"
        "field f : number in 0..10 unit \"%\" from s\n"
        "\n"
        "rule a \"A\" in p {\n"
        "  when f >= 3 and (f < 9 or not missing(f))  # why\n"
        "  flag \"F {f}\"\n"
        "  points 2\n"
        "}\n");
}

TEST_CASE("fmt: keeps comments, blank-line groups and triple-quoted text") {
  const std::string text =
      "field a : bool from s\n\n# group two\nfield b : bool from s  # trailing\n\n"
      "purpose p {\n  # before roles\n  roles r\n\n  guidance high \"\"\"line one\n  line "
      "two\"\"\"\n"
      "  # last in block\n}\n# end of file\n";
  CHECK(format(text).text == text);
}

TEST_CASE("fmt: round trip over every rule file in the repository") {
  const fs::path root = SKON_SOURCE_DIR;
  std::size_t files = 0;
  for (const char* dir : {"rules", "tests/golden", "docs"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() != ".skon") continue;
      check_round_trip(test::read_file(entry.path()), entry.path().string());
      ++files;
    }
  }
  CHECK(files > 40);
}

TEST_CASE("fmt: the prelude used by the tests is already canonical") {
  CHECK(format(test::kPrelude).text == test::kPrelude);
}
