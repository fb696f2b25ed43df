// Parse + check throughput of the Skøn front end on a generated 60,000-line rule file
// (10,000 rules over 200 fields). Target: >= 200,000 lines/s on one core.
//
//   build/release/tests/bench/bench_parse_check [--rules N] [--repeat K] [--write FILE]
//
// --write saves the generated file, so the same rules can be fed to a peer (see
// tests/bench/README.md).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include "skon/dsl/program.hpp"

namespace {

std::string generate(int rules, int fields) {
  std::mt19937 rng(42);
  std::string s;
  s += "levels low, medium, high\n\nrole uu \"UU-vejleder\"\n\n";
  const int sources = 10;
  for (int i = 0; i < sources; ++i) {
    s += "source s" + std::to_string(i) + " \"Kilde " + std::to_string(i) +
         "\" {\n  holder school\n  category ordinary\n  legal_basis \"Lov\"\n  accessible_to uu\n}\n\n";
  }
  for (int f = 0; f < fields; ++f) {
    const std::string src = " from s" + std::to_string(f % sources);
    if (f % 4 == 3) {
      s += "field b" + std::to_string(f) + " : bool" + src + " \"Felt " + std::to_string(f) + "\"\n";
    } else if (f % 4 == 2) {
      s += "field c" + std::to_string(f) + " : category { a, b, c }" + src + "\n";
    } else {
      s += "field n" + std::to_string(f) + " : number in 0..100 unit \"%\"" + src + "\n";
    }
  }
  s += "\npurpose p \"Formål\" {\n  owner \"UU\"\n  approved_by \"Jurist\"\n  roles uu\n  sources";
  for (int i = 0; i < sources; ++i) s += (i ? ", s" : " s") + std::to_string(i);
  s += "\n  bands low below 0.2, medium below 0.4, high\n}\n\n";
  const auto number = [&](int f) { return "n" + std::to_string(f - f % 4 + (f % 4 == 1 ? 1 : 0)); };
  for (int r = 0; r < rules; ++r) {
    const int a = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4;
    const int b = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4 + 1;
    const int c = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4 + 2;
    const int d = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4 + 3;
    s += "rule r" + std::to_string(r) + " \"Regel " + std::to_string(r) + "\" in p {\n";
    s += "  when (" + number(a) + " >= " + std::to_string(rng() % 90) + " and " + number(b) +
         " < " + std::to_string(10 + rng() % 90) + ".5) or (c" + std::to_string(c) +
         " in { a, b } and not b" + std::to_string(d) + ")\n";
    s += "  flag \"Tegn: {" + number(a) + "} %\"\n";
    s += "  points " + std::to_string(1 + rng() % 3) + "\n}\n\n";
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int rules = 10000, repeat = 5;
  const char* write = nullptr;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rules") == 0) rules = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--write") == 0) write = argv[i + 1];
  }
  const std::string text = generate(rules, 200);
  const auto lines = std::count(text.begin(), text.end(), '\n');
  if (write != nullptr) std::ofstream(write) << text;

  double best = 1e9;
  std::size_t errors = 0, warnings = 0;
  for (int k = 0; k < repeat; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    skon::dsl::DiagnosticBag bag;
    auto program = skon::dsl::load_program_text("bench.skon", text, bag);
    skon::dsl::check_program(*program, bag);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
    errors = bag.error_count();
    warnings = bag.warning_count();
  }
  std::printf("rule file: %ld lines, %zu bytes, %d rules over 200 fields (%zu errors, %zu warnings)\n",
              static_cast<long>(lines), text.size(), rules, errors, warnings);
  std::printf("skon parse+check: %.3f s best of %d  ->  %.0f lines/s  (target >= 200000 lines/s: %s)\n",
              best, repeat, static_cast<double>(lines) / best,
              static_cast<double>(lines) / best >= 200000 ? "met" : "NOT met");
  return errors == 0 ? 0 : 1;
}
