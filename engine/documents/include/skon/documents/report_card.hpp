#pragma once

// One young person's explanation card in the report, for the professional who meets them: the
// level, the probability beside the base rate, what moved it (in percentage points, adding up to
// the probability shown), the rules that fired with their texts, why review is required, what is
// missing (never shown as evidence), the purpose's guidance and how to record a decision.

#include <string>
#include <vector>

#include "skon/core/messages.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"

namespace skon::engine {

struct CardContext {
  const dsl::Program* program = nullptr;
  dsl::Index purpose = dsl::kNone;
  const models::LogisticModel* model = nullptr;  // labels and typical values; may be null
  double baseline_log_odds = 0;                  // the model's starting point (the run's manifest)
  double base_rate = 0;                          // the training rows' outcome rate
  std::string run;
  Language language = Language::Danish;
};

// A percentage-point step of the waterfall.
struct CardStep {
  std::string field;  // "" for the rest
  double points = 0;  // percentage points, rounded to tenths so that the steps add up
  bool missing = false;
};

// The steps from the starting point to the probability, each contribution in the record's order
// turned into the change in probability it makes at that point of the walk; rounded to tenths
// of a point so that start + steps = the probability shown, exactly.
std::vector<CardStep> percentage_steps(double start_log_odds,
                                       const std::vector<std::pair<std::string, double>>& parts,
                                       double others, double probability,
                                       const std::vector<std::string>& missing, double* start_shown,
                                       double* end_shown);

// The typical value of a field among the model's training rows: a number's mean, a category's
// reference value, a yes/no field's share of yes; "–" when the model does not say.
std::string typical_value(const models::LogisticModel* model, const std::string& field,
                          Language language);

// The card for one assessment record (its JSON text) as an HTML <article>.
std::string card_html(const std::string& record, const CardContext& context);

}  // namespace skon::engine
