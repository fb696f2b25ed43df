#include "skon/studies/monitor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "skon/base/errors.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/messages.hpp"
#include "skon/models/drift.hpp"
#include "skon/models/metrics.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

namespace {

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
    throw base::InputError(
        "the model file records no training distributions (it was written before model file "
        "1.1): retrain it with this skon to monitor it");
  }
  const dsl::PurposeInfo& p = program.purposes[purpose];
  if (model.purpose != p.name) {
    throw base::InputError("the model was trained for purpose '" + model.purpose + "', not '" +
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
      throw base::UsageError("--by needs category fields; '" + g + "' is not one");
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
  if (r.rows == 0) throw base::InputError(request.data + ": no rows to monitor");

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
  r.human = request.human;
  if (r.human) {
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

}  // namespace skon::engine
