#include "support/reference_evaluator.hpp"

#include <cmath>
#include <stdexcept>

namespace skon::test {

namespace ast = dsl::ast;
using engine::Undecided;

namespace {

// A value during evaluation: a number (bools 1/0, categories and levels by index, dates as days)
// or unknown for one of two reasons.
struct V {
  enum class Kind { Number, Missing, NoValue } kind = Kind::Number;
  double x = 0;
  bool unknown() const { return kind != Kind::Number; }
};

V num(double x) {
  return {V::Kind::Number, x};
}
V truth(bool b) {
  return num(b ? 1 : 0);
}
V missing() {
  return {V::Kind::Missing, 0};
}

// Missing data wins over no value.
V unknown_of(std::initializer_list<V> operands) {
  for (const V& v : operands) {
    if (v.kind == V::Kind::Missing) return missing();
  }
  return {V::Kind::NoValue, 0};
}

struct Scratch {
  const std::vector<double>& record;
  std::vector<std::optional<V>> lets;
  double flags = 0, points = 0;
  dsl::Index level = 0;
  std::vector<std::optional<V>> fired;  // per program rule, once its stratum is decided
};

class Walker {
 public:
  Walker(const dsl::Program& p, Scratch& s) : p_(p), s_(s) {}

  V eval(const ast::Expr& e) {
    return std::visit(ast::Overloaded{
                          [](const ast::NumberLit& k) { return num(k.value); },
                          [](const ast::BoolLit& k) { return truth(k.value); },
                          [](const ast::StringLit&) { return missing(); },
                          [](const ast::DateLit& k) { return num(k.date.days); },
                          [&](const ast::NameRef& k) -> V {
                            switch (k.resolved.kind) {
                              case ast::Resolution::Kind::Field: {
                                const double raw = s_.record[k.resolved.index];
                                return std::isnan(raw) ? missing() : num(raw);
                              }
                              case ast::Resolution::Kind::Let: {
                                auto& slot = s_.lets[k.resolved.index];
                                if (!slot) slot = eval(*p_.lets[k.resolved.index].value);
                                return *slot;
                              }
                              case ast::Resolution::Kind::CategoryValue:
                              case ast::Resolution::Kind::Level:
                                return num(k.resolved.index);
                              case ast::Resolution::Kind::CurrentLevel:
                                return num(s_.level);
                              case ast::Resolution::Kind::Rule:
                              case ast::Resolution::Kind::Unresolved:
                                break;
                            }
                            return missing();
                          },
                          [&](const ast::Call& k) -> V {
                            const std::string& fn = k.callee.name;
                            if (fn == "count" || fn == "sum") return aggregate(k);
                            if (fn == "fired") {
                              const auto& arg = std::get<ast::NameRef>(k.args[0]->kind);
                              const auto& t = s_.fired.at(arg.resolved.index);
                              if (!t) throw std::logic_error("fired() read before decided");
                              return *t;
                            }
                            const bool has_value = !eval(*k.args[0]).unknown();
                            return truth(fn == "known" ? has_value : !has_value);
                          },
                          [&](const ast::Unary& k) -> V {
                            const V v = eval(*k.operand);
                            if (v.unknown()) return v;
                            return k.op == ast::UnaryOp::Not ? truth(v.x == 0) : num(-v.x);
                          },
                          [&](const ast::Binary& k) { return binary(k); },
                          [&](const ast::InSet& k) -> V {
                            const V v = eval(*k.subject);
                            if (v.unknown()) return v;
                            bool found = false;
                            for (std::uint32_t m : k.resolved) found |= m == v.x;
                            return truth(found != k.negated);
                          },
                          [&](const ast::InRange& k) -> V {
                            const V v = eval(*k.subject), lo = eval(*k.low), hi = eval(*k.high);
                            if (v.unknown() || lo.unknown() || hi.unknown())
                              return unknown_of({v, lo, hi});
                            return truth((v.x >= lo.x && v.x <= hi.x) != k.negated);
                          },
                      },
                      e.kind);
  }

