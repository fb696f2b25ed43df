#include "skon/engine/rule_eval.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "skon/dsl/date.hpp"

namespace skon::engine {

namespace ast = dsl::ast;

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

std::string format_number(double v) {
  if (v == 0) return "0";  // also -0
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

struct RuleEvaluator::Scratch {
  const std::vector<Value>& record;
  std::vector<Value> lets;
  std::vector<bool> let_done;
  double flag_count = 0;
  double points = 0;
  Index level = 0;
};

namespace {

Value from_truth(Truth t) {
  return t == Truth::Unknown ? Value::missing() : Value::of_bool(t == Truth::True);
}

Truth to_truth(const Value& v) {
  if (v.kind != Value::Kind::Bool) return Truth::Unknown;
  return v.number != 0 ? Truth::True : Truth::False;
}

}  // namespace

Truth RuleEvaluator::truth(const ast::Expr& e, Scratch& s) const {
  return to_truth(eval(e, s));
}

Value RuleEvaluator::eval(const ast::Expr& e, Scratch& s) const {
  return std::visit(
      [&](const auto& k) -> Value {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ast::NumberLit>) {
          return Value::of_number(k.value);
        } else if constexpr (std::is_same_v<K, ast::BoolLit>) {
          return Value::of_bool(k.value);
        } else if constexpr (std::is_same_v<K, ast::StringLit>) {
          return Value::missing();  // rejected by the checker
        } else if constexpr (std::is_same_v<K, ast::DateLit>) {
          return Value::of_date(k.date.days);
        } else if constexpr (std::is_same_v<K, ast::NameRef>) {
          switch (k.resolved.kind) {
            case ast::Resolution::Kind::Field:
              return s.record[k.resolved.index];
            case ast::Resolution::Kind::Let: {
              const Index li = k.resolved.index;
              if (!s.let_done[li]) {
                s.lets[li] = eval(*program_.lets[li].value, s);
                s.let_done[li] = true;
              }
              return s.lets[li];
            }
            case ast::Resolution::Kind::CategoryValue:
              return Value::of_category(k.resolved.index);
            case ast::Resolution::Kind::Level:
              return Value::of_level(k.resolved.index);
            case ast::Resolution::Kind::CurrentLevel:
              return Value::of_level(s.level);
            case ast::Resolution::Kind::Unresolved:
              return Value::missing();
          }
          return Value::missing();
        } else if constexpr (std::is_same_v<K, ast::Call>) {
          const std::string& fn = k.callee.name;
          if (fn == "missing" || fn == "known") {
            const bool is_missing = eval(*k.args[0], s).is_missing();
            return Value::of_bool(fn == "missing" ? is_missing : !is_missing);
          }
          if (fn == "count") return Value::of_number(s.flag_count);
          if (fn == "sum") return Value::of_number(s.points);
          return Value::missing();
        } else if constexpr (std::is_same_v<K, ast::Unary>) {
          const Value v = eval(*k.operand, s);
          if (v.is_missing()) return v;
          if (k.op == ast::UnaryOp::Not) return Value::of_bool(v.number == 0);
          return Value::of_number(-v.number);
        } else if constexpr (std::is_same_v<K, ast::Binary>) {
          if (k.op == ast::BinaryOp::And || k.op == ast::BinaryOp::Or) {
            // Kleene logic: false and unknown = false; true or unknown = true.
            const Truth a = truth(*k.lhs, s);
            const Truth dominant = k.op == ast::BinaryOp::And ? Truth::False : Truth::True;
            if (a == dominant) return from_truth(dominant);
            const Truth b = truth(*k.rhs, s);
            if (b == dominant) return from_truth(dominant);
            if (a == Truth::Unknown || b == Truth::Unknown) return Value::missing();
            return from_truth(a);
          }
          const Value a = eval(*k.lhs, s);
          const Value b = eval(*k.rhs, s);
          if (a.is_missing() || b.is_missing()) return Value::missing();
          switch (k.op) {
            case ast::BinaryOp::Add:
              return Value::of_number(a.number + b.number);
            case ast::BinaryOp::Sub:
              return Value::of_number(a.number - b.number);
            case ast::BinaryOp::Mul:
              return Value::of_number(a.number * b.number);
            case ast::BinaryOp::Div:
              // Division by zero has no value: unknown, like missing data.
              return b.number == 0 ? Value::missing() : Value::of_number(a.number / b.number);
            case ast::BinaryOp::Eq:
              return Value::of_bool(a.number == b.number);
            case ast::BinaryOp::Ne:
              return Value::of_bool(a.number != b.number);
            case ast::BinaryOp::Lt:
              return Value::of_bool(a.number < b.number);
            case ast::BinaryOp::Le:
              return Value::of_bool(a.number <= b.number);
            case ast::BinaryOp::Gt:
              return Value::of_bool(a.number > b.number);
            case ast::BinaryOp::Ge:
              return Value::of_bool(a.number >= b.number);
            default:
              return Value::missing();
          }
        } else if constexpr (std::is_same_v<K, ast::InSet>) {
          const Value v = eval(*k.subject, s);
          if (v.is_missing()) return v;
          bool found = false;
          for (Index m : k.resolved) found |= m == v.index();
          return Value::of_bool(found != k.negated);
        } else {  // InRange, inclusive
          const Value v = eval(*k.subject, s);
          const Value lo = eval(*k.low, s);
          const Value hi = eval(*k.high, s);
          if (v.is_missing() || lo.is_missing() || hi.is_missing()) return Value::missing();
          const bool inside = v.number >= lo.number && v.number <= hi.number;
          return Value::of_bool(inside != k.negated);
        }
      },
      e.kind);
}

std::string show_value(const dsl::Program& program, const Value& v, Index field, Index let) {
  if (v.is_missing()) return "ukendt";
  switch (v.kind) {
    case Value::Kind::Number: {  // as a Danish reader writes it, like ja/nej and ukendt: 22,5
      std::string s = format_number(v.number);
      std::replace(s.begin(), s.end(), '.', ',');
      return s;
    }
    case Value::Kind::Bool:
      return v.number != 0 ? "ja" : "nej";
    case Value::Kind::Date:
      return dsl::format_iso_date(static_cast<std::int32_t>(v.number));
    case Value::Kind::Level:
      return program.level_labels[v.index()];
    case Value::Kind::Category: {
      Index f = field;
      if (f == dsl::kNone && let != dsl::kNone) f = program.lets[let].category_field;
      return f == dsl::kNone ? format_number(v.number) : program.fields[f].levels[v.index()];
    }
    case Value::Kind::Missing:
      break;
  }
  return "ukendt";
}

Value let_value(const dsl::Program& program, Index let, double raw) {
  return value_of(program.lets[let].type, raw);
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
    default:
      return Value::missing();
  }
}

