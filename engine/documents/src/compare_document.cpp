// The text and JSON forms of compare results (engine/studies/compare.hpp).
#include "skon/documents/compare_document.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "figures.hpp"
#include "json_values.hpp"
#include "skon/base/errors.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/messages.hpp"
#include "skon/core/provenance.hpp"
#include "skon/core/training.hpp"
#include "skon/models/evaluate.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {
namespace {

using Json = nlohmann::ordered_json;

using detail::fixed;

}  // namespace

nlohmann::ordered_json compare_json_value(const CompareResult& r) {
  Json j;
  j["history"] = r.history;
  j["history_sha256"] = r.history_sha256;
  j["holdout"] = r.holdout;
  j["holdout_sha256"] = r.holdout_sha256;
  j["rules_sha256"] = r.rules_sha256;
  j["capacity"] = r.capacity;
  j["scenarios"] = Json::array();
  const auto num = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const ScenarioResult& s = r.scenarios[i];
    const models::ModelMetrics& m = s.metrics;
    Json sj;
    sj["purpose"] = s.purpose;
    sj["label"] = s.label;
    sj["features"] = s.features;
    sj["model_sha256"] = s.model_sha256;
    sj["measured_on"] = s.measured_on;
    sj["rows"] = s.rows;
    sj["auc"] = num(m.auc);
    sj["auc_ci95"] = {num(m.auc_ci_low), num(m.auc_ci_high)};
    sj["pr_auc"] = num(m.pr_auc);
    sj["brier"] = m.brier;
    sj["calibration_error"] = m.calibration_error;
    sj["capacity"] = {{"share", m.capacity},
                      {"recall", num(m.capacity_recall)},
                      {"recall_ci95", {num(s.recall_low), num(s.recall_high)}},
                      {"precision", num(m.capacity_precision)},
                      {"precision_ci95", {num(s.precision_low), num(s.precision_high)}}};
    if (r.against_first[i]) {
      const auto& d = *r.against_first[i];
      sj["auc_minus_first"] = {{"difference", d.difference},
                               {"ci95", {d.ci_low, d.ci_high}},
                               {"method", "paired DeLong"}};
    }
    sj["groups"] = Json::array();
    for (const auto& g : m.groups) {
      sj["groups"].push_back({{"field", g.field},
                              {"largest_gap", g.largest()},
                              {"sd", num(g.sd_largest)},
                              {"tpr_gap", g.gap_tpr},
                              {"flag_rate_gap", g.gap_flag_rate}});
    }
    sj["gates"] = Json::array();
    for (const auto& [v, gate] : s.gates) {
      sj["gates"].push_back({{"gate", v.name},
                             {"bound", gate.bound},
                             {"value", num(v.value)},
                             {"measured", v.measured},
                             {"holds", v.holds}});
    }
    sj["sources"] = Json::array();
    for (const auto& c : s.sources) {
      sj["sources"].push_back({{"source", c.source},
                               {"label", c.label},
                               {"category", c.category},
                               {"legal_basis", c.legal_basis},
                               {"fields", c.fields},
                               {"roles_without_access", c.roles_without},
                               {"justification", c.justification},
                               {"justified_at", c.justified_at}});
    }
    sj["protected_features"] = Json::array();
    for (const auto& pf : s.protected_features) {
      sj["protected_features"].push_back({{"field", pf.field},
                                          {"justification", pf.justification},
                                          {"justified_at", pf.justified_at}});
    }
    sj["ablation"] = Json::array();
    for (const auto& a : s.ablations) {
      sj["ablation"].push_back({{"without", a.source},
                                {"fields", a.fields},
                                {"auc_without", a.auc.auc_b},
                                {"auc_difference", a.auc.difference},
                                {"auc_difference_ci95", {a.auc.ci_low, a.auc.ci_high}},
                                {"recall_without", a.recall_without},
                                {"recall_difference", a.recall_difference},
                                {"level_changes", a.level_changes}});
    }
    j["scenarios"].push_back(std::move(sj));
  }
  return j;
}

std::string compare_text(const CompareResult& r) {
  std::string out = "compare  history " + r.history +
                    (r.holdout.empty() ? std::string(", each on its own later year")
                                       : ", measured on " + r.holdout) +
                    "; capacity " + fixed(100 * r.capacity, 0) + " %\n\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-20s %-19s %-17s %-17s %7s %6s %8s %9s\n", "scenario",
                "AUC (95 %)", "recall at cap.", "precision", "calib.", "gap", "special",
                "no access");
  out += line;
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    const ScenarioResult& s = r.scenarios[i];
    const auto& m = s.metrics;
    double gap = 0;
    for (const auto& g : m.groups) gap = std::max(gap, g.largest());
    std::size_t special = 0, closed = 0;
    for (const auto& c : s.sources) {
      special += c.category != "ordinary" ? 1 : 0;
      closed += c.roles_without.empty() ? 0 : 1;
    }
    std::snprintf(line, sizeof line, "  %-20s %s (%s–%s) %s (%s–%s) %s (%s–%s) %7s %6s %8zu %9zu\n",
                  s.purpose.c_str(), fixed(m.auc).c_str(), fixed(m.auc_ci_low).c_str(),
                  fixed(m.auc_ci_high).c_str(), fixed(m.capacity_recall).c_str(),
                  fixed(s.recall_low).c_str(), fixed(s.recall_high).c_str(),
                  fixed(m.capacity_precision).c_str(), fixed(s.precision_low).c_str(),
                  fixed(s.precision_high).c_str(), fixed(m.calibration_error, 4).c_str(),
                  fixed(gap).c_str(), special, closed);
    out += line;
  }
  for (std::size_t i = 1; i < r.scenarios.size(); ++i) {
    if (!r.against_first[i]) continue;
    const auto& d = *r.against_first[i];
    out += "\n  " + r.scenarios[i].purpose + " against " + r.scenarios[0].purpose + ": AUC " +
           (d.difference >= 0 ? "+" : "") + fixed(d.difference) + " (95 % " + fixed(d.ci_low) +
           " to " + fixed(d.ci_high) + ", paired DeLong on the same rows)\n";
  }
  for (const ScenarioResult& s : r.scenarios) {
    out += "\n  " + s.purpose + ": uses " + std::to_string(s.sources.size()) + " sources\n";
    for (const auto& c : s.sources) {
      out += "    " + c.source + " (" + c.category + ")" +
             (c.roles_without.empty() ? ""
                                      : "; not accessible today to " +
                                            [&] {
                                              std::string roles;
                                              for (const auto& x : c.roles_without)
                                                roles += (roles.empty() ? "" : ", ") + x;
                                              return roles;
                                            }()) +
             (c.justification.empty() ? "" : "; justified at " + c.justified_at) + "\n";
    }
    for (const auto& pf : s.protected_features) {
      out += "    protected feature " + pf.field +
             (pf.justification.empty() ? " (no justification)"
                                       : " (justified at " + pf.justified_at + ")") +
             "\n";
    }
    if (!s.ablations.empty()) {
      out +=
          "    without a source:   AUC difference (95 %)       recall at cap.   levels changed\n";
      for (const auto& a : s.ablations) {
        std::snprintf(line, sizeof line,
                      "      %-18s %+.3f (%+.3f to %+.3f)   %+.3f          %zu\n", a.source.c_str(),
                      a.auc.difference, a.auc.ci_low, a.auc.ci_high, a.recall_difference,
                      a.level_changes);
        out += line;
      }
    }
  }
  return out;
}

std::string compare_json(const CompareResult& r) {
  return compare_json_value(r).dump(2) + "\n";
}

}  // namespace skon::engine
