// The engine issue's performance targets, each next to its peer and the ratio:
//   - rules alone, in memory, one core                  >= 5,000,000 records/s
//     (a hand-written C++ function with the same rules is printed as the ceiling)
//   - rules + model + contributions, in memory, one core >= 2,000,000 records/s
//   - `skon assess` CSV -> JSONL, 1,000,000 rows          >= 20x pandas + scikit-learn
//     (assess_peer.py: read, preprocess, predict_proba, contributions, the same rules
//     vectorized, write JSONL) and >= 100x json-rules-engine (assess_peer_jre.mjs)
//   - peak memory of `skon assess` on 1M rows              <= 1.2x that on 100k rows
//
//   bash tests/bench/assess.sh            (installs json-rules-engine into a temporary folder)
//   build/release/tests/bench/bench_assess [--rows N] [--skon PATH] [--jre DIR]
//
// The rules are tests/bench/assess_rules.skon, a stand-in of the dropout rule set's size until
// rules/ exists; the cohort is synthetic_cohort.hpp's.


#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "skon/engine/assessor.hpp"
#include "skon/engine/batch_plan.hpp"
#include "skon/engine/columns.hpp"
#include "skon/models/cohort_reader.hpp"
#include "bench_util.hpp"
#include "synthetic_cohort.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string run_capture(const std::string& command) {
  std::string text;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) text += buffer;
  if (pipe != nullptr) pclose(pipe);
  return text;
}

