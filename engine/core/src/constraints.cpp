#include "skon/core/constraints.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace skon::engine {

namespace {

std::string bt(const std::string& s) {
  return "`" + s + "`";
}

std::string number(double v) {
  std::ostringstream ss;
  ss.precision(4);
  ss << v;
  return ss.str();
}

// A group gap's bootstrap SD, when the metrics carry one (NaN otherwise).
double gap_sd(const models::ModelMetrics& m, const dsl::Program& p, const dsl::Gate& g) {
  for (const auto& r : m.groups) {
    if (g.field != dsl::kNone && r.field == p.fields[g.field].name && r.resamples > 0) {
      return r.sd_largest;
    }
  }
  return std::nan("");
}

// The model metric a gate names; NaN when the model did not record it.
double metric(const models::ModelMetrics& m, const dsl::Program& p, const dsl::Gate& g) {
  if (g.metric == "auc") return m.auc;
  if (g.metric == "pr_auc") return m.pr_auc;
  if (g.metric == "brier") return m.brier;
  if (g.metric == "log_loss") return m.log_loss;
  if (g.metric == "calibration_error") return m.calibration_error;
  if (g.metric == "group_gap" && g.field != dsl::kNone)
    return m.largest_group_gap(p.fields[g.field].name);
  return std::nan("");
}

}  // namespace

GateVerdict gate_verdict(const dsl::Program& program, const dsl::Gate& gate,
                         const models::ModelMetrics& metrics) {
  GateVerdict v;
  v.name = gate.metric + (gate.field != dsl::kNone ? " on " + program.fields[gate.field].name : "");
  v.value = metric(metrics, program, gate);
  v.sd = gate.metric == "group_gap" ? gap_sd(metrics, program, gate) : std::nan("");
  v.measured = !std::isnan(v.value) && (!gate.confidence || !std::isnan(v.sd));
  if (!v.measured) return v;
  // A gate `at 95 %` acts on the interval's far bound: the point must clear the bound by its
  // uncertainty (a group gap's bootstrap SD times the level's z).
  const double margin = gate.confidence ? models::z_for(*gate.confidence) * v.sd : 0;
  v.checked = gate.at_least ? v.value - margin : v.value + margin;
  v.holds = gate.at_least ? v.checked >= gate.bound : v.checked <= gate.bound;
  return v;
}

bool check_quality_gates(const dsl::Program& program, dsl::Index pi,
                         const models::ModelMetrics& metrics, GateSubject subject,
                         dsl::DiagnosticBag& bag) {
  const std::size_t errors_before = bag.error_count();
  const bool model = subject == GateSubject::Model;
  const std::string whose = model ? "the model's " : "the score's ";
  for (const dsl::Gate& gate : program.purposes[pi].gates) {
    const GateVerdict v = gate_verdict(program, gate, metrics);
    if (!v.measured) {
      const std::string by =
          gate.field != dsl::kNone ? "`--by " + program.fields[gate.field].name + "`" : "";
      const bool no_sd = !std::isnan(v.value);
      bag.add(dsl::DiagCode::E0310, gate.span,
              (model ? "the model records no " : "the evaluation measured no ") +
                  (no_sd ? "uncertainty for " : std::string()) + v.name +
                  " to check this gate against")
          .help =
          no_sd
              ? std::string(model ? "retrain the model with this skon" : "evaluate with this skon")
          : model ? (by.empty() ? "retrain the model with this skon" : "retrain with " + by)
                  : (by.empty() ? "evaluate on data with both outcomes" : "evaluate with " + by);
      continue;
    }
    if (!v.holds) {
      const std::string level = gate.confidence ? number(100 * *gate.confidence) + " %" : "";
      bag.add(dsl::DiagCode::E0310, gate.span,
              whose + v.name + " is " + number(v.value) +
                  (gate.confidence
                       ? " (its " + level + " interval reaches " + number(v.checked) + ")"
                       : "") +
                  "; the purpose requires " + (gate.at_least ? ">= " : "<= ") + number(gate.bound) +
                  (gate.confidence ? " at " + level : ""))
          .help = std::string(model ? "the model" : "the score") +
                  " may not be used for this purpose until it meets the gate (" +
                  metrics.validation + ")";
    }
  }
  return bag.error_count() == errors_before;
}

