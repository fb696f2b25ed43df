#pragma once

// The bridge from a purpose to training its model: the purpose decides the features, their
// direction constraints and the groups its gates are checked on.

#include <string>
#include <vector>

#include "skon/dsl/program.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

// Fills `spec`'s purpose, features, directions and groups: the fields in `by` (category fields,
// else base::UsageError) and every field a `gate group_gap on F` names. Throws
// base::InputError when the purpose names no model features.
void describe_training(const dsl::Program& program, dsl::Index purpose,
                       const std::vector<std::string>& by, models::TrainSpec& spec);

}  // namespace skon::engine
