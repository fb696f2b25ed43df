#include "skon/core/columns.hpp"

#include "skon/base/errors.hpp"

namespace skon::engine {

models::ColumnSpec column_spec(const dsl::Program& program, dsl::Index field) {
  const dsl::FieldInfo& f = program.fields.at(field);
  models::ColumnSpec c;
  c.name = f.name;
  c.label = f.label;
  c.low = f.low;
  c.high = f.high;
  c.levels = f.levels;
  c.source = f.source == dsl::kNone ? "" : program.source_infos[f.source].name;
  switch (f.type) {
    case dsl::ValueType::Number:
      c.type = models::ColumnType::Number;
      break;
    case dsl::ValueType::Bool:
      c.type = models::ColumnType::Bool;
      break;
    case dsl::ValueType::Category:
      c.type = models::ColumnType::Category;
      break;
    case dsl::ValueType::Date:
      c.type = models::ColumnType::Date;
      break;
    default:
      c.type = models::ColumnType::Text;
      break;
  }
  return c;
}

std::map<std::string, std::string> check_column_bindings(
    const dsl::Program& program, const std::map<std::string, std::string>& header_for) {
  for (const auto& [field, header] : header_for) {
    if (program.find_field(field) == dsl::kNone) {
      throw base::InputError("the column mapping names `" + field +
                             "`, which is no field of the rule set");
    }
  }
  std::map<std::string, std::string> column_of;  // field -> column
  std::map<std::string, std::string> reader_of;  // column -> field
  for (const dsl::FieldInfo& f : program.fields) {
    const auto it = header_for.find(f.name);
    const std::string& column = it == header_for.end() ? f.name : it->second;
    if (const auto other = reader_of.find(column); other != reader_of.end()) {
      throw base::InputError("the column mapping lets fields `" + other->second + "` and `" +
                             f.name + "` both read column '" + column +
                             "': a field may not read another field's column; correct the mapping");
    }
    reader_of[column] = f.name;
    column_of[f.name] = column;
  }
  return column_of;
}

}  // namespace skon::engine
