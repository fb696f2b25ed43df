#include "skon/studies/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "skon/base/errors.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/messages.hpp"
#include "skon/core/provenance.hpp"
#include "skon/core/training.hpp"
#include "skon/models/evaluate.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

namespace {

std::string where(const dsl::Program& program, const dsl::Span& s) {
  const auto& file = program.sources.file(s.file);
  return program.paths[s.file].filename().string() + ":" +
         std::to_string(file.line_col(s.begin).line);
}

// The level the purpose's bands give a probability.
dsl::Index band_level(const dsl::PurposeInfo& p, double probability) {
  for (const dsl::Band& b : p.bands) {
    if (!b.below || probability < *b.below) return b.level;
  }
  return p.bands.empty() ? dsl::kNone : p.bands.back().level;
}

struct Measured {
  models::ModelMetrics metrics;
  models::Confusion at_capacity;
  std::vector<double> labels, probabilities;
  std::size_t rows = 0;
};

Measured measure(const models::LogisticModel& model, const models::TrainSpec& spec,
                 const CompareRequest& request, bool with_groups) {
  Measured m;
  models::EvaluationSpec e;
  e.data_path = request.holdout;
  e.read = request.read;
  e.target = request.target;
  if (with_groups) {
    for (const auto& g : spec.groups) e.by.push_back(g.name);
  }
  e.capacity = request.capacity;
  e.keep_scores = true;
  models::Evaluation ev = models::evaluate_model(model, e);
  m.metrics = std::move(ev.metrics);
  m.at_capacity = ev.at_capacity;
  m.labels = std::move(ev.labels);
  m.probabilities = std::move(ev.probs);
  m.rows = ev.rows;
  return m;
}

models::TrainSpec training_spec(const dsl::Program& program, dsl::Index pi,
                                const CompareRequest& request) {
  models::TrainSpec spec;
  describe_training(program, pi, request.by, spec);
  spec.data_path = request.history;
  spec.read = request.read;
  spec.target = request.target;
  spec.capacity = request.capacity;
  spec.created = request.created;
  spec.tool_version = request.tool_version;
  spec.scorecard = false;  // only the predictions are compared
  return spec;
}

std::vector<SourceCost> costs_of(const dsl::Program& program, const dsl::PurposeInfo& p) {
  std::vector<SourceCost> out;
  for (dsl::Index f : p.features) {
    const dsl::Index s = program.fields[f].source;
    if (s == dsl::kNone) continue;
    const dsl::SourceInfo& src = program.source_infos[s];
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const SourceCost& c) { return c.source == src.name; });
    if (it == out.end()) {
      SourceCost c;
      c.source = src.name;
      c.label = src.label;
      c.category = dsl::to_string(src.category);
      c.legal_basis = src.legal_basis.value_or("");
      for (dsl::Index r : p.roles) {
        if (std::find(src.accessible_to.begin(), src.accessible_to.end(), r) ==
            src.accessible_to.end()) {
          c.roles_without.push_back(program.roles[r]);
        }
      }
      const auto j = p.justifications.find(src.name);
      if (j != p.justifications.end()) {
        c.justification = j->second.text;
        c.justified_at = where(program, j->second.span);
      }
      out.push_back(std::move(c));
      it = out.end() - 1;
    }
    it->fields.push_back(program.fields[f].name);
  }
  return out;
}

}  // namespace

