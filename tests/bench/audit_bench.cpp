// The audit log's cost on `skon assess`: the same 1,000,000-row run through the engine's run API
// (what `skon assess` runs), to a JSON Lines file, without and with the audit log — one row per
// assessment, chained, in batched transactions. Target: logging adds <= 30 %. Best of three each.
//
//   build/release/tests/bench/bench_audit --skon build/release/cli/skon [--rows N]

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bench_util.hpp"
#include "skon/dsl/date.hpp"
#include "skon/dsl/program.hpp"
#include "skon/engine/audit_log.hpp"
#include "skon/engine/run.hpp"
#include "skon/engine/sink.hpp"
#include "skon/models/record_source.hpp"
#include "skon/models/sha256.hpp"

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
  const fs::path dir =
      fs::temp_directory_path() / ("skon_bench_audit_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string history = (dir / "history.csv").string(), csv = (dir / "current.csv").string(),
                    model_path = (dir / "m.json").string();
  bench::run_child({skon, "-q", "generate", "--rows", "100000", "--seed", "1", "-o", history});
  bench::run_child({skon, "-q", "generate", "--rows", std::to_string(rows), "--seed", "2",
                    "--current", "-o", csv});
  bench::run_child({skon, "-q", "train", "--rules", rules, "--purpose", "early_warning", "--data",
                    history, "-o", model_path});

  dsl::DiagnosticBag bag;
  auto program = dsl::load_program({rules}, bag);
  dsl::check_program(*program, bag);
  std::string model_sha;
  const models::LogisticModel model = models::load_model(model_path, &model_sha);
  const std::string input_sha = models::sha256_file_hex(csv);

  const auto once = [&](bool logged) {
    engine::RunInputs in;
    in.program = program.get();
    in.purpose = program->find_purpose("early_warning");
    in.model = &model;
    in.model_sha256 = model_sha;
    engine::RunOptions options;
    options.assessment_date = static_cast<std::int32_t>(std::time(nullptr) / 86400);
    // Within the shipped purpose's approved period, as the demo does once it has passed.
    options.assessment_date = std::min(options.assessment_date, *dsl::parse_iso_date("2029-07-31"));
    options.id_key = "a benchmark key, 0123456789abcdef";
    dsl::DiagnosticBag b;
    auto run = engine::Run::prepare(in, options, b);
    if (!run) {
      std::fprintf(stderr, "the purpose may not be assessed\n");
      std::exit(1);
    }
    const fs::path out = dir / "a.jsonl", log_path = dir / "audit.sqlite";
    std::unique_ptr<engine::AuditLog> log;
    ::sync();
    const auto t0 = std::chrono::steady_clock::now();
    if (logged) {
      log = engine::AuditLog::open(log_path.string(), true);
      run->set_audit(log.get());
    }
    models::CohortReader source(csv, run->columns("id"), {});
    auto sink =
        engine::jsonl_file_sink(out.string(), engine::default_manifest_path(out.string()), 5);
    run->execute(source, input_sha, *sink);
    log.reset();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double log_mb = logged ? static_cast<double>(fs::file_size(log_path)) / 1e6 : 0.0;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(log_path.string() + suffix);
    fs::remove(out);
    fs::remove(out.string() + ".run.json");
    return std::pair{s, log_mb};
  };
  double plain = 1e9, logged = 1e9, mb = 0;
  std::printf("runs (s):");
  for (int k = 0; k < 3; ++k) {
    const double p = once(false).first;
    const auto [l, size] = once(true);
    plain = std::min(plain, p);
    logged = std::min(logged, l);
    mb = size;
    std::printf("  %.2f / %.2f", p, l);
  }
  std::printf(
      "\n%zu assessments to JSON Lines: %.2f s without the audit log, %.2f s with it "
      "(%.0f MB log)\n",
      rows, plain, logged, mb);
  const double overhead = logged / plain - 1;
  std::printf("audit log overhead: +%.0f %%  (target <= 30 %%: %s)\n", 100 * overhead,
              overhead <= 0.30 ? "met" : "NOT met");
  fs::remove_all(dir);
  return 0;
}
