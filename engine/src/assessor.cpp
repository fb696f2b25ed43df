#include "skon/engine/assessor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace skon::engine {

Value to_value(const dsl::Program& program, Index field, double raw) {
  if (std::isnan(raw)) return Value::missing();
  switch (program.fields[field].type) {
    case dsl::ValueType::Number: return Value::of_number(raw);
    case dsl::ValueType::Bool: return Value::of_bool(raw != 0);
    case dsl::ValueType::Category: return Value::of_category(static_cast<std::uint32_t>(raw));
    case dsl::ValueType::Date: return Value::of_date(static_cast<std::int32_t>(raw));
    default: return Value::missing();
  }
}

Assessor::Assessor(const dsl::Program& program, Index purpose, const models::LogisticModel* model)
    : program_(program), purpose_(purpose), model_(model), evaluator_(program) {
  const dsl::PurposeInfo& p = program.purposes.at(purpose);
  input_fields_ = p.fields_read;  // sorted; includes the features
  if (model_ != nullptr) {
    for (const auto& f : model_->preprocessor.features()) {
      const Index fi = program.find_field(f.column.name);
      const auto it = std::find(input_fields_.begin(), input_fields_.end(), fi);
      if (fi == dsl::kNone || it == input_fields_.end()) {
        throw std::invalid_argument("model feature '" + f.column.name + "' is not read by the purpose");
      }
      model_slot_.push_back(static_cast<std::size_t>(it - input_fields_.begin()));
      model_field_.push_back(fi);
    }
  }
}

void Assessor::assess(const std::vector<double>& values, Assessment& out) const {
  const dsl::PurposeInfo& p = program_.purposes[purpose_];
  std::vector<Value>& record = record_;
  record.assign(program_.fields.size(), Value::missing());
  for (std::size_t i = 0; i < input_fields_.size(); ++i) {
    record[input_fields_[i]] = to_value(program_, input_fields_[i], values[i]);
  }
  RuleEvaluator::Options options;
  out.probability.reset();
  out.contributions.clear();
  out.model_level = dsl::kNone;
  out.disagreement.clear();
  out.baseline = out.log_odds = 0;
  if (model_ != nullptr) {
    raw_.resize(model_slot_.size());
    for (std::size_t k = 0; k < model_slot_.size(); ++k) raw_[k] = values[model_slot_[k]];
    models::Explanation& e = explanation_;
    model_->explain_into(raw_.data(), e, design_);
    out.baseline = e.baseline;
    out.log_odds = e.log_odds;
    for (std::size_t k : e.order) out.contributions.push_back({model_field_[k], e.contributions[k]});
    options.probability = e.probability;
  }
  out.outcome = evaluator_.evaluate(purpose_, record, options);
  if (out.outcome.insufficient_data) {
    out.contributions.clear();  // never a made-up score, nor its parts
    return;
  }
  out.probability = options.probability;
  if (!out.outcome.trace.empty() && out.outcome.trace.front().rule == dsl::kNone) {
    out.model_level = out.outcome.trace.front().to;
  }
  if (out.model_level != dsl::kNone && !p.bands.empty()) {
    const Index lowest = p.bands.front().level, highest = p.bands.back().level;
    if (out.model_level == lowest && out.outcome.level > lowest) {
      out.disagreement = "rules_above_model";
    } else if (out.model_level == highest && out.outcome.flags.empty() &&
               std::none_of(out.outcome.trace.begin(), out.outcome.trace.end(),
                            [](const LevelStep& s) { return s.rule != dsl::kNone; })) {
      out.disagreement = "model_unexplained";
    }
  }
}

}  // namespace skon::engine
