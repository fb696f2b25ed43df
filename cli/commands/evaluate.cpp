// skon evaluate --model MODEL --data FILE — metrics, calibration and group gaps on a cohort.
// skon evaluate --rules R --purpose P --data FILE — the same for a purpose's `score from` field,
// and whether it meets the purpose's quality gates (exit 1 when not).

#include "skon/models/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include "command.hpp"
#include "data_options.hpp"
#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/predictions.hpp"
#include "skon/documents/evaluation_document.hpp"
#include "skon/models/model.hpp"

namespace skon::cli {
namespace {

struct EvaluateOptions {
  std::string model;
  std::vector<std::string> rules;
  std::string purpose;
  std::string data;
  std::string target = "outcome";
  std::string positive;
  std::vector<std::string> by;
  double capacity_pct = 10;
  double threshold = -1;  // < 0: not asked for
  bool json = false;
  DataOptions data_options;
  // Per-row predictions for analysts who continue in R or Python.
  std::string predictions;
  RunArguments ids;  // only its id column, key file and --reveal-ids are used
};

// What is measured: a model file, or a purpose's score read from the data.
struct Subject {
  std::unique_ptr<models::LogisticModel> model;
  std::string model_sha;
  std::unique_ptr<dsl::Program> program;
  dsl::Index purpose = dsl::kNone;
  std::string name() const { return model ? model->purpose : program->purposes[purpose].name; }
};

Subject load_subject(const EvaluateOptions& opt) {
  Subject s;
  if (!opt.model.empty()) {
    if (!opt.rules.empty() || !opt.purpose.empty()) {
      throw base::UsageError(
          "give --model, or --rules and --purpose for a purpose's score, "
          "not both");
    }
    s.model = std::make_unique<models::LogisticModel>(models::load_model(opt.model, &s.model_sha));
    return s;
  }
  if (opt.rules.empty() || opt.purpose.empty()) {
    throw base::UsageError(
        "give --model MODEL, or --rules RULES --purpose PURPOSE for a "
        "purpose that takes its score from the data");
  }
  s.program = load_checked_rules(opt.rules, "evaluated");
  s.purpose = find_purpose(*s.program, opt.purpose);
  const dsl::PurposeInfo& p = s.program->purposes[s.purpose];
  if (p.score_field == dsl::kNone) {
    throw base::UsageError("purpose '" + p.name + "' does not take its score from the data" +
                           (p.features.empty() ? std::string(" (it has no score at all)")
                                               : "; evaluate its model with --model"));
  }
  return s;
}

// The gate findings on standard error; exit 1 when a gate is not met. `summary`: one line on
// standard output too (the text report).
int report_gates(const Subject& subject, const dsl::DiagnosticBag& gates, bool summary) {
  if (subject.model) return kExitOk;
  const std::size_t count = subject.program->purposes[subject.purpose].gates.size();
  print_diagnostics(gates, subject.program->sources, DiagnosticOutput{}, stderr);
  if (summary) {
    std::printf("\n  quality gates: %s\n",
                count == 0 ? "the purpose sets none"
                : gates.has_errors()
                    ? (std::to_string(gates.error_count()) + " of " + std::to_string(count) +
                       " not met: the score may not be used for this purpose")
                          .c_str()
                    : ("all " + std::to_string(count) + " met").c_str());
  }
  return gates.has_errors() ? kExitFindings : kExitOk;
}

int run_evaluate(const EvaluateOptions& opt) {
  const Subject subject = load_subject(opt);
  models::EvaluationSpec spec;
  spec.data_path = opt.data;
  spec.read = opt.data_options.to_read_options(opt.data + ".rejects.csv");
  spec.target = opt.target;
  spec.positive = opt.positive;
  spec.by = opt.by;
  spec.capacity = opt.capacity_pct / 100;
  if (opt.threshold >= 0) spec.threshold = opt.threshold;
  std::unique_ptr<engine::PredictionsFile> predictions;
  if (!opt.predictions.empty()) {
    spec.id_column = opt.ids.id_column;
    predictions = std::make_unique<engine::PredictionsFile>(
        opt.predictions, opt.ids.reveal_ids ? std::string() : read_key(opt.ids));
    spec.prediction = [&](std::string_view id, double p, double y) { predictions->add(id, p, y); };
  }
  const dsl::Index score_field =
      subject.model ? dsl::kNone : subject.program->purposes[subject.purpose].score_field;
  const models::Evaluation e =
      subject.model
          ? models::evaluate_model(*subject.model, spec)
          : models::evaluate_score(engine::column_spec(*subject.program, score_field), spec);
  // A score purpose's quality gates are checked here, on data with outcomes: a score that does
  // not meet them may not be used (exit 1, the findings on standard error).
  if (predictions) predictions->commit();
  dsl::DiagnosticBag gates;
  if (!subject.model) {
    engine::check_quality_gates(*subject.program, subject.purpose, e.metrics,
                                engine::GateSubject::Score, gates);
  }
  engine::EvaluationHeading h;
  if (subject.model) {
    h.model = opt.model;
    h.model_sha256 = subject.model_sha;
  } else {
    h.score_field = subject.program->fields[score_field].name;
    h.gates = subject.program->purposes[subject.purpose].gates.size();
    h.gates_failed = gates.error_count();
  }
  h.purpose = subject.name();
  h.data = opt.data;
  h.capacity_pct = opt.capacity_pct;
  h.threshold = opt.threshold;
  if (opt.json) {
    std::fputs(engine::evaluation_json(h, e).c_str(), stdout);
    return report_gates(subject, gates, false);
  }
  std::fputs(engine::evaluation_text(h, e).c_str(), stdout);
  return report_gates(subject, gates, true);
}

}  // namespace

void setup_evaluate(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<EvaluateOptions>();
  CLI::App* sub =
      app.add_subcommand("evaluate", "metrics, calibration and group gaps of a model on a cohort");
  sub->add_option("--model", opt->model, "model file");
  sub->add_option("--rules", opt->rules,
                  "rule files, for a purpose that takes its score from the data (with --purpose)");
  sub->add_option("--purpose", opt->purpose,
                  "the purpose whose `score from` field is evaluated against its quality gates");
  sub->add_option("--data", opt->data, "cohort with outcomes (CSV or JSON Lines)")->required();
  sub->add_option("--target", opt->target, "column holding the outcome")->capture_default_str();
  sub->add_option("--positive", opt->positive,
                  "outcome value that counts as positive (default: 1/true)");
  sub->add_option("--by", opt->by, "columns to report group metrics and gaps for")->delimiter(',');
  sub->add_option("--capacity", opt->capacity_pct, "percent a municipality can follow up on")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  sub->add_option("--threshold", opt->threshold,
                  "also show the confusion matrix at this probability")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_flag("--json", opt->json, "machine-readable output");
  sub->add_option("--predictions", opt->predictions,
                  "also write each row's id, probability and outcome to this CSV file");
  sub->add_option("--id-column", opt->ids.id_column, "the id column (for --predictions)")
      ->capture_default_str();
  sub->add_option("--id-key-file", opt->ids.id_key_file,
                  "the pseudonym key for --predictions (or SKON_ID_KEY)");
  sub->add_flag("--reveal-ids", opt->ids.reveal_ids,
                "--predictions with the raw ids instead of pseudonyms");
  opt->data_options.add_to(*sub);
  sub->callback([opt, &table] { table.selected = [opt] { return run_evaluate(*opt); }; });
}

}  // namespace skon::cli
