#include "skon/core/training.hpp"

#include <algorithm>

#include "skon/core/columns.hpp"

namespace skon::engine {

void describe_training(const dsl::Program& program, dsl::Index pi,
                       const std::vector<std::string>& by, models::TrainSpec& spec) {
  const dsl::PurposeInfo& purpose = program.purposes[pi];
  if (purpose.score_field != dsl::kNone) {
    throw base::InputError("purpose '" + purpose.name + "' takes its score from field '" +
                           program.fields[purpose.score_field].name +
                           "'; there is no model to train (measure the score with `skon "
                           "evaluate --rules ... --purpose " +
                           purpose.name + "`)");
  }
  if (purpose.features.empty()) {
    throw base::InputError("purpose '" + purpose.name +
                           "' names no model features; add `features FIELD, ...` to it");
  }
  spec.purpose = purpose.name;
  for (dsl::Index f : purpose.features) {
    spec.features.push_back(column_spec(program, f));
    int d = 0;
    for (const auto& dir : purpose.directions) {
      if (dir.field == f) d = dir.raises ? 1 : -1;
    }
    spec.directions.push_back(d);
  }
  for (const auto& g : by) {
    const dsl::Index f = program.find_field(g);
    if (f == dsl::kNone || program.fields[f].type != dsl::ValueType::Category) {
      throw base::UsageError("--by needs category fields; '" + g + "' is not one");
    }
    spec.groups.push_back(column_spec(program, f));
  }
  // A `gate group_gap on F` is checked against the gaps the model file records: record them.
  for (const auto& gate : purpose.gates) {
    if (gate.metric != "group_gap" || gate.field == dsl::kNone) continue;
    const std::string& name = program.fields[gate.field].name;
    if (std::none_of(spec.groups.begin(), spec.groups.end(),
                     [&](const auto& g) { return g.name == name; })) {
      spec.groups.push_back(column_spec(program, gate.field));
    }
  }
}

}  // namespace skon::engine
