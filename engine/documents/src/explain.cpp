#include "skon/documents/explain.hpp"

#include <algorithm>

#include "skon/core/columns.hpp"
#include "skon/documents/card.hpp"

namespace skon::engine {

std::optional<std::vector<double>> find_record(models::RecordSource& source, std::string_view id) {
  models::Row row;
  while (source.next(row)) {
    if (row.texts[0] == id) return std::vector<double>(row.values.begin() + 1, row.values.end());
  }
  return std::nullopt;
}

std::vector<double> record_from_assignments(const Run& run,
                                            const std::vector<std::string>& assignments,
                                            const models::ReadOptions& read) {
  const dsl::Program& program = *run.inputs().program;
  const std::vector<Index>& fields = run.assessor().input_fields();
  std::vector<double> values(fields.size(), models::kMissing);
  for (const std::string& assignment : assignments) {
    const auto eq = assignment.find('=');
    const std::string name = assignment.substr(0, eq);
    const auto it = std::find_if(fields.begin(), fields.end(),
                                 [&](Index f) { return program.fields[f].name == name; });
    if (eq == std::string::npos || it == fields.end()) {
      throw base::UsageError("--set " + name + ": expected FIELD=VALUE for a field purpose '" +
                             program.purposes[run.inputs().purpose].name + "' reads");
    }
    const std::size_t slot = static_cast<std::size_t>(it - fields.begin());
    std::string expected;
    if (!models::parse_cell(assignment.substr(eq + 1), column_spec(program, *it), read,
                            values[slot], expected)) {
      throw base::InputError("--set " + name + ": expected " + expected);
    }
  }
  return values;
}

std::string explain_record(const Run& run, const std::vector<double>& values,
                           std::string_view person) {
  Assessment a;
  run.assessor().assess(values, a);
  return render_card(run.assessor(), a, person, run.options().language, run.options().date_given,
                     &values);
}

}  // namespace skon::engine
