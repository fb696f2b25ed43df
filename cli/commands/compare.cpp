// skon compare — purposes (scenarios) trained on the same history and measured on the same later
// cohort, side by side: quality with its uncertainty against the ethical and legal cost; with
// --ablate what each source adds; with --paper the decision paper. The engine's compare does the
// work; this file parses and presents.

#include <memory>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/version.hpp"
#include "skon/documents/compare_document.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct CompareOptions {
  std::vector<std::string> rules;
  std::vector<std::string> purposes;
  std::string data;
  std::string holdout;
  std::string target = "outcome";
  std::vector<std::string> by;
  double capacity_pct = 10;
  bool ablate = false;
  std::string format = "text";
  std::string output = "-";
  std::string paper;
  std::string lang = "da";
  DataOptions data_options;
};

int run_compare(const CompareOptions& opt) {
  refuse_stream_data(opt.data);
  const auto program = load_checked_rules(opt.rules, "compared");
  for (const auto& p : opt.purposes) find_purpose(*program, p);  // the closest name when unknown
  engine::CompareRequest request;
  request.purposes = opt.purposes;
  request.history = opt.data;
  request.holdout = opt.holdout;
  request.read = opt.data_options.to_read_options(opt.data + ".rejects.csv");
  request.target = opt.target;
  request.by = opt.by;
  request.capacity = opt.capacity_pct / 100;
  request.ablate = opt.ablate;
  request.created = utc_timestamp();
  request.tool_version = std::string(engine::version());
  const engine::CompareResult result = engine::compare(*program, request);
  if (!opt.paper.empty()) {
    write_text_output(opt.paper, engine::render_html(engine::decision_paper(
                                     *program, result, *engine::parse_language(opt.lang))));
  }
  write_text_output(opt.output, opt.format == "json" ? engine::compare_json(result)
                                                     : engine::compare_text(result));
  return kExitOk;
}

}  // namespace

void setup_compare(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<CompareOptions>();
  CLI::App* sub = app.add_subcommand(
      "compare", "purposes and scenarios side by side: quality vs. ethical cost");
  sub->add_option("--rules", opt->rules, "rule files or directories")->required();
  sub->add_option("--purpose", opt->purposes,
                  "the purposes (scenarios) to compare, the first the "
                  "baseline")
      ->required()
      ->expected(1, -1);
  sub->add_option("--data", opt->data, "history with outcomes and cohort years (trains each)")
      ->required();
  sub->add_option("--holdout", opt->holdout,
                  "a later cohort with outcomes: every scenario measured on the same rows");
  sub->add_option("--target", opt->target, "column holding the outcome")->capture_default_str();
  sub->add_option("--by", opt->by, "group fields for the gaps (the purposes' gates' always)")
      ->delimiter(',');
  sub->add_option("--capacity", opt->capacity_pct, "percent a municipality can follow up on")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  sub->add_flag("--ablate", opt->ablate,
                "per source: what the scenario loses without it (needs --holdout)");
  sub->add_option("--format", opt->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_option("-o,--output", opt->output, "where to write the table (default: stdout)");
  sub->add_option("--paper", opt->paper, "also write the decision paper (self-contained HTML)");
  sub->add_option("--lang", opt->lang, "the paper's language: da (default) or en")
      ->check(CLI::IsMember({"da", "en"}));
  opt->data_options.add_to(*sub);
  sub->callback([opt, &table] { table.selected = [opt] { return run_compare(*opt); }; });
}

}  // namespace skon::cli