// The stand-in rules written by hand: the ceiling for an interpreter. Returns the level.
int handwritten(const double* x, const double* b, int track, double probability, int& flags, double& points) {
  int level = probability < 0.25 ? 0 : probability < 0.5 ? 1 : 2;
  flags = 0;
  points = 0;
  const bool low_grades = x[1] < 7 && x[2] < 7;
  if (x[0] > 14) ++flags, points += 2;
  if (x[0] > 16) level = 2;
  if (low_grades) ++flags, points += 2;
  if (b[0] == 0) ++flags, level = std::max(level, 1);
  if (x[3] < 6) ++flags, points += 1;
  if (x[4] >= 0 && x[4] <= 5) ++flags, points += 1;
  if (x[6] > 15 && x[0] > 10) ++flags;
  if (b[1] != 0 && x[5] < 8) ++flags, points += 1;
  if (track == 3 && low_grades) ++flags;
  if (flags >= 3 || points >= 4) level = 2;
  if (flags == 0 && level >= 2 && x[0] < 8) level = 1;
  if (b[2] != 0 && x[7] > 12) ++flags;
  return level;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t rows = 1000000;
  std::string skon = "build/release/cli/skon";
  std::string jre_dir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--rows") && i + 1 < argc) rows = std::stoul(argv[++i]);
    else if (!std::strcmp(argv[i], "--skon") && i + 1 < argc) skon = argv[++i];
    else if (!std::strcmp(argv[i], "--jre") && i + 1 < argc) jre_dir = argv[++i];
  }
  skon = fs::absolute(skon).string();
  const fs::path here = fs::path(__FILE__).parent_path();
  const std::string rules = (here / "assess_rules.skon").string();
  const fs::path dir = fs::temp_directory_path() / "skon_bench_assess";
  fs::create_directories(dir);
  const std::string csv = (dir / "cohort.csv").string(), csv_small = (dir / "cohort100k.csv").string();
  const std::string model = (dir / "m.json").string();
  bench::write_cohort(csv, rows);
  bench::write_cohort(csv_small, rows / 10);
  setenv("SKON_ID_KEY", "benchmark key, not a secret", 1);
  setenv("SOURCE_DATE_EPOCH", "1790000000", 1);
  if (bench::run_child({skon, "train", "--rules", rules, "--purpose", "p", "--data", csv_small, "-o", model}).first < 0) {
    std::fprintf(stderr, "training the benchmark model failed\n");
    return 1;
  }
  std::printf("cohort: %zu rows, %.1f MB; rules: %s (12 rules, 1 derived value, 3 review triggers)\n\n", rows,
              static_cast<double>(fs::file_size(csv)) / 1e6, rules.c_str());

  // End to end first, while this process is small.
  const auto [e2e_s, peak_big] = bench::run_child({skon, "-q", "assess", "--rules", rules, "--purpose", "p", "--model", model,
                                            "--data", csv, "-o", (dir / "a.jsonl").string()});
  const double out_mb = fs::exists(dir / "a.jsonl") ? static_cast<double>(fs::file_size(dir / "a.jsonl")) / 1e6 : 0;
  fs::remove(dir / "a.jsonl");
  const auto [small_s, peak_small] = bench::run_child({skon, "-q", "assess", "--rules", rules, "--purpose", "p", "--model",
                                                model, "--data", csv_small, "-o", (dir / "b.jsonl").string()});
  fs::remove(dir / "b.jsonl");

  // In memory: the records of the small cohort, evaluated over and over.
  dsl::DiagnosticBag bag;
  auto program = dsl::load_program({rules}, bag);
  dsl::check_program(*program, bag);
  const models::LogisticModel m = models::load_model(model);
  engine::Assessor assessor(*program, 0, &m);
  assessor.set_top(5);  // as `skon assess --top 5` (the default)
  std::vector<models::ColumnSpec> cols;
  for (dsl::Index f : assessor.input_fields()) cols.push_back(engine::column_spec(*program, f));
  models::CohortReader reader(csv_small, cols, {});
  std::vector<std::vector<double>> values;
  std::vector<std::vector<engine::Value>> records;
  models::Row row;
  while (reader.next(row)) {
    values.push_back(row.values);
    std::vector<engine::Value> r(program->fields.size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
      r[assessor.input_fields()[i]] = engine::to_value(*program, assessor.input_fields()[i], row.values[i]);
    }
    records.push_back(std::move(r));
  }
  const std::size_t n = records.size(), rounds = std::max<std::size_t>(1, 1000000 / n);
  const engine::RuleEvaluator evaluator(*program);
  engine::RuleEvaluator::Options opt;
  opt.probability = 0.3;
  opt.check_completeness = false;
  std::size_t fired = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < rounds; ++k) {
    for (const auto& r : records) fired += evaluator.evaluate(0, r, opt).flags.size();
  }
  const double rules_rate = static_cast<double>(n * rounds) / since(t0);

  // Hand-written ceiling on the same values (field order x0..x9, b0..b2, track, region).
  const auto slot = [&](const std::string& name) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (cols[i].name == name) return i;
    }
    return std::size_t{0};
  };
  std::vector<std::size_t> xs, bs;
  for (int i = 0; i < 10; ++i) xs.push_back(slot("x" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) bs.push_back(slot("b" + std::to_string(i)));
  const std::size_t track_slot = slot("track");
  std::size_t hand_flags = 0;
  t0 = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < rounds; ++k) {
    for (const auto& v : values) {
      double x[10], b[3];
      for (int i = 0; i < 10; ++i) x[i] = v[xs[static_cast<std::size_t>(i)]];
      for (int i = 0; i < 3; ++i) b[i] = v[bs[static_cast<std::size_t>(i)]];
      int f = 0;
      double points = 0;
      handwritten(x, b, static_cast<int>(v[track_slot]), 0.3, f, points);
      hand_flags += static_cast<std::size_t>(f);
    }
  }
  const double hand_rate = static_cast<double>(n * rounds) / since(t0);

  // The compiled plan over batches: decisions only (truth of every rule and trigger, level, flags,
  // points per record), then with the full outcome records and the model's contributions.
  const engine::BatchPlan plan(*program, 0, assessor.input_fields());
  std::vector<std::vector<double>> columns(cols.size(), std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < cols.size(); ++c) columns[c][i] = values[i][c];
  }
  std::vector<double> probability(n, 0.3);
  engine::BatchPlan::State state;
  double level_sum = 0;
  t0 = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < rounds; ++k) {
    for (std::size_t start = 0; start < n; start += engine::BatchPlan::kBatch) {
      const std::size_t len = std::min(engine::BatchPlan::kBatch, n - start);
      const double* pointers[64];
      for (std::size_t c = 0; c < cols.size(); ++c) pointers[c] = columns[c].data() + start;
      plan.run(pointers, probability.data() + start, len, state);
      level_sum += state.level[0];
    }
  }
  const double plan_rate = static_cast<double>(n * rounds) / since(t0);

  std::vector<double> rowmajor;
  for (const auto& v : values) rowmajor.insert(rowmajor.end(), v.begin(), v.end());
  std::vector<engine::Assessment> batch(2048);
  t0 = std::chrono::steady_clock::now();
  for (std::size_t k = 0; k < rounds; ++k) {
    for (std::size_t start = 0; start < n; start += 2048) {
      const std::size_t len = std::min<std::size_t>(2048, n - start);
      assessor.assess_batch(rowmajor.data() + start * cols.size(), len, batch);
    }
  }
  const double full_rate = static_cast<double>(n * rounds) / since(t0);

  std::printf("in memory, one core (%zu records x %zu rounds):\n", n, rounds);
  std::printf("  rules alone, compiled  %12.0f records/s  (target >= 5,000,000: %s)\n", plan_rate,
              plan_rate >= 5e6 ? "met" : "NOT met");
  std::printf("  rules alone, AST walk  %12.0f records/s  (RuleEvaluator, the reference `skon test` uses)\n",
              rules_rate);
  std::printf("  hand-written C++       %12.0f records/s  (ceiling; the compiled plan at %.1f%% of it)\n",
              hand_rate, 100 * plan_rate / hand_rate);
  std::printf("  rules+model+contribs   %12.0f records/s  (full outcome records; target >= 2,000,000: %s)\n\n", full_rate,
              full_rate >= 2e6 ? "met" : "NOT met");
  std::printf("end to end, skon assess CSV -> JSONL:\n");
  std::printf("  %zu rows               %8.2f s  (%.0f MB of JSON Lines written)\n", rows, e2e_s, out_mb);
  std::printf("  peak RSS: %.1f MiB for %zu rows vs %.1f MiB for %zu rows = %.2fx (target <= 1.2x: %s)\n", peak_big,
              rows, peak_small, rows / 10, peak_big / peak_small, peak_big <= 1.2 * peak_small ? "met" : "NOT met");

  const std::string peer = run_capture("/usr/bin/python3 " + (here / "assess_peer.py").string() + " " + csv + " " +
                                       model + " " + (dir / "peer.jsonl").string() + " 2>&1");
  fs::remove(dir / "peer.jsonl");
  try {
    const auto j = nlohmann::json::parse(peer);
    const double s = j["seconds"];
    std::printf("  pandas + scikit-learn  %8.2f s  (read %.2f, score %.2f, rules %.2f, write %.2f)  ratio %.1fx (target >= 20x: %s)\n",
                s, j["read_s"].get<double>(), j["score_s"].get<double>(), j["rules_s"].get<double>(),
                j["write_s"].get<double>(), s / e2e_s, s / e2e_s >= 20 ? "met" : "NOT met");
  } catch (const std::exception&) {
    std::printf("  pandas + scikit-learn peer did not run: %s\n", peer.substr(0, 300).c_str());
  }
  if (!jre_dir.empty()) {
    const std::string out = run_capture("node " + (here / "assess_peer_jre.mjs").string() + " " + jre_dir + " " +
                                        csv_small + " 20000 2>&1");
    try {
      const auto j = nlohmann::json::parse(out);
      const double rate = j["records_per_s"];
      const double jre_1m = static_cast<double>(rows) / rate;
      std::printf("  json-rules-engine      %8.0f records/s (rules alone, %d records) -> %.1f s for %zu rows; ratio %.1fx (target >= 100x: %s)\n",
                  rate, j["records"].get<int>(), jre_1m, rows, jre_1m / e2e_s, jre_1m / e2e_s >= 100 ? "met" : "NOT met");
    } catch (const std::exception&) {
      std::printf("  json-rules-engine peer did not run: %s\n", out.substr(0, 300).c_str());
    }
  }
  std::printf("\n(checksums: %zu flags interpreted, %zu hand-written, level sum %.0f)\n", fired, hand_flags, level_sum);
  fs::remove_all(dir);
  return 0;
}
