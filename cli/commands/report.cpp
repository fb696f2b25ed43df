// skon report — one self-contained HTML file (or its figures as JSON) from a run's assessments,
// the rules and model they were made with, and optionally the model measured on a later cohort
// with outcomes. The engine's report builds it; this file parses and presents.

#include "skon/documents/report.hpp"

#include <memory>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/base/errors.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct ReportOptions {
  std::vector<std::string> rules;
  std::string model;
  std::string assessments;
  std::string evaluate_on;
  std::string history;
  std::string target = "outcome";
  std::vector<std::string> by;
  std::size_t cards = 60;
  std::string lang = "da";
  std::string format;  // html or json; default from the output's extension
  std::string output;
  DataOptions data_options;
};

int run_report(const ReportOptions& opt) {
  const bool json =
      opt.format == "json" || (opt.format.empty() && opt.output.size() > 5 &&
                               opt.output.compare(opt.output.size() - 5, 5, ".json") == 0);
  const auto program = load_checked_rules(opt.rules, "reported");
  std::unique_ptr<models::LogisticModel> model;
  std::string model_sha;
  if (!opt.model.empty()) {
    model = std::make_unique<models::LogisticModel>(models::load_model(opt.model, &model_sha));
  }
  engine::ReportRequest request;
  request.assessments = opt.assessments;
  request.evaluate_on = opt.evaluate_on;
  request.history = opt.history;
  request.read = opt.data_options.to_read_options(opt.evaluate_on + ".rejects.csv");
  request.target = opt.target;
  request.by = opt.by;
  request.cards = opt.cards;
  request.language = *engine::parse_language(opt.lang);  // da or en (checked by CLI11)
  const engine::ReportInputs in = engine::prepare_report(*program, model.get(), model_sha, request);
  write_text_output(opt.output, json ? engine::report_json(in)
                                     : engine::render_html(engine::report_document(in)));
  return kExitOk;
}

}  // namespace

void setup_report(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<ReportOptions>();
  CLI::App* sub =
      app.add_subcommand("report", "self-contained HTML report with plots and explanation cards");
  sub->add_option("--assessments", opt->assessments,
                  "the run's assessments (JSON Lines from skon assess; its .run.json beside it)")
      ->required();
  sub->add_option("--rules", opt->rules, "the rule files the run used")->required();
  sub->add_option("--model", opt->model, "the model file the run used");
  sub->add_option("--evaluate-on", opt->evaluate_on,
                  "a later cohort with outcomes: the model's curves, calibration and group gaps "
                  "measured on it");
  sub->add_option("--history", opt->history,
                  "historical data with outcomes: adds the patterns section (as skon patterns)");
  sub->add_option("--target", opt->target, "column holding the outcome (with --evaluate-on)")
      ->capture_default_str();
  sub->add_option("--by", opt->by, "group fields for the fairness section (with --evaluate-on)")
      ->delimiter(',');
  sub->add_option("--cards", opt->cards, "explanation cards to include (a sample)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  sub->add_option("--lang", opt->lang, "da (default) or en")->check(CLI::IsMember({"da", "en"}));
  sub->add_option("--format", opt->format, "html or json (default: from the file's extension)")
      ->check(CLI::IsMember({"html", "json"}));
  sub->add_option("-o,--output", opt->output, "the report (.html or .json; - for stdout)")
      ->required();
  opt->data_options.add_to(*sub);
  sub->callback([opt, &table] { table.selected = [opt] { return run_report(*opt); }; });
}

}  // namespace skon::cli
