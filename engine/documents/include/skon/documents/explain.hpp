#pragma once

// One person's explanation (`skon explain`): the record found by id in a cohort, or given as
// FIELD=VALUE assignments, assessed by the run's assessor and rendered as a card.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skon/core/run.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

// The input values of the first record whose id (the source's first column) is `id`.
std::optional<std::vector<double>> find_record(models::RecordSource& source, std::string_view id);

// Input values from "FIELD=VALUE" assignments; fields not assigned are missing. Throws
// base::UsageError for an assignment that names no field the purpose reads, and
// base::InputError for a value the field does not take.
std::vector<double> record_from_assignments(const Run& run,
                                            const std::vector<std::string>& assignments,
                                            const models::ReadOptions& read);

// The card for `values` (Assessor::input_fields() order), about `person`.
std::string explain_record(const Run& run, const std::vector<double>& values,
                           std::string_view person);

}  // namespace skon::engine
