// The impact of a rule change on a cohort: `skon diff OLD NEW --cohort` on 1,000,000 people of a
// past year (both versions assessed in one pass, outcomes split), beside one `skon assess` of the
// same cohort. Target: <= 3 s on this machine's two cores, memory flat in rows. Best of three.
//
//   build/release/tests/bench/bench_diff --skon build/release/cli/skon [--rules rules] [--rows N]

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench_util.hpp"

namespace fs = std::filesystem;
using namespace skon;

int main(int argc, char** argv) {
  std::string skon = "build/release/cli/skon", rules = "rules";
  std::size_t rows = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--skon") == 0) skon = argv[i + 1];
    if (std::strcmp(argv[i], "--rules") == 0) rules = argv[i + 1];
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::stoul(argv[i + 1]);
  }
  ::setenv("SKON_ID_KEY", "a benchmark key, 0123456789abcdef", 1);
  const fs::path dir =
      fs::temp_directory_path() / ("skon_bench_diff_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string history = (dir / "history.csv").string(), past = (dir / "past.csv").string(),
                    small = (dir / "past_small.csv").string(), model = (dir / "m.json").string(),
                    changed = (dir / "rules_new").string(), log = (dir / "audit.sqlite").string();
  bench::run_child({skon, "-q", "generate", "--rows", "100000", "--seed", "1", "-o", history});
  bench::run_child({skon, "-q", "generate", "--rows", std::to_string(rows), "--seed", "2",
                    "--years", "2020..2020", "-o", past});
  bench::run_child({skon, "-q", "generate", "--rows", std::to_string(rows / 10), "--seed", "2",
                    "--years", "2020..2020", "-o", small});
  bench::run_child({skon, "-q", "train", "--rules", rules, "--purpose", "early_warning", "--data",
                    history, "-o", model});
  // The change a reviewer is shown in the demo: the absence threshold from 10 % to 15 %.
  fs::copy(rules, changed, fs::copy_options::recursive);
  {
    const fs::path file = fs::path(changed) / "early_warning.skon";
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    const auto at = s.find("when absence_pct > 10");
    if (at != std::string::npos) s.replace(at, 21, "when absence_pct > 15");
    std::ofstream(file) << s;
  }
  for (const char* role : {"dpo", "school_head"}) {
    bench::run_child({skon, "-q", "approve", "--rules", rules, "--purpose", "early_warning",
                      "--model", model, "--audit", log, "--by", "benchmark", "--role", role});
  }
  const std::vector<std::string> diff = {skon,        "diff",          rules,      changed,
                                         "--purpose", "early_warning", "--cohort", past,
                                         "--model",   model,           "--today",  "2026-11-26"};
  const auto best = [&](const std::vector<std::string>& command, double& peak) {
    double s = 1e9;
    for (int k = 0; k < 3; ++k) {
      ::sync();
      const auto [t, p] = bench::run_child(command, /*findings_ok=*/true);
      if (t < 0) {
        std::fprintf(stderr, "the run failed: %s\n", command[1].c_str());
        std::exit(1);
      }
      s = std::min(s, t);
      peak = std::max(peak, p);
    }
    return s;
  };
  double peak_big = 0, peak_small = 0, peak_assess = 0;
  const double diff_s = best(diff, peak_big);
  std::vector<std::string> diff_small = diff;
  diff_small[7] = small;
  best(diff_small, peak_small);
  const double assess_s = best(
      {skon, "-q", "assess", "--rules", rules, "--purpose", "early_warning", "--model", model,
       "--data", past, "--today", "2026-11-26", "--audit", log, "-o", (dir / "a.jsonl").string()},
      peak_assess);
  std::printf(
      "cohort: %zu people of a past year, with outcomes; change: absence threshold 10 -> 15\n",
      rows);
  std::printf("skon diff --cohort      %.2f s  (both versions, one pass; target <= 3 s: %s)\n",
              diff_s, diff_s <= 3 ? "met" : "NOT met");
  std::printf("skon assess (one side)  %.2f s  (records written, audit logged)\n", assess_s);
  std::printf("ratio diff / assess     %.2fx\n", diff_s / assess_s);
  std::printf("peak RSS: %.1f MiB for %zu rows vs %.1f MiB for %zu rows = %.2fx (flat in rows)\n",
              peak_big, rows, peak_small, rows / 10, peak_big / peak_small);
  fs::remove_all(dir);
  return 0;
}
