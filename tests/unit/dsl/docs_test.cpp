#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "skon/core/test_runner.hpp"
#include "support/rules.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

struct Block {
  std::string info;  // the fence's info string: "skon" or "skon-error E0301"
  std::string text;
  int line = 0;
};

std::vector<Block> skon_blocks(const std::string& markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  int n = 0;
  Block* open = nullptr;
  while (std::getline(in, line)) {
    ++n;
    if (open == nullptr && line.rfind("```skon", 0) == 0) {
      blocks.push_back({line.substr(3), "", n});
      open = &blocks.back();
    } else if (open != nullptr && line == "```") {
      open = nullptr;
    } else if (open != nullptr) {
      open->text += line + "\n";
    }
  }
  return blocks;
}

}  // namespace

// The `skon` blocks of a page form one rule set that checks without errors or warnings and whose
// tests pass; every `skon-error CODE` block, added to the blocks above it, fails with CODE.
static void check_page(const char* page, std::size_t min_blocks, std::size_t min_tests) {
  const auto blocks = skon_blocks(test::read_file(fs::path(SKON_SOURCE_DIR) / page));
  REQUIRE(blocks.size() >= min_blocks);
  std::string program;
  for (const Block& b : blocks) {
    INFO("block at " << page << ":" << b.line);
    if (b.info == "skon") {
      program += b.text + "\n";
      const auto l = test::load(program);
      for (const auto& d : l.bag.items()) {
        if (d.severity == dsl::Severity::Error) FAIL_CHECK(d.message);
      }
    } else {
      const std::string code = b.info.substr(b.info.find(' ') + 1);
      const auto l = test::load(program + b.text);
      CHECK_MESSAGE(l.has(code), "expected " << code);
    }
  }
  const auto final_program = test::load(program);
  REQUIRE_FALSE(final_program.bag.has_errors());
  for (const auto& d : final_program.bag.items()) FAIL_CHECK(d.message);
  const auto report = engine::run_tests(*final_program.program, skon::base::system_clock());
  CHECK(report.results.size() >= min_tests);
  for (const auto& r : report.results) {
    INFO(r.test->decl->name.value);
    for (const auto& f : r.failures) FAIL_CHECK(f.expected << " / " << f.actual);
  }
}

TEST_CASE("docs: every example in docs/language.md checks") {
  check_page("docs/language.md", 10, 4);
}

TEST_CASE("docs: every Skøn example in docs/coming-from.md checks") {
  check_page("docs/coming-from.md", 6, 6);
}

// One source of truth: every diagnostic code is documented and has a golden file (or, for the
// few that need a machine state a file cannot create, a unit test named in the exception list).
TEST_CASE("docs: every diagnostic code is documented and has a golden case") {
  const std::string doc = test::read_file(fs::path(SKON_SOURCE_DIR) / "docs/diagnostics.md");
  std::set<std::string> golden;
  for (const auto& e :
       fs::directory_iterator(fs::path(SKON_TEST_DATA_DIR) / "golden/diagnostics")) {
    golden.insert(e.path().filename().string().substr(0, 5));
  }
  // E0001/E0006 need a missing path (tested end to end), E0003 a 16 MiB file (parse_test), E0007
  // a 50,000-node rule set (engine/plan_test), E0306
  // a date outside a purpose's period (program_test), E0308-E0311 a model file next to the rules
  // (engine/assess_test and the assess end-to-end test).
  const std::set<std::string> without_golden = {"E0001", "E0003", "E0006", "E0007", "E0306",
                                                "E0308", "E0309", "E0310", "E0311"};
  for (const auto& c : dsl::all_diag_codes()) {
    const std::string id(c.id);
    INFO(id);
    CHECK(doc.find("## " + id) != std::string::npos);
    if (!without_golden.contains(id)) CHECK(golden.contains(id));
  }
}

// The use-cases and the guides quote the rule files; each `skon-quote FILE` block must still appear
// in FILE word for word, so the documents cannot drift from what the engine enforces.
TEST_CASE("docs: the use-cases and guides quote rules/ word for word") {
  for (const char* doc : {"docs/use-cases.md", "docs/domain-expert-guide.md",
                          "docs/legal-reviewer-guide.md", "docs/professional-guide.md"}) {
    const auto blocks = skon_blocks(test::read_file(fs::path(SKON_SOURCE_DIR) / doc));
    std::size_t quotes = 0;
    for (const Block& b : blocks) {
      INFO("block at " << doc << ":" << b.line);
      REQUIRE(b.info.rfind("skon-quote ", 0) == 0);
      const std::string file = b.info.substr(std::string("skon-quote ").size());
      const std::string text = test::read_file(fs::path(SKON_SOURCE_DIR) / file);
      CHECK_MESSAGE(text.find(b.text) != std::string::npos, "not found in " << file << ":\n"
                                                                            << b.text);
      ++quotes;
    }
    INFO(doc);
    CHECK(quotes >= (std::string(doc) == "docs/use-cases.md" ? 10u : 1u));
  }
}
