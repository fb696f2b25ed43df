// What `skon evaluate` shows: a model's (or a score's) quality on a cohort with outcomes — as
// text and as JSON.
#include "skon/documents/evaluation_document.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "appendf.hpp"

namespace skon::engine {
namespace {

using detail::appendf;

std::string num(double v, int digits = 3) {
  if (std::isnan(v)) return "–";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

nlohmann::ordered_json null_or(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

std::string evaluation_json(const EvaluationHeading& h, const models::Evaluation& e) {
  const models::ModelMetrics& m = e.metrics;
  const models::Confusion& c = e.at_capacity;
  const std::optional<models::Confusion>& at_threshold = e.at_threshold;
  const std::size_t rows = e.rows, skipped = e.without_outcome;
  nlohmann::ordered_json j;
  if (!h.model.empty()) {
    j["model"] = h.model;
    j["model_sha256"] = h.model_sha256;
  } else {
    j["purpose"] = h.purpose;
    j["score_from"] = h.score_field;
    j["rows_without_score"] = e.without_score;
    j["gates"] = {{"count", h.gates}, {"failed", h.gates_failed}};
  }
  j["data"] = h.data;
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
    j["threshold"] = {{"probability", h.threshold},
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
  return j.dump(2) + "\n";
}

std::string evaluation_text(const EvaluationHeading& h, const models::Evaluation& e) {
  const models::ModelMetrics& m = e.metrics;
  const models::Confusion& c = e.at_capacity;
  const std::optional<models::Confusion>& at_threshold = e.at_threshold;
  const std::size_t rows = e.rows, skipped = e.without_outcome;
  std::string out;
  if (!h.model.empty()) {
    appendf(out, "model  %s (purpose %s, sha256 %.12s…)\n", h.model.c_str(), h.purpose.c_str(),
            h.model_sha256.c_str());
  } else {
    appendf(out, "score  field %s of purpose %s%s\n", h.score_field.c_str(), h.purpose.c_str(),
            e.without_score ? (", " + std::to_string(e.without_score) +
                               (e.without_score == 1 ? " row" : " rows") +
                               " with an outcome but no score left out")
                                  .c_str()
                            : "");
  }
  appendf(out, "data   %s: %zu rows with an outcome (%.1f %% positive)%s\n\n", h.data.c_str(), rows,
          100.0 * static_cast<double>(c.tp + c.fn) / static_cast<double>(rows),
          skipped ? (", " + std::to_string(skipped) + " without").c_str() : "");
  appendf(out, "  ROC AUC             %s  (95 %% DeLong %s–%s)\n", num(m.auc).c_str(),
          num(m.auc_ci_low).c_str(), num(m.auc_ci_high).c_str());
  appendf(out, "  PR AUC              %s\n", num(m.pr_auc).c_str());
  appendf(out, "  Brier score         %s\n", num(m.brier, 4).c_str());
  appendf(out, "  log loss            %s\n", num(m.log_loss, 4).c_str());
  appendf(out, "  calibration error   %s\n\n", num(m.calibration_error, 4).c_str());
  appendf(out, "  capacity: the top %.0f %% (%zu of %zu) flagged, threshold %s\n", h.capacity_pct,
          c.tp + c.fp, rows, num(m.capacity_threshold).c_str());
  appendf(out, "    precision %s   recall %s   false-positive rate %s\n",
          num(c.precision()).c_str(), num(c.recall()).c_str(), num(c.fpr()).c_str());
  appendf(out, "    confusion: %zu TP, %zu FP, %zu FN, %zu TN\n\n", c.tp, c.fp, c.fn, c.tn);
  if (at_threshold) {
    const auto& t = *at_threshold;
    appendf(out, "  threshold %.3f: %zu flagged (%.1f %%)\n", h.threshold, t.tp + t.fp,
            100 * t.flag_rate());
    appendf(out, "    precision %s   recall %s   false-positive rate %s\n",
            num(t.precision()).c_str(), num(t.recall()).c_str(), num(t.fpr()).c_str());
    appendf(out, "    confusion: %zu TP, %zu FP, %zu FN, %zu TN\n\n", t.tp, t.fp, t.fn, t.tn);
  }
  appendf(out, "  reliability      rows  predicted  observed\n");
  for (const auto& b : m.reliability) {
    if (b.count == 0) continue;
    appendf(out, "    %.1f–%.1f  %8zu  %9s  %8s\n", b.low, b.high, b.count,
            num(b.mean_predicted).c_str(), num(b.observed_rate).c_str());
  }
  for (const auto& g : m.groups) {
    appendf(out, "\n  by %s            rows  outcome  predicted    AUC  flagged    TPR    FPR\n",
            g.field.c_str());
    for (const auto& x : g.groups) {
      appendf(out, "    %-14s %8zu  %7s  %9s  %5s  %7s  %5s  %5s\n", x.group.c_str(), x.count,
              num(x.base_rate).c_str(), num(x.mean_predicted).c_str(), num(x.auc).c_str(),
              num(x.flag_rate).c_str(), num(x.tpr).c_str(), num(x.fpr).c_str());
    }
    appendf(out, "    largest gap: flag rate %s, TPR %s, FPR %s, calibration %s\n",
            num(g.gap_flag_rate).c_str(), num(g.gap_tpr).c_str(), num(g.gap_fpr).c_str(),
            num(g.gap_calibration).c_str());
  }
  return out;
}

}  // namespace skon::engine
