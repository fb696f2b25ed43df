// skon monitor — whether a purpose's model still describes a newer cohort (drift against the
// distributions the model file recorded at training, and, with outcomes, its quality and group
// gaps against the purpose's gates), and with --audit how the reviews go. Exit 1 when anything
// breached, so a scheduler knows; the engine's monitor does the work.

#include <cstdio>
#include <memory>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/audit/review_statistics.hpp"
#include "skon/base/errors.hpp"
#include "skon/documents/monitor_document.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct MonitorOptions {
  std::vector<std::string> rules;
  std::string purpose;
  std::string model;
  std::string data;
  std::string target = "outcome";
  std::vector<std::string> by;
  std::string audit;
  std::string format = "text";
  std::string output = "-";
  DataOptions data_options;
};

int run_monitor(const MonitorOptions& opt) {
  const engine::LoadedPurpose loaded = load_purpose(opt.rules, opt.purpose, opt.model, "monitored");
  const auto& program = loaded.program;
  const dsl::Index purpose = loaded.purpose;
  const models::LogisticModel& model = *loaded.model;
  const std::string& model_sha = loaded.model_sha256;
  engine::MonitorRequest request;
  request.data = opt.data;
  request.read = opt.data_options.to_read_options(opt.data + ".rejects.csv");
  request.target = opt.target;
  request.by = opt.by;
  if (!opt.audit.empty()) {
    const auto log = engine::AuditLog::open(opt.audit, /*create=*/false);
    request.human = engine::review_statistics(*log, *program, purpose, utc_timestamp());
  }
  const engine::MonitorResult result =
      engine::monitor(*program, purpose, model, model_sha, request);
  write_text_output(opt.output, opt.format == "json" ? engine::monitor_json(result)
                                                     : engine::monitor_text(result));
  return result.breaches.empty() ? kExitOk : kExitFindings;
}

}  // namespace

void setup_monitor(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<MonitorOptions>();
  CLI::App* sub =
      app.add_subcommand("monitor", "drift, calibration and group gaps on a newer cohort");
  sub->add_option("--rules", opt->rules, "rule files or directories")->required();
  sub->add_option("--purpose", opt->purpose, "the purpose whose gates apply")->required();
  sub->add_option("--model", opt->model,
                  "the model file (1.1 or later: it records its training "
                  "distributions)")
      ->required();
  sub->add_option("--data", opt->data, "the newer cohort (CSV or JSON Lines); outcomes optional")
      ->required();
  sub->add_option("--target", opt->target, "column holding the outcome, when known")
      ->capture_default_str();
  sub->add_option("--by", opt->by, "group fields for the gaps (the purpose's gates' always)")
      ->delimiter(',');
  sub->add_option("--audit", opt->audit,
                  "the audit log: how professionals decided per level and how long reviews wait");
  sub->add_option("--format", opt->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_option("-o,--output", opt->output, "where to write it (default: standard output)");
  opt->data_options.add_to(*sub);
  sub->footer(
      "Exit 1 when something breached: a feature's or the probabilities' PSI at 0.25 or more "
      "beyond chance, a field's share missing moved 5 points beyond chance, calibration in the "
      "large off by 5 points beyond chance, or a purpose's gate no longer holding.");
  sub->callback([opt, &table] { table.selected = [opt] { return run_monitor(*opt); }; });
}

}  // namespace skon::cli
