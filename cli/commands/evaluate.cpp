// skon evaluate --model MODEL --data FILE — metrics, calibration and group gaps on a cohort.
// skon evaluate --rules R --purpose P --data FILE — the same for a purpose's `score from` field,
// and whether it meets the purpose's quality gates (exit 1 when not).

#include "skon/models/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "command.hpp"
#include "data_options.hpp"
#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/predictions.hpp"
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

std::string num(double v, int digits = 3) {
  if (std::isnan(v)) return "–";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

nlohmann::ordered_json null_or(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

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
  const models::ModelMetrics& m = e.metrics;
  const models::Confusion& c = e.at_capacity;
  const std::optional<models::Confusion>& at_threshold = e.at_threshold;
  const std::size_t rows = e.rows, skipped = e.without_outcome;

  if (opt.json) {
    nlohmann::ordered_json j;
    if (subject.model) {
      j["model"] = opt.model;
      j["model_sha256"] = subject.model_sha;
    } else {
      j["purpose"] = subject.name();
      j["score_from"] = subject.program->fields[score_field].name;
      j["rows_without_score"] = e.without_score;
      j["gates"] = {{"count", subject.program->purposes[subject.purpose].gates.size()},
                    {"failed", gates.error_count()}};
    }
    j["data"] = opt.data;
    j["rows"] = rows;
    j["rows_without_outcome"] = skipped;
    j["rows_rejected"] = e.rejected;
    j["auc"] = null_or(m.auc);
    j["auc_ci95"] = {null_or(m.auc_ci_low), null_or(m.auc_ci_high)};
    j["pr_auc"] = null_or(m.pr_auc);
    j["brier"] = m.brier;
    j["log_loss"] = m.log_loss;
    j["calibration_error"] = m.calibration_error;
    j["capacity"] = {{"share", m.capacity},
                     {"threshold", m.capacity_threshold},
                     {"precision", null_or(m.capacity_precision)},
                     {"recall", null_or(m.capacity_recall)},
                     {"flag_rate", null_or(m.capacity_flag_rate)},
                     {"confusion", {{"tp", c.tp}, {"fp", c.fp}, {"tn", c.tn}, {"fn", c.fn}}}};
    if (at_threshold) {
      const auto& t = *at_threshold;
      j["threshold"] = {{"probability", opt.threshold},
                        {"precision", null_or(t.precision())},
                        {"recall", null_or(t.recall())},
                        {"fpr", null_or(t.fpr())},
                        {"flag_rate", null_or(t.flag_rate())},
                        {"confusion", {{"tp", t.tp}, {"fp", t.fp}, {"tn", t.tn}, {"fn", t.fn}}}};
    }
    j["reliability"] = nlohmann::ordered_json::array();
    for (const auto& b : m.reliability) {
      j["reliability"].push_back({{"low", b.low},
                                  {"high", b.high},
                                  {"count", b.count},
                                  {"mean_predicted", b.mean_predicted},
                                  {"observed_rate", b.observed_rate}});
    }
    j["groups"] = nlohmann::ordered_json::array();
    for (const auto& g : m.groups) {
      nlohmann::ordered_json gj;
      gj["field"] = g.field;
      gj["largest_gap"] = {{"flag_rate", g.gap_flag_rate},
                           {"tpr", g.gap_tpr},
                           {"fpr", g.gap_fpr},
                           {"calibration", g.gap_calibration},
                           {"auc", g.gap_auc}};
      gj["groups"] = nlohmann::ordered_json::array();
      for (const auto& x : g.groups) {
        gj["groups"].push_back({{"group", x.group},
                                {"count", x.count},
                                {"base_rate", null_or(x.base_rate)},
                                {"mean_predicted", null_or(x.mean_predicted)},
                                {"auc", null_or(x.auc)},
                                {"flag_rate", null_or(x.flag_rate)},
                                {"tpr", null_or(x.tpr)},
                                {"fpr", null_or(x.fpr)}});
      }
      j["groups"].push_back(std::move(gj));
    }
    std::printf("%s\n", j.dump(2).c_str());
    return report_gates(subject, gates, false);
  }
  if (subject.model) {
    std::printf("model  %s (purpose %s, sha256 %.12s…)\n", opt.model.c_str(),
                subject.name().c_str(), subject.model_sha.c_str());
  } else {
    std::printf("score  field %s of purpose %s%s\n",
                subject.program->fields[score_field].name.c_str(), subject.name().c_str(),
                e.without_score ? (", " + std::to_string(e.without_score) +
                                   (e.without_score == 1 ? " row" : " rows") +
                                   " with an outcome but no score left out")
                                      .c_str()
                                : "");
  }
  std::printf("data   %s: %zu rows with an outcome (%.1f %% positive)%s\n\n", opt.data.c_str(),
              rows, 100.0 * static_cast<double>(c.tp + c.fn) / static_cast<double>(rows),
              skipped ? (", " + std::to_string(skipped) + " without").c_str() : "");
  std::printf("  ROC AUC             %s  (95 %% DeLong %s–%s)\n", num(m.auc).c_str(),
              num(m.auc_ci_low).c_str(), num(m.auc_ci_high).c_str());
  std::printf("  PR AUC              %s\n", num(m.pr_auc).c_str());
  std::printf("  Brier score         %s\n", num(m.brier, 4).c_str());
  std::printf("  log loss            %s\n", num(m.log_loss, 4).c_str());
  std::printf("  calibration error   %s\n\n", num(m.calibration_error, 4).c_str());
  std::printf("  capacity: the top %.0f %% (%zu of %zu) flagged, threshold %s\n", opt.capacity_pct,
              c.tp + c.fp, rows, num(m.capacity_threshold).c_str());
  std::printf("    precision %s   recall %s   false-positive rate %s\n", num(c.precision()).c_str(),
              num(c.recall()).c_str(), num(c.fpr()).c_str());
  std::printf("    confusion: %zu TP, %zu FP, %zu FN, %zu TN\n\n", c.tp, c.fp, c.fn, c.tn);
  if (at_threshold) {
    const auto& t = *at_threshold;
    std::printf("  threshold %.3f: %zu flagged (%.1f %%)\n", opt.threshold, t.tp + t.fp,
                100 * t.flag_rate());
    std::printf("    precision %s   recall %s   false-positive rate %s\n",
                num(t.precision()).c_str(), num(t.recall()).c_str(), num(t.fpr()).c_str());
    std::printf("    confusion: %zu TP, %zu FP, %zu FN, %zu TN\n\n", t.tp, t.fp, t.fn, t.tn);
  }
  std::printf("  reliability      rows  predicted  observed\n");
  for (const auto& b : m.reliability) {
    if (b.count == 0) continue;
    std::printf("    %.1f–%.1f  %8zu  %9s  %8s\n", b.low, b.high, b.count,
                num(b.mean_predicted).c_str(), num(b.observed_rate).c_str());
  }
  for (const auto& g : m.groups) {
    std::printf("\n  by %s            rows  outcome  predicted    AUC  flagged    TPR    FPR\n",
                g.field.c_str());
    for (const auto& x : g.groups) {
      std::printf("    %-14s %8zu  %7s  %9s  %5s  %7s  %5s  %5s\n", x.group.c_str(), x.count,
                  num(x.base_rate).c_str(), num(x.mean_predicted).c_str(), num(x.auc).c_str(),
                  num(x.flag_rate).c_str(), num(x.tpr).c_str(), num(x.fpr).c_str());
    }
    std::printf("    largest gap: flag rate %s, TPR %s, FPR %s, calibration %s\n",
                num(g.gap_flag_rate).c_str(), num(g.gap_tpr).c_str(), num(g.gap_fpr).c_str(),
                num(g.gap_calibration).c_str());
  }
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