std::string RuleEvaluator::show(const Value& v, Index field, Index let, Scratch&) const {
  return show_value(program_, v, field, let);
}

std::string RuleEvaluator::interpolate(const std::string& text, Scratch& s) const {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[++i];
      continue;
    }
    const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += text[i];
      continue;
    }
    const std::string name = text.substr(i + 1, close - i - 1);
    if (const Index fi = program_.find_field(name); fi != dsl::kNone) {
      out += show(s.record[fi], fi, dsl::kNone, s);
    } else if (const Index li = program_.find_let(name); li != dsl::kNone) {
      ast::Expr ref;
      ref.kind = ast::NameRef{name, {ast::Resolution::Kind::Let, li}};
      out += show(eval(ref, s), dsl::kNone, li, s);
    }
    i = close;
  }
  return out;
}

void PurposeOutcome::reset() {
  insufficient_data = false;
  completeness = 1;
  missing_fields.clear();
  probability.reset();
  level = dsl::kNone;
  trace.clear();
  flags.clear();
  points = 0;
  review_required = false;
  review_reasons.clear();
  guidance = {};
  rule_truth.clear();
}

std::string RuleEvaluator::insufficient_reason(double completeness, double minimum) {
  // Danish text, Danish decimal comma.
  const auto percent = [](double share) {
    std::string text = format_number(std::round(share * 1000) / 10);
    std::replace(text.begin(), text.end(), '.', ',');
    return text + " %";
  };
  return "For få data til en vurdering: " + percent(completeness) + " kendt, kræver " +
         percent(minimum);
}