bool enforce_constraints(const dsl::Program& program, dsl::Index pi,
                         const models::LogisticModel* model, const std::string& model_sha256,
                         std::int32_t today, dsl::DiagnosticBag& bag) {
  const std::size_t errors_before = bag.error_count();
  dsl::purpose_assessable(program, pi, today, bag);
  const dsl::PurposeInfo& purpose = program.purposes[pi];
  const dsl::Span where = purpose.model_path ? purpose.model_span : purpose.span;

  if (model != nullptr && purpose.score_field != dsl::kNone) {
    bag.add(dsl::DiagCode::E0308, purpose.score_span,
            "purpose " + bt(purpose.name) + " takes its score from " +
                bt(program.fields[purpose.score_field].name) + ", so no model may be given")
        .help = "drop --model; the score is read from the data";
    return false;
  }
  if (model == nullptr) {
    if (!purpose.features.empty()) {
      bag.add(dsl::DiagCode::E0308, where,
              "purpose " + bt(purpose.name) + " has model features but no model was given")
          .help = "pass the purpose's model with --model";
    }
    return bag.error_count() == errors_before;
  }

  if (model->purpose != purpose.name) {
    bag.add(dsl::DiagCode::E0308, where,
            "the model was trained for purpose " + bt(model->purpose) + ", not " + bt(purpose.name))
        .help = "train a model for this purpose with `skon train --purpose " + purpose.name + "`";
  }
  // The model's features must be exactly the purpose's: what the rules allow is what it reads.
  std::vector<std::string> wanted, have;
  for (dsl::Index f : purpose.features) wanted.push_back(program.fields[f].name);
  for (const auto& f : model->preprocessor.features()) have.push_back(f.column.name);
  if (wanted != have) {
    std::string extra, lacking;
    for (const auto& h : have) {
      if (std::find(wanted.begin(), wanted.end(), h) == wanted.end())
        extra += (extra.empty() ? "" : ", ") + bt(h);
    }
    for (const auto& w : wanted) {
      if (std::find(have.begin(), have.end(), w) == have.end())
        lacking += (lacking.empty() ? "" : ", ") + bt(w);
    }
    std::string message = "the model's features differ from purpose " + bt(purpose.name) + "'s";
    if (!extra.empty()) message += "; the model also reads " + extra;
    if (!lacking.empty()) message += "; the model lacks " + lacking;
    bag.add(dsl::DiagCode::E0308, where, message).help =
        "retrain the model after changing the purpose's features";
  }
  if (purpose.model_sha256 && *purpose.model_sha256 != model_sha256) {
    bag.add(dsl::DiagCode::E0309, where,
            "the model file's sha256 is " + model_sha256.substr(0, 16) +
                "…, but the purpose pins " + purpose.model_sha256->substr(0, 16) + "…")
        .help = "use the approved model file, or have the new one approved and update the pin";
  }
  check_quality_gates(program, pi, model->metrics, GateSubject::Model, bag);
  // Direction constraints as the purpose states them now (the model may predate them).
  for (const dsl::Direction& dir : purpose.directions) {
    const std::string& field = program.fields[dir.field].name;
    for (std::size_t j = 0; j < model->coefficients.size(); ++j) {
      const auto& f = model->preprocessor.features()[model->preprocessor.column_feature()[j]];
      if (f.column.name != field || f.column.type == models::ColumnType::Category ||
          model->coefficients[j].name.ends_with(":missing")) {
        continue;
      }
      const double v = model->coefficients[j].value;
      if ((dir.raises && v < 0) || (!dir.raises && v > 0)) {
        bag.add(dsl::DiagCode::E0311, dir.span,
                "the model's coefficient for " + bt(field) + " is " + number(v) +
                    ", but it may only " + (dir.raises ? "raise" : "lower") + " the risk")
            .help = "retrain the model; training enforces the direction";
      }
    }
  }
  return bag.error_count() == errors_before;
}

}  // namespace skon::engine
