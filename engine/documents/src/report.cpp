// `skon report`: the figures as JSON first, then the document drawn from exactly those values —
// so a number in the HTML is the JSON's number, and the browser test can hold them side by side.

#include "skon/documents/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "json_values.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/provenance.hpp"
#include "skon/models/metrics.hpp"

namespace skon::engine {

namespace {

using Json = nlohmann::ordered_json;

Json null_or(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

double share(std::size_t k, std::size_t n) {
  return n ? static_cast<double>(k) / static_cast<double>(n) : 0.0;
}

// The model quality section's numbers: from the later cohort when one was given (with curves),
// else the validation the model file records.
Json quality_json(const ReportInputs& in) {
  Json q;
  if (in.evaluation) {
    const models::Evaluation& e = *in.evaluation;
    const models::ModelMetrics& m = e.metrics;
    q["source"] = "evaluation";
    q["data"] = in.evaluation_data;
    q["rows"] = e.rows;
    double positives = 0;
    for (double y : e.labels) positives += y;
    q["base_rate"] = share(static_cast<std::size_t>(positives), e.labels.size());
    q["auc"] = null_or(m.auc);
    q["auc_ci95"] = {null_or(m.auc_ci_low), null_or(m.auc_ci_high)};
    q["pr_auc"] = null_or(m.pr_auc);
    q["brier"] = m.brier;
    q["calibration_error"] = m.calibration_error;
    // ROC with a pointwise 95 % band for the true-positive rate (Wilson), and precision-recall.
    q["roc"] = Json::array();
    q["pr"] = Json::array();
    q["roc"].push_back(
        {{"threshold", 1.0}, {"fpr", 0.0}, {"tpr", 0.0}, {"tpr_low", 0.0}, {"tpr_high", 0.0}});
    for (const auto& p : models::curve_points(e.labels, e.probs, 200)) {
      const auto [lo, hi] =
          models::wilson_interval(static_cast<double>(p.true_positives), positives);
      q["roc"].push_back({{"threshold", p.threshold},
                          {"fpr", p.fpr},
                          {"tpr", p.tpr},
                          {"tpr_low", null_or(lo)},
                          {"tpr_high", null_or(hi)}});
      q["pr"].push_back(
          {{"threshold", p.threshold}, {"recall", p.tpr}, {"precision", p.precision}});
    }
    q["capacity"] = Json::array();
    for (double c : {0.05, 0.10, 0.15, 0.20, 0.30}) {
      double threshold = 0;
      const models::Confusion k = models::confusion_at_capacity(e.labels, e.probs, c, &threshold);
      q["capacity"].push_back({{"share", c},
                               {"threshold", threshold},
                               {"flagged", k.tp + k.fp},
                               {"precision", null_or(k.precision())},
                               {"recall", null_or(k.recall())}});
    }
  } else if (in.model != nullptr) {
    const models::ModelMetrics& m = in.model->metrics;
    q["source"] = "model file";
    q["data"] = m.validation;
    q["rows"] = m.rows;
    q["base_rate"] = in.model->training.base_rate();
    q["auc"] = null_or(m.auc);
    q["auc_ci95"] = {null_or(m.auc_ci_low), null_or(m.auc_ci_high)};
    q["pr_auc"] = null_or(m.pr_auc);
    q["brier"] = m.brier;
    q["calibration_error"] = m.calibration_error;
    q["capacity"] = Json::array({{{"share", m.capacity},
                                  {"threshold", m.capacity_threshold},
                                  {"flagged", nullptr},
                                  {"precision", null_or(m.capacity_precision)},
                                  {"recall", null_or(m.capacity_recall)}}});
  } else {
    return nullptr;
  }
  const models::ModelMetrics& m = in.evaluation ? in.evaluation->metrics : in.model->metrics;
  q["reliability"] = Json::array();
  for (const auto& b : m.reliability) {
    if (b.count == 0) continue;
    const auto [lo, hi] = models::wilson_interval(b.observed_rate * static_cast<double>(b.count),
                                                  static_cast<double>(b.count));
    q["reliability"].push_back({{"low", b.low},
                                {"high", b.high},
                                {"count", b.count},
                                {"mean_predicted", b.mean_predicted},
                                {"observed_rate", b.observed_rate},
                                {"observed_low", lo},
                                {"observed_high", hi}});
  }
  return q;
}

Json fairness_json(const ReportInputs& in) {
  const models::ModelMetrics* m = in.evaluation ? &in.evaluation->metrics
                                  : in.model    ? &in.model->metrics
                                                : nullptr;
  Json out = Json::array();
  if (m == nullptr) return out;
  const dsl::Program& program = *in.program;
  const dsl::PurposeInfo& p = program.purposes[in.purpose];
  for (const auto& g : m->groups) {
    Json j;
    j["field"] = g.field;
    j["groups"] = Json::array();
    for (const auto& x : g.groups) {
      j["groups"].push_back({{"group", x.group},
                             {"count", x.count},
                             {"base_rate", null_or(x.base_rate)},
                             {"mean_predicted", null_or(x.mean_predicted)},
                             {"flag_rate", null_or(x.flag_rate)},
                             {"tpr", null_or(x.tpr)},
                             {"fpr", null_or(x.fpr)}});
    }
    j["gaps"] = {{"flag_rate", g.gap_flag_rate},
                 {"tpr", g.gap_tpr},
                 {"fpr", g.gap_fpr},
                 {"calibration", g.gap_calibration},
                 {"largest", g.largest()}};
    j["sd"] = {{"flag_rate", null_or(g.sd_flag_rate)},
               {"tpr", null_or(g.sd_tpr)},
               {"fpr", null_or(g.sd_fpr)},
               {"calibration", null_or(g.sd_calibration)},
               {"largest", null_or(g.sd_largest)},
               {"resamples", g.resamples}};
    j["gates"] = Json::array();
    for (const dsl::Gate& gate : p.gates) {
      if (gate.metric != "group_gap" || gate.field == dsl::kNone ||
          program.fields[gate.field].name != g.field) {
        continue;
      }
      const GateVerdict v = gate_verdict(program, gate, *m);
      j["gates"].push_back({{"gate", v.name},
                            {"bound", gate.bound},
                            {"confidence", gate.confidence ? Json(*gate.confidence) : Json()},
                            {"value", null_or(v.value)},
                            {"checked", null_or(v.checked)},
                            {"holds", v.holds}});
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

ReportInputs prepare_report(const dsl::Program& program, const models::LogisticModel* model,
                            const std::string& model_sha256, const ReportRequest& request) {
  ReportInputs in;
  in.program = &program;
  in.model = model;
  in.language = request.language;
  const std::string manifest_path = request.assessments + ".run.json";
  std::ifstream m(manifest_path);
  if (!m) {
    throw base::InputError("cannot read the run's manifest '" + manifest_path +
                           "' (`skon assess` writes it beside the assessments)");
  }
  const nlohmann::json manifest = nlohmann::json::parse(m, nullptr, false);
  if (!manifest.is_object() || manifest.value("format", "") != "skon.run") {
    throw base::InputError("'" + manifest_path + "' is not a run manifest of `skon assess`");
  }
  if (manifest.value("output_format", "") != "jsonl") {
    throw base::InputError("'" + request.assessments +
                           "': the report reads assessments as JSON Lines (`skon assess "
                           "--format jsonl`, the default)");
  }
  const std::string purpose = manifest.value("purpose", "");
  in.purpose = program.find_purpose(purpose);
  if (in.purpose == dsl::kNone) {
    throw base::InputError("the assessments are of purpose '" + purpose +
                           "', which the rules given do not have");
  }
  const std::string rules_sha = rules_sha256(program);
  const std::string run_rules = manifest.contains("rules") && manifest["rules"].is_object()
                                    ? manifest["rules"].value("sha256", "")
                                    : std::string();
  if (run_rules != rules_sha) {
    throw base::InputError("the assessments were made with another rule set (sha256 " +
                           run_rules.substr(0, 12) + "…) than the rules given (" +
                           rules_sha.substr(0, 12) +
                           "…): a report describes the rules that were run");
  }
  const nlohmann::json run_model =
      manifest.contains("model") ? manifest["model"] : nlohmann::json();
  const std::string run_model_sha =
      run_model.is_object() ? run_model.value("sha256", "") : std::string();
  in.run.assessment_date = manifest.value("assessment_date", "");
  in.run.replay = manifest.value("replay", false);
  in.run.rules_sha256 = run_rules;
  in.run.model_sha256 = run_model_sha;
  if (run_model.is_object()) {
    in.run.has_model = true;
    in.run.baseline_log_odds = run_model.value("baseline_log_odds", 0.0);
    in.run.base_rate = run_model.value("base_rate", 0.0);
  }
  if (!run_model_sha.empty() && model == nullptr) {
    throw base::UsageError("the assessments were made with a model: give it with --model");
  }
  if (model != nullptr && run_model_sha != model_sha256) {
    throw base::InputError(
        "the assessments were made with another model (sha256 " +
        (run_model_sha.empty() ? std::string("none") : run_model_sha.substr(0, 12) + "…") +
        ") than --model (" + model_sha256.substr(0, 12) + "…)");
  }
  in.assessments = summarize_assessments(request.assessments, program, in.purpose, request.cards);
  if (!request.history.empty()) {
    PatternsRequest patterns;
    patterns.data = request.history;
    patterns.read = request.read;
    patterns.target = request.target;
    in.patterns = find_patterns(program, in.purpose, patterns);
  }
  if (!request.evaluate_on.empty()) {
    if (model == nullptr) {
      throw base::UsageError("--evaluate-on measures the model: the purpose has none");
    }
    models::EvaluationSpec spec;
    spec.data_path = request.evaluate_on;
    spec.read = request.read;
    spec.target = request.target;
    spec.by = request.by;
    // The purpose's group-gap gates are checked in the report: their fields are always measured.
    for (const dsl::Gate& gate : program.purposes[in.purpose].gates) {
      if (gate.metric != "group_gap" || gate.field == dsl::kNone) continue;
      const std::string& name = program.fields[gate.field].name;
      if (std::find(spec.by.begin(), spec.by.end(), name) == spec.by.end()) spec.by.push_back(name);
    }
    spec.keep_scores = true;
    const models::ModelMetrics& trained = model->metrics;
    spec.capacity = trained.capacity > 0 ? trained.capacity : 0.1;
    in.evaluation = models::evaluate_model(*model, spec);
    in.evaluation_data = request.evaluate_on;
  }
  return in;
}

nlohmann::ordered_json report_json_value(const ReportInputs& in) {
  const dsl::Program& program = *in.program;
  const dsl::PurposeInfo& p = program.purposes[in.purpose];
  const AssessmentSummary& a = in.assessments;
  Json j;
  j["format"] = "skon.report";
  j["version"] = "1.0";
  j["purpose"] = p.name;
  j["purpose_label"] = p.label;
  j["run"] = a.run;
  j["assessment_date"] = in.run.assessment_date;
  j["replay"] = in.run.replay;
  j["rules_sha256"] = in.run.rules_sha256;
  j["model_sha256"] = in.run.model_sha256;
  Json c;
  c["records"] = a.records;
  c["outcomes"] = Json::object();
  for (const auto& [k, n] : a.outcomes) c["outcomes"][k] = n;
  c["levels"] = Json::array();
  for (std::size_t l = program.levels.size(); l-- > 0;) {
    c["levels"].push_back({{"level", program.levels[l]},
                           {"label", program.level_labels[l]},
                           {"count", a.per_level[l]},
                           {"share", share(a.per_level[l], a.records)}});
  }
  c["review_required"] = a.review_required;
  c["review_share"] = share(a.review_required, a.records);
  c["mean_probability"] = a.with_probability
                              ? Json(a.probability_sum / static_cast<double>(a.with_probability))
                              : Json();
  c["training_base_rate"] = in.model ? Json(in.model->training.base_rate()) : Json();
  c["histogram"] = Json::array();
  for (std::size_t b = 0; b < a.histogram.size(); ++b) {
    const double w = 1.0 / static_cast<double>(a.histogram.size());
    c["histogram"].push_back({{"low", static_cast<double>(b) * w},
                              {"high", static_cast<double>(b + 1) * w},
                              {"count", a.histogram[b]}});
  }
  j["cohort"] = std::move(c);

  Json r = Json::array();
  for (const RuleFiring& f : a.rules) {
    Json by = Json::object();
    for (std::size_t l = 0; l < program.levels.size(); ++l) by[program.levels[l]] = f.by_level[l];
    const dsl::Index ri = program.find_rule(f.rule);
    r.push_back({{"rule", f.rule},
                 {"label", ri != dsl::kNone ? program.rules[ri].label : ""},
                 {"fired", f.fired},
                 {"share", share(f.fired, a.records)},
                 {"by_level", std::move(by)}});
  }
  j["rules"] = std::move(r);
  std::size_t raised = 0, lowered = 0, both = 0;
  for (std::size_t m = 0; m < a.model_vs_final.size(); ++m) {
    for (std::size_t f = 0; f < a.model_vs_final[m].size(); ++f) {
      const std::size_t n = a.model_vs_final[m][f];
      both += n;
      if (f > m) raised += n;
      if (f < m) lowered += n;
    }
  }
  j["rules_and_model"] = {{"levels", program.levels},
                          {"model_vs_final", a.model_vs_final},
                          {"with_both", both},
                          {"raised_by_rules", raised},
                          {"lowered_by_rules", lowered}};
  j["quality"] = quality_json(in);
  j["fairness"] = fairness_json(in);
  if (in.patterns) j["patterns"] = patterns_json_value(*in.patterns);
  j["cards"] = a.cards.size();
  return j;
}

std::string report_json(const ReportInputs& in) {
  return report_json_value(in).dump(2) + "\n";
}

}  // namespace skon::engine