CompareResult compare(const dsl::Program& program, const CompareRequest& request) {
  if (request.purposes.empty()) throw base::UsageError("name the purposes to compare");
  if (request.ablate && request.holdout.empty()) {
    throw base::UsageError(
        "--ablate compares each scenario with and without a source row by row on one cohort: "
        "give --holdout LATER");
  }
  CompareResult result;
  result.history = request.history;
  result.history_sha256 = base::sha256_file_hex(request.history);
  result.holdout = request.holdout;
  if (!request.holdout.empty()) result.holdout_sha256 = base::sha256_file_hex(request.holdout);
  result.rules_sha256 = rules_sha256(program);
  result.capacity = request.capacity;
  for (const std::string& name : request.purposes) {
    const dsl::Index pi = program.find_purpose(name);
    if (pi == dsl::kNone) throw base::InputError("no purpose '" + name + "' in the rules");
    const dsl::PurposeInfo& p = program.purposes[pi];
    ScenarioResult s;
    s.purpose = p.name;
    s.label = p.label;
    const models::TrainSpec spec = training_spec(program, pi, request);
    for (const auto& f : spec.features) s.features.push_back(f.name);
    // Measured on the holdout, the training's own group gaps would go unused.
    models::TrainSpec fitted = spec;
    if (!request.holdout.empty()) fitted.groups.clear();
    const models::LogisticModel model = models::train_model(fitted).model;
    s.model_sha256 = base::sha256_hex(models::to_json_text(model));
    std::vector<double> labels;
    if (!request.holdout.empty()) {
      Measured m = measure(model, spec, request, /*with_groups=*/true);
      s.metrics = std::move(m.metrics);
      s.measured_on = request.holdout;
      s.rows = m.rows;
      s.positives = static_cast<double>(m.at_capacity.tp + m.at_capacity.fn);
      const auto& c = m.at_capacity;
      std::tie(s.recall_low, s.recall_high) =
          models::wilson_interval(static_cast<double>(c.tp), static_cast<double>(c.tp + c.fn));
      std::tie(s.precision_low, s.precision_high) =
          models::wilson_interval(static_cast<double>(c.tp), static_cast<double>(c.tp + c.fp));
      s.probabilities = std::move(m.probabilities);
      labels = std::move(m.labels);
    } else {
      s.metrics = model.metrics;
      s.measured_on = model.metrics.validation;
      s.rows = model.metrics.rows;
      s.recall_low = s.recall_high = s.precision_low = s.precision_high = std::nan("");
    }
    for (const dsl::Gate& gate : p.gates) {
      s.gates.emplace_back(gate_verdict(program, gate, s.metrics), gate);
    }
    s.sources = costs_of(program, p);
    for (dsl::Index f : p.features) {
      if (!program.fields[f].is_protected) continue;
      ProtectedFeature pf;
      pf.field = program.fields[f].name;
      pf.label = program.fields[f].label;
      const auto j = p.justifications.find(pf.field);
      if (j != p.justifications.end()) {
        pf.justification = j->second.text;
        pf.justified_at = where(program, j->second.span);
      }
      s.protected_features.push_back(std::move(pf));
    }
    if (request.ablate) {
      const double base_recall = s.metrics.capacity_recall;
      for (const SourceCost& src : s.sources) {
        models::TrainSpec without = spec;
        without.features.clear();
        without.directions.clear();
        without.groups.clear();  // an ablation compares predictions, not groups
        for (std::size_t f = 0; f < spec.features.size(); ++f) {
          if (std::find(src.fields.begin(), src.fields.end(), spec.features[f].name) !=
              src.fields.end()) {
            continue;
          }
          without.features.push_back(spec.features[f]);
          without.directions.push_back(spec.directions[f]);
        }
        if (without.features.empty()) continue;  // nothing left to fit
        const models::LogisticModel reduced = models::train_model(without).model;
        const Measured m = measure(reduced, without, request, /*with_groups=*/false);
        Ablation a;
        a.source = src.source;
        a.fields = src.fields;
        a.auc = models::paired_auc_difference(labels, s.probabilities, m.probabilities);
        a.recall_without = m.metrics.capacity_recall;
        a.recall_difference = a.recall_without - base_recall;
        for (std::size_t i = 0; i < m.probabilities.size(); ++i) {
          a.level_changes +=
              band_level(p, s.probabilities[i]) != band_level(p, m.probabilities[i]) ? 1 : 0;
        }
        s.ablations.push_back(std::move(a));
      }
    }
    if (!result.scenarios.empty() && !request.holdout.empty()) {
      result.against_first.push_back(models::paired_auc_difference(
          labels, result.scenarios.front().probabilities, s.probabilities));
    } else {
      result.against_first.emplace_back();
    }
    result.scenarios.push_back(std::move(s));
  }
  return result;
}

}  // namespace skon::engine