 private:
  // count(flags) / sum(points) read the running totals; a subset adds up the rules it names
  // that fired and apply to the purpose.
  V aggregate(const ast::Call& k) {
    const bool count = k.callee.name == "count";
    const auto* subset = std::get_if<ast::InSet>(&k.args[0]->kind);
    if (subset == nullptr) return num(count ? s_.flags : s_.points);
    double total = 0;
    for (std::uint32_t ri : subset->resolved) {
      const auto& t = s_.fired.at(ri);
      if (!t || t->unknown() || t->x == 0) continue;
      const dsl::RuleInfo& rule = p_.rules[ri];
      total += count ? (rule.flag != nullptr ? 1 : 0) : rule.points.value_or(0);
    }
    return num(total);
  }

  V binary(const ast::Binary& k) {
    if (k.op == ast::BinaryOp::And || k.op == ast::BinaryOp::Or) {
      // Kleene: false and unknown = false; true or unknown = true. Both sides are evaluated
      // (the plan does), which is unobservable: expressions have no side effects.
      const double dominant = k.op == ast::BinaryOp::And ? 0 : 1;
      const V a = eval(*k.lhs), b = eval(*k.rhs);
      if ((!a.unknown() && a.x == dominant) || (!b.unknown() && b.x == dominant)) {
        return num(dominant);
      }
      if (a.unknown() || b.unknown()) return unknown_of({a, b});
      return num(1 - dominant);
    }
    const V a = eval(*k.lhs), b = eval(*k.rhs);
    if (a.unknown() || b.unknown()) return unknown_of({a, b});
    double r = 0;
    switch (k.op) {
      case ast::BinaryOp::Add:
        r = a.x + b.x;
        break;
      case ast::BinaryOp::Sub:
        r = a.x - b.x;
        break;
      case ast::BinaryOp::Mul:
        r = a.x * b.x;
        break;
      case ast::BinaryOp::Div:
        if (b.x == 0) return unknown_of({});  // division by zero has no value
        r = a.x / b.x;
        break;
      case ast::BinaryOp::Eq:
        return truth(a.x == b.x);
      case ast::BinaryOp::Ne:
        return truth(a.x != b.x);
      case ast::BinaryOp::Lt:
        return truth(a.x < b.x);
      case ast::BinaryOp::Le:
        return truth(a.x <= b.x);
      case ast::BinaryOp::Gt:
        return truth(a.x > b.x);
      case ast::BinaryOp::Ge:
        return truth(a.x >= b.x);
      case ast::BinaryOp::And:
      case ast::BinaryOp::Or:
        break;
    }
    if (!std::isfinite(r)) return unknown_of({});  // overflow: no value
    return num(r);
  }

  const dsl::Program& p_;
  Scratch& s_;
};

std::string interpolate(const dsl::Program& p, const std::string& text, Walker& w,
                        const std::vector<double>& record) {
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
    if (const dsl::Index fi = p.find_field(name); fi != dsl::kNone) {
      out += engine::show_value(p, engine::value_of(p.fields[fi].type, record[fi]), fi, dsl::kNone,
                                engine::Language::Danish);
    } else if (const dsl::Index li = p.find_let(name); li != dsl::kNone) {
      ast::Expr ref;
      ref.kind = ast::NameRef{name, {ast::Resolution::Kind::Let, li}};
      const V v = w.eval(ref);
      out += engine::show_value(p, engine::value_of(p.lets[li].type, v.unknown() ? NAN : v.x),
                                dsl::kNone, li, engine::Language::Danish);
    }
    i = close;
  }
  return out;
}

}  // namespace

