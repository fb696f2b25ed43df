#include "skon/core/outcome.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "skon/base/date.hpp"

namespace skon::engine {

const char* to_string(Truth t) {
  switch (t) {
    case Truth::False:
      return "false";
    case Truth::True:
      return "true";
    case Truth::Unknown:
      return "unknown";
  }
  return "unknown";
}

const char* to_string(Undecided u) {
  switch (u) {
    case Undecided::MissingData:
      return "missing_data";
    case Undecided::NoValue:
      return "no_value";
  }
  return "missing_data";
}

std::string format_number(double v) {
  if (v == 0) return "0";  // also -0
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

void PurposeOutcome::reset() {
  insufficient_data = false;
  completeness = 1;
  completeness_required = 0;
  missing_fields.clear();
  no_consent_fields.clear();
  probability.reset();
  level = dsl::kNone;
  trace.clear();
  flags.clear();
  points = 0;
  review_required = false;
  review_reasons.clear();
  undecided.clear();
  guidance = {};
  rule_truth.clear();
}

std::string review_reason_text(const dsl::Program& program, Index purpose,
                               const PurposeOutcome& outcome, const ReviewReason& reason,
                               Language language) {
  switch (reason.kind) {
    case ReviewReason::Kind::InsufficientData:
      return format(language, Msg::ReasonInsufficientData,
                    {format_share(outcome.completeness, language),
                     format_share(outcome.completeness_required, language)});
    case ReviewReason::Kind::MissingScore: {
      const dsl::FieldInfo& f = program.fields[program.purposes[purpose].score_field];
      return format(language, Msg::ReasonMissingScore, {f.label.empty() ? f.name : f.label});
    }
    case ReviewReason::Kind::Rule:
      return program.rules[reason.index].review_because.value_or("");
    case ReviewReason::Kind::Trigger: {
      const std::string& text = program.purposes[purpose].reviews[reason.index].reason;
      if (!reason.undecided) return text;
      return format(language,
                    *reason.undecided == Undecided::NoValue ? Msg::ReasonUndecidedNoValue
                                                            : Msg::ReasonUndecidedMissing,
                    {text});
    }
  }
  return "";
}

const std::string& review_reason_id(const dsl::Program& program, Index purpose,
                                    const ReviewReason& reason) {
  static const std::string insufficient = dsl::kInsufficientDataReason;
  static const std::string missing_score = dsl::kMissingScoreReason;
  switch (reason.kind) {
    case ReviewReason::Kind::MissingScore:
      return missing_score;
    case ReviewReason::Kind::Rule:
      return program.rules[reason.index].name;
    case ReviewReason::Kind::Trigger:
      return program.purposes[purpose].reviews[reason.index].id;
    case ReviewReason::Kind::InsufficientData:
      break;
  }
  return insufficient;
}

std::string show_value(const dsl::Program& program, const Value& v, Index field, Index let,
                       Language language) {
  switch (v.kind) {
    case Value::Kind::Missing:
      break;
    case Value::Kind::Number: {  // shortest, with the language's decimal mark; no allocation
      char buffer[64];
      char* end = v.number == 0 ? (buffer[0] = '0', buffer + 1)
                                : std::to_chars(buffer, buffer + sizeof buffer, v.number).ptr;
      if (language == Language::Danish) std::replace(buffer, end, '.', ',');
      return std::string(buffer, end);
    }
    case Value::Kind::Bool:
      return std::string(text(language, v.number != 0 ? Msg::ValueYes : Msg::ValueNo));
    case Value::Kind::Date:
      return base::format_iso_date(static_cast<std::int32_t>(v.number));
    case Value::Kind::Level:
      return language == Language::Danish ? program.level_labels[v.index()]
                                          : program.levels[v.index()];
    case Value::Kind::Category: {
      Index f = field;
      if (f == dsl::kNone && let != dsl::kNone) f = program.lets[let].category_field;
      return f == dsl::kNone ? format_number(v.number) : program.fields[f].levels[v.index()];
    }
  }
  return std::string(text(language, Msg::ValueUnknown));
}

Value value_of(dsl::ValueType type, double raw) {
  if (std::isnan(raw)) return Value::missing();
  switch (type) {
    case dsl::ValueType::Number:
      return Value::of_number(raw);
    case dsl::ValueType::Bool:
      return Value::of_bool(raw != 0);
    case dsl::ValueType::Category:
      return Value::of_category(static_cast<std::uint32_t>(raw));
    case dsl::ValueType::Date:
      return Value::of_date(static_cast<std::int32_t>(raw));
    case dsl::ValueType::Level:
      return Value::of_level(static_cast<std::uint32_t>(raw));
    case dsl::ValueType::Text:
    case dsl::ValueType::Error:
      break;
  }
  return Value::missing();
}

}  // namespace skon::engine
