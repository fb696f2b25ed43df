#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "skon/base/date.hpp"
#include "support/rules.hpp"
#include "support/temp_path.hpp"

using namespace skon;
namespace fs = std::filesystem;

TEST_CASE("program: a purpose is assessable only while in effect and not suspended") {
  std::string text = std::string(test::kPrelude);
  text.replace(text.find("  effective from"),
               std::string("  effective from 2026-01-01 to 2099-12-31").size(),
               "  effective from 2026-08-01 to 2027-07-31");
  auto l = test::load(text);
  REQUIRE_FALSE(l.bag.has_errors());
  dsl::DiagnosticBag bag;
  CHECK(dsl::purpose_assessable(*l.program, 0, *base::parse_iso_date("2026-08-01"), bag));
  CHECK(dsl::purpose_assessable(*l.program, 0, *base::parse_iso_date("2027-07-31"), bag));
  CHECK_FALSE(dsl::purpose_assessable(*l.program, 0, *base::parse_iso_date("2027-08-01"), bag));
  CHECK(bag.items().at(0).code == dsl::DiagCode::E0306);
  CHECK(bag.items().at(0).message.find("2027-08-01") != std::string::npos);

  std::string suspended = std::string(test::kPrelude);
  suspended.insert(suspended.find("  roles"), "  suspended because \"Afventer ny DPIA\"\n");
  auto s = test::load(suspended);
  dsl::DiagnosticBag bag2;
  CHECK_FALSE(dsl::purpose_assessable(*s.program, 0, 0, bag2));
  CHECK(bag2.items().at(0).message.find("Afventer ny DPIA") != std::string::npos);
}

TEST_CASE("program: files load in import order, each once") {
  const fs::path dir = skon::test::temp_path("program_test");
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "main.skon") << "import \"sub/common.skon\"\nrole b\n";
  std::ofstream(dir / "sub" / "common.skon") << "role a\n";
  dsl::DiagnosticBag bag;
  auto p = dsl::load_program({dir}, bag);
  CHECK_FALSE(bag.has_errors());
  REQUIRE(p->modules.size() == 2);
  CHECK(p->paths[0].filename() == "common.skon");
  CHECK(p->paths[1].filename() == "main.skon");

  dsl::DiagnosticBag missing;
  dsl::load_program({dir / "nope"}, missing);
  CHECK(missing.items().at(0).code == dsl::DiagCode::E0001);
  fs::remove_all(dir / "sub");
  fs::remove(dir / "main.skon");
  dsl::DiagnosticBag empty;
  dsl::load_program({dir}, empty);
  CHECK(empty.items().at(0).code == dsl::DiagCode::E0006);
  fs::remove_all(dir);
}
