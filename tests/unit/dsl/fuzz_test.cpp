#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "skon/dsl/format.hpp"
#include "skon/dsl/parse.hpp"
#include "support/rules.hpp"

using namespace skon;

// Any byte sequence yields diagnostics or success: never a crash, hang or stack overflow.
// Deterministic (fixed seeds), and run under ASan+UBSan by the test command.
TEST_CASE("robustness: random bytes and mutated rule files never crash the front end") {
  std::mt19937_64 rng(20261126);
  const std::string seed_text =
      std::string(test::kPrelude) +
      "rule r \"R\" in ew {\n  when absence_pct >= 15 and not exams_taken\n"
      "  flag \"{absence_pct}\"\n  raise level to high because \"x\"\n}\n"
      "test \"t\" in ew {\n  given absence_pct = 20, sex = male\n"
      "  probability 0.2\n  expect flag r\n}\n";
  const std::string alphabet = "{}()\"\\#=<>!.,:%- \n\tabcxyz019æø\xC3\xFF";
  std::size_t runs = 0;
  for (int i = 0; i < 600; ++i) {
    std::string text = seed_text;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text.erase(at, 1 + rng() % 12);
          break;
        case 1:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        default:
          text.insert(at, text.substr(rng() % text.size(), rng() % 40));
          break;
      }
    }
    test::Loaded l = test::load(text);
    CHECK(l.program != nullptr);
    if (!l.bag.has_errors() && !l.program->modules.empty()) {
      // Whatever parses must also format and re-parse to the same tree.
      const std::string once = dsl::format_module(l.program->modules[0], l.program->sources);
      test::Loaded again = test::load(once);
      CHECK_FALSE(again.bag.has_errors());
    }
    ++runs;
  }
  for (int i = 0; i < 300; ++i) {
    std::string bytes(rng() % 400, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() % 256);
    test::Loaded l = test::load(bytes);
    CHECK(l.program != nullptr);
    ++runs;
  }
  CHECK(runs == 900);
}
