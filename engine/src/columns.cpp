#include "skon/engine/columns.hpp"

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

}  // namespace skon::engine