engine::PurposeOutcome ReferenceEvaluator::evaluate(dsl::Index purpose_index,
                                                    const std::vector<double>& record,
                                                    std::optional<double> probability) const {
  const dsl::PurposeInfo& purpose = program_.purposes[purpose_index];
  engine::PurposeOutcome out;
  Scratch s{record, std::vector<std::optional<V>>(program_.lets.size()), 0, 0, 0, {}};
  Walker walker(program_, s);

  const auto& basis = purpose.features.empty() ? purpose.fields_read : purpose.features;
  std::size_t known = 0;
  for (dsl::Index f : basis) known += std::isnan(record[f]) ? 0 : 1;
  for (dsl::Index f : purpose.fields_read) {
    if (std::isnan(record[f])) out.missing_fields.push_back(f);
  }
  out.completeness =
      basis.empty() ? 1.0 : static_cast<double>(known) / static_cast<double>(basis.size());
  out.completeness_required = purpose.completeness;
  if (out.completeness + 1e-12 < purpose.completeness) {
    out.insufficient_data = true;
    out.review_required = true;
    out.review_reasons.push_back({engine::ReviewReason::Kind::InsufficientData, dsl::kNone, {}});
    return out;
  }

  s.level = purpose.bands.empty() ? 0 : purpose.bands.front().level;
  if (probability) {
    out.probability = probability;
    for (const dsl::Band& band : purpose.bands) {
      if (!band.below || *probability < *band.below) {
        s.level = band.level;
        break;
      }
    }
    out.trace.push_back(engine::LevelStep{dsl::kNone, s.level, dsl::kNone, "model"});
  }

  // Stratum by stratum: decide every condition of the stratum on the state so far, then apply
  // the effects (raises before caps).
  s.fired.assign(program_.rules.size(), std::nullopt);
  for (std::size_t begin = 0; begin < purpose.rules.size();) {
    std::size_t end = begin;
    while (end < purpose.rules.size() && purpose.strata[end] == purpose.strata[begin]) ++end;
    std::vector<V> decided;
    for (std::size_t k = begin; k < end; ++k) {
      const dsl::RuleInfo& rule = program_.rules[purpose.rules[k]];
      decided.push_back(rule.condition ? walker.eval(*rule.condition) : truth(false));
    }
    for (std::size_t k = begin; k < end; ++k) {
      const dsl::Index ri = purpose.rules[k];
      const dsl::RuleInfo& rule = program_.rules[ri];
      const V t = decided[k - begin];
      s.fired[ri] = t;
      if (t.unknown()) {
        out.rule_truth.push_back(engine::Truth::Unknown);
        out.undecided.push_back(
            {ri, t.kind == V::Kind::NoValue ? Undecided::NoValue : Undecided::MissingData});
        continue;
      }
      out.rule_truth.push_back(t.x != 0 ? engine::Truth::True : engine::Truth::False);
      if (t.x == 0) continue;
      if (rule.flag != nullptr) {
        out.flags.push_back({ri, interpolate(program_, rule.flag->text->pattern, walker, record)});
        s.flags += 1;
      }
      if (rule.points) s.points += *rule.points;
      if (rule.raise_to != dsl::kNone && rule.raise_to > s.level) {
        out.trace.push_back(engine::LevelStep{s.level, rule.raise_to, ri, rule.raise_because});
        s.level = rule.raise_to;
      }
      if (rule.review_because) {
        out.review_required = true;
        out.review_reasons.push_back({engine::ReviewReason::Kind::Rule, ri, {}});
      }
    }
    for (std::size_t k = begin; k < end; ++k) {
      const dsl::Index ri = purpose.rules[k];
      const dsl::RuleInfo& rule = program_.rules[ri];
      const V t = decided[k - begin];
      if (t.unknown() || t.x == 0 || rule.cap_at == dsl::kNone || rule.cap_at >= s.level) continue;
      out.trace.push_back(engine::LevelStep{s.level, rule.cap_at, ri, rule.cap_because});
      s.level = rule.cap_at;
    }
    begin = end;
  }
  out.level = s.level;
  out.points = s.points;

  for (std::size_t r = 0; r < purpose.reviews.size(); ++r) {
    const V t = walker.eval(*purpose.reviews[r].condition);
    if (!t.unknown() && t.x == 0) continue;
    out.review_required = true;
    engine::ReviewReason reason{
        engine::ReviewReason::Kind::Trigger, static_cast<dsl::Index>(r), {}};
    if (t.unknown()) {
      reason.undecided = t.kind == V::Kind::NoValue ? Undecided::NoValue : Undecided::MissingData;
    }
    out.review_reasons.push_back(reason);
  }
  if (auto it = purpose.guidance.find(s.level); it != purpose.guidance.end()) {
    out.guidance = it->second;
  }
  return out;
}

}  // namespace skon::test
