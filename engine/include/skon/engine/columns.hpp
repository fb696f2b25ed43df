#pragma once

// The bridge between the language and the models library: a field declaration becomes the
// column description the cohort reader and the preprocessing work with.

#include "skon/dsl/program.hpp"
#include "skon/models/schema.hpp"

namespace skon::engine {

models::ColumnSpec column_spec(const dsl::Program& program, dsl::Index field);

}  // namespace skon::engine
