#include "skon/core/assessor.hpp"

#include <algorithm>
#include <cmath>

#include "skon/base/errors.hpp"

namespace skon::engine {

Assessor::Assessor(const AssessorSetup& setup)
    : setup_(setup),
      program_(*setup.program),
      purpose_(setup.purpose),
      model_(setup.model),
      language_(setup.language),
      as_of_(setup.as_of),
      input_fields_(program_.purposes.at(purpose_).fields_read),  // sorted; includes the features
      plan_(program_, purpose_, input_fields_, language_, as_of_),
      top_(setup.top) {
  const dsl::Program& program = program_;
  const Index purpose = purpose_;
  const dsl::PurposeInfo& p = program.purposes.at(purpose);
  if (p.score_field != dsl::kNone) {
    if (model_ != nullptr) {
      throw base::UsageError("purpose '" + p.name + "' takes its score from field '" +
                             program.fields[p.score_field].name + "'; it has no model");
    }
    const auto it = std::find(input_fields_.begin(), input_fields_.end(), p.score_field);
    score_slot_ = static_cast<std::size_t>(it - input_fields_.begin());
  }
  // Consent: a field's value is withheld (made missing) for a person whose consent is not true,
  // whatever the caller read — rules, flag texts and outputs never see it. A consent that is
  // missing was not given: it reads as false.
  for (std::size_t k = 0; k < input_fields_.size(); ++k) {
    if (program.fields[input_fields_[k]].is_consent) consent_fields_.push_back(k);
  }
  for (std::size_t k = 0; k < input_fields_.size(); ++k) {
    const Index consent = program.fields[input_fields_[k]].requires_field;
    if (consent == dsl::kNone) continue;
    const auto it = std::find(input_fields_.begin(), input_fields_.end(), consent);
    if (it == input_fields_.end()) {
      throw base::InputError("field '" + program.fields[input_fields_[k]].name +
                             "' is read without its consent field");
    }
    consent_slots_.push_back({k, static_cast<std::size_t>(it - input_fields_.begin())});
  }
  if (model_ != nullptr) {
    for (const auto& f : model_->preprocessor.features()) {
      const Index fi = program.find_field(f.column.name);
      const auto it = std::find(input_fields_.begin(), input_fields_.end(), fi);
      if (fi == dsl::kNone || it == input_fields_.end()) {
        throw base::InputError("model feature '" + f.column.name +
                               "' is not a field the purpose reads");
      }
      model_slot_.push_back(static_cast<std::size_t>(it - input_fields_.begin()));
      model_field_.push_back(fi);
    }
  }
}

void Assessor::assess(const std::vector<double>& values, Assessment& out,
                      std::optional<double> given_probability) const {
  std::vector<Assessment> one(1);
  one[0].id = std::move(out.id);
  const double given = given_probability.value_or(std::nan(""));
  assess_batch(values.data(), 1, one, given_probability ? &given : nullptr);
  out = std::move(one[0]);
}

void Assessor::assess_batch(const double* values, std::size_t n, std::vector<Assessment>& out,
                            const double* given_probability) const {
  const dsl::PurposeInfo& p = program_.purposes[purpose_];
  const std::size_t width = input_fields_.size();
  if (out.size() < n) out.resize(n);
  for (std::size_t start = 0; start < n; start += BatchPlan::kBatch) {
    const std::size_t m = std::min(BatchPlan::kBatch, n - start);
    const double* rows = values + start * width;
    if (!consent_slots_.empty()) {
      withheld_.assign(rows, rows + m * width);
      for (std::size_t i = 0; i < m; ++i) {
        double* row = withheld_.data() + i * width;
        for (std::size_t consent : consent_fields_) {
          if (std::isnan(row[consent])) row[consent] = 0;
        }
        for (const auto& [value, consent] : consent_slots_) {
          if (row[consent] != 1.0) row[value] = std::nan("");
        }
      }
      rows = withheld_.data();
    }
    // Columns for the plan, and the model's probability and explanation per record.
    columns_.resize(width);
    column_pointers_.resize(width);
    for (std::size_t c = 0; c < width; ++c) {
      columns_[c].resize(m);
      for (std::size_t i = 0; i < m; ++i) columns_[c][i] = rows[i * width + c];
      column_pointers_[c] = columns_[c].data();
    }
    probability_.assign(m, std::nan(""));
    for (std::size_t i = 0; i < m; ++i) {
      Assessment& a = out[start + i];
      a.probability.reset();
      a.contributions.clear();
      a.model_level = dsl::kNone;
      a.disagreement = {};
      a.baseline = a.log_odds = a.others = 0;
      if (given_probability != nullptr) {
        probability_[i] = given_probability[start + i];
        continue;
      }
      if (score_slot_ != kNoSlot) {  // the data's own score; NaN (missing) stays missing
        probability_[i] = rows[i * width + score_slot_];
        continue;
      }
      if (model_ == nullptr) continue;
      raw_.resize(model_slot_.size());
      for (std::size_t k = 0; k < model_slot_.size(); ++k) {
        raw_[k] = rows[i * width + model_slot_[k]];
      }
      models::Explanation& e = explanation_;
      model_->explain_into(raw_.data(), e, design_, top_);
      a.baseline = e.baseline;
      a.log_odds = e.log_odds;
      double listed = 0, all = 0;
      for (std::size_t k : e.order) {
        a.contributions.push_back({model_field_[k], e.contributions[k]});
        listed += e.contributions[k];
      }
      for (double c : e.contributions) all += c;
      a.others = all - listed;
      probability_[i] = e.probability;
    }
    plan_.run(column_pointers_.data(), probability_.data(), m, state_);

    for (std::size_t i = 0; i < m; ++i) {
      Assessment& a = out[start + i];
      plan_.replay(state_, i, rows + i * width, probability_[i], a.outcome);
      if (a.outcome.insufficient_data) {
        a.contributions.clear();  // never a made-up score, nor its parts
        a.others = 0;
        continue;
      }
      if (!std::isnan(probability_[i])) a.probability = probability_[i];
      if (!a.outcome.trace.empty() && a.outcome.trace.front().rule == dsl::kNone) {
        a.model_level = a.outcome.trace.front().to;
      }
      if (a.model_level != dsl::kNone && !p.bands.empty()) {
        const Index lowest = p.bands.front().level, highest = p.bands.back().level;
        if (a.model_level == lowest && a.outcome.level > lowest) {
          a.disagreement = "rules_above_model";
        } else if (a.model_level == highest && a.outcome.flags.empty() &&
                   std::none_of(a.outcome.trace.begin(), a.outcome.trace.end(),
                                [](const LevelStep& s) { return s.rule != dsl::kNone; })) {
          a.disagreement = "model_unexplained";
        }
      }
    }
  }
}

}  // namespace skon::engine
