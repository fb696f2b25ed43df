// The text and JSON forms of monitor results (engine/studies/monitor.hpp).
#include "skon/documents/monitor_document.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "figures.hpp"
#include "json_values.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/messages.hpp"
#include "skon/models/drift.hpp"
#include "skon/models/metrics.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {
namespace {

using Json = nlohmann::ordered_json;

using detail::fixed;

}  // namespace

nlohmann::ordered_json monitor_json_value(const MonitorResult& r) {
  Json j;
  j["purpose"] = r.purpose;
  j["data"] = r.data;
  j["model_sha256"] = r.model_sha256;
  j["rows"] = r.rows;
  j["reference_rows"] = r.reference_rows;
  j["verdict"] = !r.breaches.empty() ? "breach" : !r.warnings.empty() ? "warning" : "ok";
  j["breaches"] = r.breaches;
  j["warnings"] = r.warnings;
  const auto field_json = [](const FieldDrift& d) {
    return Json{{"field", d.field},
                {"bins", d.bins},
                {"psi", d.psi},
                {"noise_level", d.noise},
                {"psi_signal", to_string(d.psi_signal)}};
  };
  j["fields"] = Json::array();
  for (const auto& d : r.fields) {
    Json f = field_json(d);
    f["missing_at_training"] = d.missing_then;
    f["missing_now"] = d.missing_now;
    f["missing_signal"] = to_string(d.missing_signal);
    j["fields"].push_back(std::move(f));
  }
  j["score"] = field_json(r.score);
  j["with_outcome"] = r.with_outcome;
  if (r.metrics) {
    const models::ModelMetrics& m = *r.metrics;
    j["outcomes"] = {{"auc", m.auc},
                     {"auc_ci95", {m.auc_ci_low, m.auc_ci_high}},
                     {"calibration_error", m.calibration_error},
                     {"observed_rate", r.observed_rate},
                     {"observed_ci95", {r.observed_low, r.observed_high}},
                     {"mean_predicted", r.mean_predicted},
                     {"calibration_signal", to_string(r.calibration_signal)}};
    j["outcomes"]["groups"] = Json::array();
    for (const auto& g : m.groups) {
      j["outcomes"]["groups"].push_back(
          {{"field", g.field}, {"largest_gap", g.largest()}, {"sd", g.sd_largest}});
    }
    j["gates"] = Json::array();
    for (const auto& [v, gate] : r.gates) {
      j["gates"].push_back({{"gate", v.name},
                            {"bound", gate.bound},
                            {"value", v.value},
                            {"checked", v.checked},
                            {"holds", v.holds}});
    }
  }
  if (r.human) {
    const HumanSide& h = *r.human;
    Json levels = Json::array();
    for (const auto& c : h.by_level) {
      levels.push_back({{"level", c.level},
                        {"agree", c.agree},
                        {"disagree", c.disagree},
                        {"needs_information", c.needs_information},
                        {"pending", c.pending}});
    }
    j["human"] = {{"runs", h.runs},
                  {"reviews", h.reviews},
                  {"decided", h.decided},
                  {"agreement", h.agreement},
                  {"pending_median_days", h.pending_median_days},
                  {"pending_oldest_days", h.pending_oldest_days},
                  {"by_level", levels}};
  }
  return j;
}

std::string monitor_text(const MonitorResult& r) {
  std::string s = "monitor  purpose " + r.purpose + ", model " + r.model_sha256.substr(0, 12) +
                  "…, " + std::to_string(r.rows) + " rows of " + r.data + " against " +
                  std::to_string(r.reference_rows) + " training rows\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "  %-26s %7s %8s  %-8s %9s %9s  %s\n", "field", "PSI", "chance",
                "", "missing", "then", "");
  s += line;
  const auto row = [&](const FieldDrift& d, bool with_missing) {
    std::snprintf(
        line, sizeof line, "  %-26s %7.3f %8.3f  %-8s %8.1f%% %8.1f%%  %s\n", d.field.c_str(),
        d.psi, d.noise, to_string(d.psi_signal), with_missing ? 100 * d.missing_now : 0.0,
        with_missing ? 100 * d.missing_then : 0.0, with_missing ? to_string(d.missing_signal) : "");
    s += line;
  };
  for (const auto& d : r.fields) row(d, true);
  std::snprintf(line, sizeof line, "  %-26s %7.3f %8.3f  %s\n", "(probabilities)", r.score.psi,
                r.score.noise, to_string(r.score.psi_signal));
  s += line;
  s += "\n  PSI: below 0.10 stable, 0.10–0.25 shifted, above 0.25 changed — each only when above "
       "the level chance reaches 1 time in 1,000 at these sizes (`chance`).\n";
  if (r.metrics) {
    std::snprintf(line, sizeof line,
                  "\n  with outcomes: %zu rows; AUC %.3f (95 %% %.3f–%.3f); predicted %.1f %%, "
                  "observed %.1f %% (95 %% %.1f–%.1f %%): %s\n",
                  r.with_outcome, r.metrics->auc, r.metrics->auc_ci_low, r.metrics->auc_ci_high,
                  100 * r.mean_predicted, 100 * r.observed_rate, 100 * r.observed_low,
                  100 * r.observed_high, to_string(r.calibration_signal));
    s += line;
    for (const auto& [v, gate] : r.gates) {
      s += "  gate " + v.name + (gate.at_least ? " >= " : " <= ") + fixed(gate.bound) + ": " +
           fixed(v.value) + (v.holds ? " — holds\n" : " — NO LONGER HOLDS\n");
    }
  } else {
    s += "\n  no outcomes in the data: AUC, calibration and group gaps are measured once they are "
         "known\n";
  }
  if (r.human) {
    const HumanSide& h = *r.human;
    s += "\n  reviews (audit log): " + std::to_string(h.reviews) + " required in " +
         std::to_string(h.runs) + " runs, " + std::to_string(h.decided) + " decided" +
         (h.decided ? ", agreement " + fixed(100 * h.agreement, 1) + " %" : std::string()) +
         "; pending: median " + fixed(h.pending_median_days, 0) + " days, oldest " +
         fixed(h.pending_oldest_days, 0) + " days\n";
    for (const auto& c : h.by_level) {
      std::snprintf(line, sizeof line,
                    "    %-18s agree %5zu  disagree %5zu  needs information %5zu  pending %5zu\n",
                    c.level.c_str(), c.agree, c.disagree, c.needs_information, c.pending);
      s += line;
    }
  }
  s += "\n";
  if (r.breaches.empty() && r.warnings.empty()) {
    s += "verdict: no drift beyond chance; the purpose may go on\n";
  }
  for (const auto& b : r.breaches) s += "BREACH: " + b + "\n";
  for (const auto& w : r.warnings) s += "warning: " + w + "\n";
  if (!r.breaches.empty()) {
    s += "verdict: " + std::to_string(r.breaches.size()) +
         " breach(es): consider suspending the purpose (`suspended \"...\"` in its rule file) "
         "until the model is retrained and re-approved\n";
  }
  return s;
}

std::string monitor_json(const MonitorResult& r) {
  return monitor_json_value(r).dump(2) + "\n";
}

}  // namespace skon::engine
