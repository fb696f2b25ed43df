#pragma once

// The bridge between the language and the models library: a field declaration becomes the
// column description the cohort reader and the preprocessing work with.

#include <map>
#include <string>

#include "skon/dsl/program.hpp"
#include "skon/models/schema.hpp"

namespace skon::engine {

models::ColumnSpec column_spec(const dsl::Program& program, dsl::Index field);

// Checks a mapping from field names to the file's column headers (`--map`) against the rule set
// and returns every declared field's column (its own name unless mapped). A mapping must not get
// around what the reviewed rules say: it may name only declared fields, and no two fields may read
// one column — so a field cannot be pointed at another field's data (an unprotected alias at a
// protected column, an ordinary field at a special-category one). Throws base::InputError.
std::map<std::string, std::string> check_column_bindings(
    const dsl::Program& program, const std::map<std::string, std::string>& header_for);

}  // namespace skon::engine
