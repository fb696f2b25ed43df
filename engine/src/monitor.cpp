#include "skon/engine/monitor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "skon/engine/audit_log.hpp"
#include "skon/engine/columns.hpp"
#include "skon/engine/messages.hpp"
#include "skon/models/drift.hpp"
#include "skon/models/errors.hpp"
#include "skon/models/metrics.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

namespace {

using Json = nlohmann::ordered_json;

// Conventional PSI thresholds: below 0.1 stable, 0.1-0.25 a shift to look at, above 0.25 the
// population has changed.
constexpr double kPsiWarning = 0.10, kPsiBreach = 0.25;
// A missing share that moved this much (absolute) and beyond chance (|z| >= 2.58, 1 %).
constexpr double kMissingWarning = 0.02, kMissingBreach = 0.05;
// Reviews decided: a share of agreement this high over this many decisions suggests automation
// bias (AI Act Art. 14(4)(b)); a review pending this long is overdue.
constexpr double kAgreementWarning = 0.95;
constexpr std::size_t kDecisionsForAgreement = 30;
constexpr double kPendingWarningDays = 30;
// A gate without an interval (calibration error, Brier, log loss, PR AUC) breaches on its point
// estimate only from this many rows with outcomes; below, it warns.
constexpr std::size_t kRowsForPointGates = 2000;

// A figure with `digits` decimals as the CLI writes them (a dash for none).
std::string fixed(double v, int digits = 3) {
  return std::isnan(v) ? "–" : format_fixed(v, digits, Language::English);
}

Signal psi_signal(double psi, double noise) {
  if (psi <= noise) return Signal::Ok;
  return psi >= kPsiBreach ? Signal::Breach : psi >= kPsiWarning ? Signal::Warning : Signal::Ok;
}

Signal missing_signal(double then, std::size_t n_then, double now, std::size_t n_now) {
  const double pooled = (then * static_cast<double>(n_then) + now * static_cast<double>(n_now)) /
                        static_cast<double>(n_then + n_now);
  const double se =
      std::sqrt(pooled * (1 - pooled) *
                (1.0 / static_cast<double>(n_then) + 1.0 / static_cast<double>(n_now)));
  const double diff = std::abs(now - then);
  if (se > 0 && diff / se < 2.576) return Signal::Ok;
  if (se == 0 && diff == 0) return Signal::Ok;
  return diff >= kMissingBreach    ? Signal::Breach
         : diff >= kMissingWarning ? Signal::Warning
                                   : Signal::Ok;
}

void say(MonitorResult& r, Signal s, const std::string& what) {
  if (s == Signal::Breach) r.breaches.push_back(what);
  if (s == Signal::Warning) r.warnings.push_back(what);
}

// Days between two ISO 8601 UTC times ("2026-11-29T16:34:36Z").
double days_between(const std::string& from, const std::string& to) {
  const auto parse = [](const std::string& s) -> double {
    std::tm tm{};
    if (s.size() < 19 || std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
                                     &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
      return NAN;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<double>(timegm(&tm));
  };
  return (parse(to) - parse(from)) / 86400.0;
}

HumanSide human_side(const dsl::Program& program, dsl::Index purpose, const std::string& path,
                     const std::string& now) {
  HumanSide h;
  const auto log = AuditLog::open(path, /*create=*/false);
  const std::string& name = program.purposes[purpose].name;
  std::map<std::string, std::string> run_started;  // this purpose's runs
  log->rows("run", "", "", [&](const StoredRow& s) {
    if (s.purged) return;
    const auto body = nlohmann::json::parse(s.row.body, nullptr, false);
    if (!body.is_object() || !body.contains("manifest")) return;
    if (body["manifest"].value("purpose", "") == name) run_started[s.row.run] = s.row.time;
  });
  h.runs = run_started.size();
  std::map<std::pair<std::string, std::string>, std::string> decided;  // (run, person) -> decision
  log->rows("decision", "", "", [&](const StoredRow& s) {
    if (s.purged || !run_started.count(s.row.run)) return;
    const auto body = nlohmann::json::parse(s.row.body, nullptr, false);
    if (body.is_object()) decided[{s.row.run, s.row.person}] = body.value("decision", "");
  });
  std::map<std::string, DecisionCounts> counts;
  std::vector<double> pending_days;
  for (const auto& entry : run_started) {
    // (Named, not a structured binding: the lambda below captures them, which clang refuses.)
    const std::string& run = entry.first;
    const std::string& started = entry.second;
    log->rows("assessment", run, "", [&](const StoredRow& s) {
      if (s.purged || s.row.review != 1) return;
      const auto body = nlohmann::json::parse(s.row.body, nullptr, false);
      const std::string level = body.is_object() && body["level"].is_string()
                                    ? body["level"].get<std::string>()
                                    : "insufficient_data";
      DecisionCounts& c = counts[level];
      c.level = level;
      ++h.reviews;
      const auto it = decided.find({run, s.row.person});
      if (it == decided.end()) {
        ++c.pending;
        pending_days.push_back(days_between(started, now));
        return;
      }
      ++h.decided;
      if (it->second == "agree")
        ++c.agree;
      else if (it->second == "disagree")
        ++c.disagree;
      else
        ++c.needs_information;
    });
  }
  for (std::size_t l = program.levels.size(); l-- > 0;) {
    if (counts.count(program.levels[l])) h.by_level.push_back(counts[program.levels[l]]);
  }
  if (counts.count("insufficient_data")) h.by_level.push_back(counts["insufficient_data"]);
  std::size_t agree = 0;
  for (const auto& c : h.by_level) agree += c.agree;
  h.agreement = h.decided ? static_cast<double>(agree) / static_cast<double>(h.decided) : 0;
  if (!pending_days.empty()) {
    std::sort(pending_days.begin(), pending_days.end());
    h.pending_median_days = pending_days[pending_days.size() / 2];
    h.pending_oldest_days = pending_days.back();
  }
  return h;
}

}  // namespace

const char* to_string(Signal s) {
  switch (s) {
    case Signal::Ok:
      return "ok";
    case Signal::Warning:
      return "warning";
    case Signal::Breach:
      return "breach";
  }
  return "ok";
}

MonitorResult monitor(const dsl::Program& program, dsl::Index purpose,
                      const models::LogisticModel& model, const std::string& model_sha256,
                      const MonitorRequest& request) {
  if (!model.drift) {
    throw models::InputError(
        "the model file records no training distributions (it was written before model file "
        "1.1): retrain it with this skon to monitor it");
  }
  const dsl::PurposeInfo& p = program.purposes[purpose];
  if (model.purpose != p.name) {
    throw models::InputError("the model was trained for purpose '" + model.purpose + "', not '" +
                             p.name + "'");
  }
  const models::DriftReference& ref = *model.drift;
  const auto& features = model.preprocessor.features();
  MonitorResult r;
  r.purpose = p.name;
  r.data = request.data;
  r.model_sha256 = model_sha256;
  r.reference_rows = ref.rows;

  // The columns: the model's features (required), the outcome and group fields when present.
  const std::vector<std::string> headers = models::read_headers(request.data, request.read);
  const auto has = [&](const std::string& c) {
    const auto it = request.read.header_for.find(c);
    const std::string& header = it != request.read.header_for.end() ? it->second : c;
    return std::find(headers.begin(), headers.end(), header) != headers.end();
  };
  std::vector<models::ColumnSpec> cols;
  std::vector<bool> required;
  for (const auto& t : features) {
    cols.push_back(t.column);
    required.push_back(true);
  }
  const bool outcomes = has(request.target);
  const std::size_t target_at = cols.size();
  if (outcomes) {
    cols.push_back({request.target, models::ColumnType::Text, {}, {}, {}, "", ""});
    required.push_back(false);
  }
  std::vector<std::string> by = request.by;
  for (const dsl::Gate& gate : p.gates) {
    if (gate.metric != "group_gap" || gate.field == dsl::kNone) continue;
    const std::string& name = program.fields[gate.field].name;
    if (std::find(by.begin(), by.end(), name) == by.end()) by.push_back(name);
  }
  std::vector<models::ColumnSpec> groups;
  const std::size_t groups_at = cols.size();
  for (const auto& g : by) {
    const dsl::Index f = program.find_field(g);
    if (f == dsl::kNone || program.fields[f].type != dsl::ValueType::Category) {
      throw models::UsageError("--by needs category fields; '" + g + "' is not one");
    }
    if (!outcomes || !has(g)) continue;  // gaps need outcomes and the column
    groups.push_back(column_spec(program, f));
    cols.push_back(groups.back());
    required.push_back(false);
  }

  std::vector<std::vector<double>> values(features.size());
  std::vector<double> probabilities, labels, outcome_probs;
  std::vector<std::vector<double>> group_values(groups.size());
  {
    models::CohortReader reader(request.data, cols, request.read, required);
    models::Row row;
    models::LogisticModel::Scratch scratch;
    while (reader.next(row)) {
      for (std::size_t f = 0; f < features.size(); ++f) values[f].push_back(row.values[f]);
      const double prob = model.score(row.values.data(), scratch).probability;
      probabilities.push_back(prob);
      double y = 0;
      if (outcomes && models::parse_outcome(row.texts[target_at], "", y)) {
        labels.push_back(y);
        outcome_probs.push_back(prob);
        for (std::size_t g = 0; g < groups.size(); ++g) {
          group_values[g].push_back(row.values[groups_at + g]);
        }
      }
    }
  }
  r.rows = probabilities.size();
  if (r.rows == 0) throw models::InputError(request.data + ": no rows to monitor");

  for (std::size_t f = 0; f < features.size(); ++f) {
    const models::FieldReference& fr = ref.fields[f];
    const std::vector<double> counts = models::bin_counts(fr, features[f], values[f]);
    std::vector<double> expected = fr.shares, actual;
    expected.push_back(fr.missing);
    for (double c : counts) actual.push_back(c / static_cast<double>(r.rows));
    FieldDrift d;
    d.field = fr.field;
    d.bins = expected.size();
    d.psi = models::psi(expected, actual);
    d.noise = models::psi_noise_level(d.bins, ref.rows, r.rows);
    d.missing_then = fr.missing;
    d.missing_now = actual.back();
    d.psi_signal = psi_signal(d.psi, d.noise);
    d.missing_signal = missing_signal(d.missing_then, ref.rows, d.missing_now, r.rows);
    say(r, d.psi_signal,
        "PSI of " + d.field + " " + fixed(d.psi) + " (chance reaches " + fixed(d.noise) +
            " at these sizes; " + fixed(kPsiWarning, 2) + " shifts, " + fixed(kPsiBreach, 2) +
            " changes)");
    say(r, d.missing_signal,
        d.field + " missing for " + fixed(100 * d.missing_now, 1) + " % (at training " +
            fixed(100 * d.missing_then, 1) + " %)");
    r.fields.push_back(d);
  }
  {
    const std::vector<double> counts = models::score_counts(ref, probabilities);
    std::vector<double> actual;
    for (double c : counts) actual.push_back(c / static_cast<double>(r.rows));
    FieldDrift& d = r.score;
    d.field = "probability";
    d.bins = ref.score_shares.size();
    d.psi = models::psi(ref.score_shares, actual);
    d.noise = models::psi_noise_level(d.bins, ref.score_rows, r.rows);
    d.psi_signal = psi_signal(d.psi, d.noise);
    say(r, d.psi_signal,
        "PSI of the probabilities " + fixed(d.psi) + " (chance reaches " + fixed(d.noise) + ")");
  }

  r.with_outcome = labels.size();
  double positives = 0;
  for (double y : labels) positives += y;
  if (r.with_outcome > 0 && positives > 0 && positives < static_cast<double>(r.with_outcome)) {
    const double capacity = model.metrics.capacity > 0 ? model.metrics.capacity : 0.1;
    r.metrics = models::evaluate_predictions(labels, outcome_probs, groups, group_values, capacity,
                                             "monitoring: " + request.data);
    const double n = static_cast<double>(r.with_outcome);
    r.observed_rate = positives / n;
    double sum = 0;
    for (double q : outcome_probs) sum += q;
    r.mean_predicted = sum / n;
    std::tie(r.observed_low, r.observed_high) = models::wilson_interval(positives, n);
    const auto [low99, high99] = models::wilson_interval(positives, n, 2.5758);
    const double gap = std::abs(r.mean_predicted - r.observed_rate);
    const bool outside95 = r.mean_predicted < r.observed_low || r.mean_predicted > r.observed_high;
    const bool outside99 = r.mean_predicted < low99 || r.mean_predicted > high99;
    r.calibration_signal = outside99 && gap >= 0.05   ? Signal::Breach
                           : outside95 && gap >= 0.02 ? Signal::Warning
                                                      : Signal::Ok;
    say(r, r.calibration_signal,
        "calibration in the large: predicted " + fixed(100 * r.mean_predicted, 1) +
            " %, observed " + fixed(100 * r.observed_rate, 1) + " % (95 % interval " +
            fixed(100 * r.observed_low, 1) + "–" + fixed(100 * r.observed_high, 1) + " %)");
    for (const dsl::Gate& gate : p.gates) {
      const GateVerdict v = gate_verdict(program, gate, *r.metrics);
      if (!v.measured) continue;
      r.gates.emplace_back(v, gate);
      if (v.holds) continue;
      // A point estimate past the bound is a breach only when the interval is past it too;
      // otherwise too few rows to tell, and a warning.
      bool sure = r.with_outcome >= kRowsForPointGates;
      std::string interval;
      if (gate.metric == "auc") {
        sure = gate.at_least ? r.metrics->auc_ci_high < gate.bound
                             : r.metrics->auc_ci_low > gate.bound;
        interval =
            " (95 % " + fixed(r.metrics->auc_ci_low) + "–" + fixed(r.metrics->auc_ci_high) + ")";
      } else if (gate.metric == "group_gap" && !std::isnan(v.sd)) {
        const double low = v.value - 1.96 * v.sd, high = v.value + 1.96 * v.sd;
        sure = gate.at_least ? high < gate.bound : low > gate.bound;
        interval = " (95 % " + fixed(std::max(0.0, low)) + "–" + fixed(high) + ")";
      }
      say(r, sure ? Signal::Breach : Signal::Warning,
          "the purpose's gate " + v.name + (gate.at_least ? " >= " : " <= ") + fixed(gate.bound) +
              (sure ? " no longer holds: " : " may no longer hold (too few rows to tell): ") +
              fixed(v.value) + interval);
    }
  }
  if (!request.audit.empty()) {
    r.human = human_side(program, purpose, request.audit, request.now);
    const HumanSide& h = *r.human;
    if (h.decided >= kDecisionsForAgreement && h.agreement >= kAgreementWarning) {
      say(r, Signal::Warning,
          "professionals agreed with " + fixed(100 * h.agreement, 1) + " % of " +
              std::to_string(h.decided) +
              " decided reviews: near-complete agreement can be automation bias (AI Act Art. "
              "14(4)(b)); look at how the reviews are done");
    }
    if (h.pending_oldest_days >= kPendingWarningDays) {
      say(r, Signal::Warning,
          "the oldest pending review has waited " + fixed(h.pending_oldest_days, 0) + " days");
    }
  }
  return r;
}

nlohmann::ordered_json monitor_json(const MonitorResult& r) {
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

}  // namespace skon::engine
