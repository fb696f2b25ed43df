#include "skon/models/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "skon/models/train.hpp"

namespace skon::models {

namespace {

// Measures the probabilities `probability_of(row)` gives (NaN: none) against the outcomes.
// Columns: `features` (what the probability is computed from), the outcome, and any group columns
// that are not category features (read as text; their groups are the distinct values).
template <class ProbabilityOf>
Evaluation evaluate_with(const std::vector<FeatureTransform>& features, const EvaluationSpec& spec,
                         ProbabilityOf probability_of) {
  std::vector<ColumnSpec> cols;
  for (const auto& f : features) cols.push_back(f.column);
  const std::size_t target_at = cols.size();
  cols.push_back({spec.target, ColumnType::Text, {}, {}, {}, "", ""});
  const std::size_t id_at = cols.size();
  if (spec.prediction) cols.push_back({spec.id_column, ColumnType::Text, {}, {}, {}, "", ""});
  std::vector<std::size_t> group_at;
  for (const auto& g : spec.by) {
    const auto it = std::find_if(features.begin(), features.end(),
                                 [&](const auto& f) { return f.column.name == g; });
    if (it != features.end() && it->column.type == ColumnType::Category) {
      group_at.push_back(static_cast<std::size_t>(it - features.begin()));
    } else {
      group_at.push_back(cols.size());
      cols.push_back({g, ColumnType::Text, {}, {}, {}, "", ""});
    }
  }
  CohortReader reader(spec.data_path, cols, spec.read);
  Evaluation e;
  std::vector<double> labels, probs;
  std::vector<std::map<std::string, std::size_t>> text_levels(spec.by.size());
  std::vector<std::vector<double>> group_values(spec.by.size());
  Row row;
  while (reader.next(row)) {
    double y = 0;
    if (!parse_outcome(row.texts[target_at], spec.positive, y)) {
      ++e.without_outcome;
      continue;
    }
    const double p = probability_of(row);
    if (std::isnan(p)) {
      ++e.without_score;
      continue;
    }
    labels.push_back(y);
    probs.push_back(p);
    if (spec.prediction) spec.prediction(row.texts[id_at], p, y);
    for (std::size_t g = 0; g < spec.by.size(); ++g) {
      const std::size_t at = group_at[g];
      if (at < features.size()) {
        group_values[g].push_back(row.values[at]);
        continue;
      }
      const std::string& v = row.texts[at];
      if (v.empty()) {
        group_values[g].push_back(kMissing);
        continue;
      }
      auto [it, added] = text_levels[g].emplace(v, text_levels[g].size());
      group_values[g].push_back(static_cast<double>(it->second));
    }
  }
  e.rejected = reader.rows_rejected();
  if (labels.empty()) {
    throw base::InputError(spec.data_path + ": no row has an outcome in column '" + spec.target +
                           "'" + (e.without_score > 0 ? " and a score" : ""));
  }
  std::vector<ColumnSpec> group_specs(spec.by.size());
  for (std::size_t g = 0; g < spec.by.size(); ++g) {
    group_specs[g].name = spec.by[g];
    group_specs[g].type = ColumnType::Category;
    if (group_at[g] < features.size()) {
      group_specs[g].levels = features[group_at[g]].levels;
    } else {
      group_specs[g].levels.resize(text_levels[g].size());
      for (const auto& [name, i] : text_levels[g]) group_specs[g].levels[i] = name;
    }
  }
  e.rows = labels.size();
  e.metrics = evaluate_predictions(labels, probs, group_specs, group_values, spec.capacity,
                                   "evaluation data");
  e.at_capacity = confusion_at_capacity(labels, probs, spec.capacity);
  if (spec.threshold) e.at_threshold = confusion_at(labels, probs, *spec.threshold);
  if (spec.keep_scores) {
    e.labels = std::move(labels);
    e.probs = std::move(probs);
  }
  return e;
}

}  // namespace

Evaluation evaluate_model(const LogisticModel& model, const EvaluationSpec& spec) {
  LogisticModel::Scratch scratch;
  return evaluate_with(model.preprocessor.features(), spec, [&](const Row& row) {
    return model.score(row.values.data(), scratch).probability;
  });
}

Evaluation evaluate_score(const ColumnSpec& score, const EvaluationSpec& spec) {
  FeatureTransform feature;
  feature.column = score;
  return evaluate_with({feature}, spec, [](const Row& row) { return row.values[0]; });
}

}  // namespace skon::models
