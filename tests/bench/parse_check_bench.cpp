// Parse + check throughput of the Skøn front end on a generated 60,000-line rule file
// (10,000 rules over 200 fields). Target: >= 300,000 lines/s on one core (issue 12).
//
//   build/release/tests/bench/bench_parse_check [--rules N] [--repeat K]
//       [--peer-cedar DIR --peer-script cedar_peer.mjs] [--write FILE]
//
// The peer is Cedar (its wasm build from npm, run by node): the same conditions written as Cedar
// policies over a schema with the same 200 attributes, parsed and validated. parse_check.sh
// installs it into a temporary folder and runs both.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "skon/dsl/program.hpp"

namespace {

// The rules drawn by generate(), so the Cedar policies state exactly the same conditions.
struct DrawnRule {
  int a, b, c, d;
  unsigned ge, lt;
};

std::string field_name(int f) {
  if (f % 4 == 3) return "b" + std::to_string(f);
  if (f % 4 == 2) return "c" + std::to_string(f);
  return "n" + std::to_string(f);
}

std::string cedar_schema(int fields) {
  std::string s = "entity User;\nentity Youth = {\n";
  for (int f = 0; f < fields; ++f) {
    const char* type = f % 4 == 3 ? "Bool" : f % 4 == 2 ? "String" : "Long";
    s += "  \"" + field_name(f) + "\": " + type + ",\n";
  }
  s += "};\naction flag appliesTo { principal: User, resource: Youth };\n";
  return s;
}

std::string cedar_policies(const std::vector<DrawnRule>& drawn) {
  std::string s;
  for (std::size_t r = 0; r < drawn.size(); ++r) {
    const DrawnRule& d = drawn[r];
    s += "@id(\"r" + std::to_string(r) + "\")\n@label(\"Regel " + std::to_string(r) + "\")\n";
    s += "permit (principal, action == Action::\"flag\", resource is Youth)\n";
    s += "when { (resource." + field_name(d.a) + " >= " + std::to_string(d.ge) + " && resource." +
         field_name(d.b) + " < " + std::to_string(d.lt) +
         ") || ([\"a\", \"b\"].contains(resource." + field_name(d.c) + ") && !resource." +
         field_name(d.d) + ") };\n\n";
  }
  return s;
}

std::string generate(int rules, int fields, std::vector<DrawnRule>& drawn) {
  std::mt19937 rng(42);
  std::string s;
  s += "levels low, medium, high\n\nrole uu \"UU-vejleder\"\n\n";
  const int sources = 10;
  for (int i = 0; i < sources; ++i) {
    s += "source s" + std::to_string(i) + " \"Kilde " + std::to_string(i) +
         "\" {\n  holder school\n  category ordinary\n  legal_basis \"Lov\"\n  accessible_to "
         "uu\n}\n\n";
  }
  for (int f = 0; f < fields; ++f) {
    const std::string src = " from s" + std::to_string(f % sources);
    if (f % 4 == 3) {
      s +=
          "field b" + std::to_string(f) + " : bool" + src + " \"Felt " + std::to_string(f) + "\"\n";
    } else if (f % 4 == 2) {
      s += "field c" + std::to_string(f) + " : category { a, b, c }" + src + "\n";
    } else {
      s += "field n" + std::to_string(f) + " : number in 0..100 unit \"%\"" + src + "\n";
    }
  }
  s += "\npurpose p \"Formål\" {\n  owner \"UU\"\n  approved_by \"Jurist\"\n  roles uu\n  sources";
  for (int i = 0; i < sources; ++i) s += (i ? ", s" : " s") + std::to_string(i);
  s += "\n  effective from 2026-01-01 to 2028-12-31";
  s += "\n  bands low below 0.2, medium below 0.4, high";
  // One trigger for every gap, as a careful author writes it: the file checks clean.
  s += "\n  review data_gap required when ";
  for (int f = 0; f < fields; ++f) s += (f ? " or missing(" : "missing(") + field_name(f) + ")";
  s += " because \"Data mangler\"\n}\n\n";
  const auto number = [&](int f) { return "n" + std::to_string(f - f % 4 + (f % 4 == 1 ? 1 : 0)); };
  for (int r = 0; r < rules; ++r) {
    const int a = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4;
    const int b = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4 + 1;
    const int c = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4 + 2;
    const int d = static_cast<int>(rng() % static_cast<unsigned>(fields / 4)) * 4 + 3;
    const auto ge = static_cast<unsigned>(rng() % 90);
    const auto lt = static_cast<unsigned>(10 + rng() % 90);
    drawn.push_back({a, b, c, d, ge, lt});
    s += "rule r" + std::to_string(r) + " \"Regel " + std::to_string(r) + "\" in p {\n";
    s += "  when (" + number(a) + " >= " + std::to_string(ge) + " and " + number(b) + " < " +
         std::to_string(lt) + ") or (c" + std::to_string(c) + " in { a, b } and not b" +
         std::to_string(d) + ")\n";
    s += "  flag \"Tegn: {" + number(a) + "} %\"\n";
    s += "  points " + std::to_string(1 + rng() % 3) + "\n}\n\n";
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int rules = 10000, repeat = 20;
  const char* peer_dir = nullptr;
  const char* peer_script = nullptr;
  const char* write_to = nullptr;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--write") == 0) write_to = argv[i + 1];
    if (std::strcmp(argv[i], "--rules") == 0) rules = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--peer-cedar") == 0) peer_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--peer-script") == 0) peer_script = argv[i + 1];
  }
  std::vector<DrawnRule> drawn;
  const std::string text = generate(rules, 200, drawn);
  const auto lines = std::count(text.begin(), text.end(), '\n');
  if (write_to != nullptr) std::ofstream(write_to) << text;  // to look at, or `skon check` it

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
  std::printf(
      "rule file: %ld lines, %zu bytes, %d rules over 200 fields (%zu errors, %zu warnings)\n",
      static_cast<long>(lines), text.size(), rules, errors, warnings);
  std::printf(
      "skon parse+check: %.3f s best of %d  ->  %.0f lines/s  (target >= 300000 lines/s: %s)\n",
      best, repeat, static_cast<double>(lines) / best,
      static_cast<double>(lines) / best >= 300000 ? "met" : "NOT met");
  std::printf("skon: %.0f rules/s\n", rules / best);

  if (peer_dir != nullptr && peer_script != nullptr) {
    const std::string policies_file = "/tmp/skon_bench_policies.cedar";
    const std::string schema_file = "/tmp/skon_bench_schema.cedarschema";
    std::ofstream(policies_file) << cedar_policies(drawn);
    std::ofstream(schema_file) << cedar_schema(200);
    const std::string command = std::string("node ") + peer_script + " " + peer_dir + " " +
                                policies_file + " " + schema_file + " 3";
    FILE* pipe = popen(command.c_str(), "r");
    char name[32] = {0};
    double seconds = 0;
    int count = 0, peer_errors = 0;
    if (pipe != nullptr &&
        std::fscanf(pipe, "%31s %lf %d %d", name, &seconds, &count, &peer_errors) == 4) {
      std::printf(
          "cedar (wasm %s) parse+validate: %.3f s best of 3  ->  %.0f rules/s (%d validation "
          "errors)\n",
          peer_dir, seconds, count / seconds, peer_errors);
      std::printf("ratio skon/cedar (rules per second): %.1fx\n", seconds / best);
    } else {
      std::printf("cedar peer did not run\n");
    }
    if (pipe != nullptr) pclose(pipe);
    std::remove(policies_file.c_str());
    std::remove(schema_file.c_str());
  }
  return errors == 0 ? 0 : 1;
}
