// skon assess --rules DIR --purpose P --model MODEL --data FILE -o OUT — one explained
// assessment per person, through the engine's run; refuses to run when the purpose's constraints
// are broken.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "audit_options.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "file_checks.hpp"
#include "run_inputs.hpp"
#include "skon/audit/audit_journal.hpp"
#include "skon/base/atomic_file.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/sink.hpp"

namespace skon::cli {
namespace {

struct AssessOptions {
  RunArguments args;
  std::string data;
  std::string output;
  std::string manifest;
  std::string format = "jsonl";
  std::size_t top = 5;
  AuditOption audit;
  std::string operator_name;
};

int run_assess(const AssessOptions& opt) {
  const std::string manifest =
      opt.manifest.empty() ? engine::default_manifest_path(opt.output) : opt.manifest;
  std::vector<std::string> inputs = rule_file_paths(opt.args.rules);
  for (const std::string& f :
       {opt.data, opt.args.model, opt.args.id_key_file, opt.args.data_options.mapping}) {
    inputs.push_back(f);
  }
  const std::string audit_path = opt.audit.resolve(opt.output);
  refuse_output_over_input({opt.output, manifest}, inputs);
  refuse_output_over_input({audit_path}, inputs);
  if (audit_path == opt.output || audit_path == manifest) {
    throw base::UsageError("--audit " + audit_path + " is the output itself; give another file");
  }
  warn_about_stale_temporaries(opt.output);
  engine::RunOptions options;
  options.top = opt.top;
  options.read_options = opt.args.data_options.recorded();
  LoadedRun loaded = load_run(opt.args, options, /*with_key=*/true, /*key_even_if_revealed=*/true);
  // Opened once the rules, model and constraints hold (a refused run is not a run) and the
  // output's folder is known to be writable (the output's own error is the one to see).
  // (A stream, a FIFO or a device is opened only when the run writes.)
  std::error_code ec;
  if (opt.output != "-" && (!std::filesystem::exists(opt.output, ec) ||
                            std::filesystem::is_regular_file(opt.output, ec))) {
    base::AtomicFile probe(opt.output);  // its temporary file made and removed at once
  }
  const auto audit = engine::AuditLog::open(audit_path, /*create=*/true);
  engine::AuditJournal journal(
      *audit, {opt.operator_name.empty() ? engine::current_os_user() : opt.operator_name,
               engine::current_os_user()});
  loaded.run->set_journal(&journal);  // refuses what the purpose's approvers have not approved

  const models::ReadOptions read = opt.args.data_options.to_read_options(
      opt.output == "-" ? "rejects.csv" : opt.output + ".rejects.csv");
  std::unique_ptr<engine::AssessmentSink> sink =
      opt.format == "csv" ? engine::csv_file_sink(opt.output, manifest)
                          : engine::jsonl_file_sink(opt.output, manifest, opt.top);

  const bool progress = ::isatty(2) && spdlog::get_level() <= spdlog::level::info;
  const auto t0 = std::chrono::steady_clock::now();
  const engine::RunManifest m = engine::assess_cohort(
      *loaded.run, opt.data, read, opt.args.id_column, *sink, [&](const engine::RunProgress& p) {
        if (progress) {
          std::fprintf(stderr, "\rskon assess: %zu records, %3.0f %%", p.records, 100 * p.fraction);
        }
      });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress) std::fprintf(stderr, "\r%60s\r", "");
  if (spdlog::get_level() <= spdlog::level::info) {
    const auto& c = m.counts;
    std::fprintf(stderr,
                 "skon assess: %zu records: %zu assessed, %zu insufficient data, %zu review "
                 "required, %zu rejected; %.2f s -> %s (run %s%s%s)\n",
                 c.records + c.rejected, c.assessed, c.insufficient_data, c.review_required,
                 c.rejected, seconds, opt.output == "-" ? "standard output" : opt.output.c_str(),
                 m.run_id.c_str(), manifest.empty() ? "" : ", manifest ", manifest.c_str());
    std::fprintf(stderr, "skon assess: logged in %s\n", audit_path.c_str());
    if (manifest.empty()) {
      std::fprintf(stderr, "skon assess: the run's manifest was not kept (give --manifest FILE)\n");
    }
  }
  return kExitOk;
}

}  // namespace

void setup_assess(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<AssessOptions>();
  CLI::App* sub = app.add_subcommand("assess", "one explained assessment per person and purpose");
  add_run_arguments(*sub, opt->args);
  sub->add_option("--data", opt->data, "the cohort to assess (CSV or JSON Lines)")->required();
  sub->add_option("-o,--output", opt->output,
                  "assessments to write, atomically (- for standard output)")
      ->required();
  sub->add_option("--manifest", opt->manifest,
                  "where the run's manifest goes (default: OUTPUT.run.json)");
  sub->add_option("--format", opt->format, "jsonl (full records) or csv (flat summary)")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  sub->add_option("--top", opt->top, "contributions listed per record")->capture_default_str();
  opt->audit.add_to(*sub);
  sub->add_option("--operator", opt->operator_name,
                  "who runs the assessment, as the audit log records it (default: the OS user)");
  sub->footer(
      "Exit codes: 0 ok, 2 usage, 3 bad rules, model or data, broken constraints, or an output "
      "that cannot be written (nothing is written then).");
  sub->callback([opt, &table] { table.selected = [opt] { return run_assess(*opt); }; });
}

}  // namespace skon::cli