std::string RuleEvaluator::flag_text(Index rule, const std::vector<Value>& record) const {
  Scratch s{record, std::vector<Value>(program_.lets.size()),
            std::vector<bool>(program_.lets.size(), false)};
  return interpolate(program_.rules[rule].flag->text->value, s);
}

PurposeOutcome RuleEvaluator::evaluate(Index purpose_index, const std::vector<Value>& record,
                                       const Options& options) const {
  const dsl::PurposeInfo& purpose = program_.purposes[purpose_index];
  PurposeOutcome out;
  Scratch s{record, std::vector<Value>(program_.lets.size()),
            std::vector<bool>(program_.lets.size(), false)};

  // 1. Completeness over the model's features (all read fields when there is no model).
  const auto& basis = purpose.features.empty() ? purpose.fields_read : purpose.features;
  std::size_t known = 0;
  for (Index f : basis) known += record[f].is_missing() ? 0 : 1;
  for (Index f : purpose.fields_read) {
    if (record[f].is_missing()) out.missing_fields.push_back(f);
  }
  out.completeness =
      basis.empty() ? 1.0 : static_cast<double>(known) / static_cast<double>(basis.size());
  if (options.check_completeness && out.completeness + 1e-12 < purpose.completeness) {
    out.insufficient_data = true;
    out.review_required = true;
    out.review_reasons.push_back(insufficient_reason(out.completeness, purpose.completeness));
    return out;
  }

  // 2. The model's band.
  s.level = purpose.bands.empty() ? 0 : purpose.bands.front().level;
  if (options.probability) {
    out.probability = options.probability;
    for (const dsl::Band& band : purpose.bands) {
      if (!band.below || *options.probability < *band.below) {
        s.level = band.level;
        break;
      }
    }
    out.trace.push_back(LevelStep{dsl::kNone, s.level, dsl::kNone, "model"});
  }

  // 3. Rules in evaluation order.
  out.rule_truth.reserve(purpose.rules.size());
  for (Index ri : purpose.rules) {
    const dsl::RuleInfo& rule = program_.rules[ri];
    const Truth t = rule.condition ? truth(*rule.condition, s) : Truth::False;
    out.rule_truth.push_back(t);
    if (t != Truth::True) continue;
    if (rule.flag != nullptr) {
      out.flags.push_back(FlagRaised{ri, interpolate(rule.flag->text->value, s)});
      s.flag_count += 1;
    }
    if (rule.points) s.points += *rule.points;
    if (rule.raise_to != dsl::kNone && rule.raise_to > s.level) {
      out.trace.push_back(LevelStep{s.level, rule.raise_to, ri, rule.raise_because});
      s.level = rule.raise_to;
    }
    if (rule.cap_at != dsl::kNone && rule.cap_at < s.level) {
      out.trace.push_back(LevelStep{s.level, rule.cap_at, ri, rule.cap_because});
      s.level = rule.cap_at;
    }
    if (rule.review_because) {
      out.review_required = true;
      out.review_reasons.push_back(*rule.review_because);
    }
  }
  out.level = s.level;
  out.points = s.points;

  // 4. Review triggers; unknown fails closed.
  for (const dsl::ReviewTrigger& trigger : purpose.reviews) {
    const Truth t = truth(*trigger.condition, s);
    if (t == Truth::True) {
      out.review_required = true;
      out.review_reasons.push_back(trigger.reason);
    } else if (t == Truth::Unknown) {
      out.review_required = true;
      out.review_reasons.push_back(trigger.reason + " (kunne ikke afgøres: data mangler)");
    }
  }

  // 5. Guidance.
  if (auto it = purpose.guidance.find(s.level); it != purpose.guidance.end()) {
    out.guidance = it->second;
  }
  return out;
}

}  // namespace skon::engine
