// skon patterns — the data patterns in historical data for every field a purpose could use (also
// those of sources it may not use, marked so): prevalence, outcome rates, odds ratios with their
// intervals, missingness and whether it goes with the outcome, correlations. The engine's
// patterns does the work; this file parses and presents.

#include <memory>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/documents/patterns_document.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct PatternsOptions {
  std::vector<std::string> rules;
  std::string purpose;
  std::string data;
  std::string target = "outcome";
  std::string format = "text";
  std::string output = "-";
  DataOptions data_options;
};

int run_patterns(const PatternsOptions& opt) {
  const engine::LoadedPurpose loaded = load_purpose(opt.rules, opt.purpose, "", "examined");
  const auto& program = loaded.program;
  const dsl::Index purpose = loaded.purpose;
  engine::PatternsRequest request;
  request.data = opt.data;
  request.read = opt.data_options.to_read_options(opt.data + ".rejects.csv");
  request.target = opt.target;
  const engine::PatternsResult result = engine::find_patterns(*program, purpose, request);
  write_text_output(opt.output, opt.format == "json" ? engine::patterns_json(result)
                                                     : engine::patterns_text(result));
  return kExitOk;
}

}  // namespace

void setup_patterns(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<PatternsOptions>();
  CLI::App* sub = app.add_subcommand(
      "patterns", "data patterns in historical data for every field a purpose could use");
  sub->add_option("--rules", opt->rules, "rule files or directories")->required();
  sub->add_option("--purpose", opt->purpose, "the purpose whose use of each field is marked")
      ->required();
  sub->add_option("--data", opt->data, "history with outcomes (CSV or JSON Lines)")->required();
  sub->add_option("--target", opt->target, "column holding the outcome")->capture_default_str();
  sub->add_option("--format", opt->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_option("-o,--output", opt->output, "where to write it (default: standard output)");
  opt->data_options.add_to(*sub);
  sub->callback([opt, &table] { table.selected = [opt] { return run_patterns(*opt); }; });
}

}  // namespace skon::cli
