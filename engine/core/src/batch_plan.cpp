#include "skon/core/batch_plan.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "skon/core/assessor.hpp"

namespace skon::engine {

namespace ast = dsl::ast;

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kNoValueBits = 0x7FF8'0000'0000'0B0DULL;  // a quiet NaN with a payload
constexpr std::uint64_t kSignBit = 0x8000'0000'0000'0000ULL;

// The unknown that an operation on `a` and `b` gives when at least one is unknown or its result
// is not a finite number: missing data if either operand is missing, else no value.
inline double unknown_of(double a, double b) {
  const bool a_missing = std::isnan(a) && !is_no_value(a);
  const bool b_missing = std::isnan(b) && !is_no_value(b);
  return a_missing || b_missing ? kMissing : no_value();
}

inline double arithmetic_result(double r, double a, double b) {
  return std::isfinite(r) ? r : unknown_of(a, b);
}

inline std::uint8_t truth_code(double t) {
  if (!std::isnan(t)) return t != 0 ? BatchPlan::kTrue : BatchPlan::kFalse;
  return is_no_value(t) ? BatchPlan::kUnknownNoValue : BatchPlan::kUnknownMissing;
}

Truth to_truth(std::uint8_t code) {
  return code == BatchPlan::kTrue    ? Truth::True
         : code == BatchPlan::kFalse ? Truth::False
                                     : Truth::Unknown;
}

}  // namespace

double no_value() {
  return std::bit_cast<double>(kNoValueBits);
}

bool is_no_value(double v) {
  return (std::bit_cast<std::uint64_t>(v) & ~kSignBit) == kNoValueBits;
}

BatchPlan::BatchPlan(const dsl::Program& program, Index purpose, std::vector<Index> input_fields,
                     Language language, std::optional<std::int32_t> as_of)
    : program_(program),
      purpose_(purpose),
      language_(language),
      input_fields_(std::move(input_fields)) {
  slot_of_field_.assign(program.fields.size(), -1);
  for (std::size_t i = 0; i < input_fields_.size(); ++i) {
    slot_of_field_[input_fields_[i]] = static_cast<int>(i);
  }
  // Lets get permanent registers; each rule and trigger then reuses the temporaries above them.
  Reg next = 0;
  let_register_.assign(program.lets.size(), 0);
  for (Index li = 0; li < program.lets.size(); ++li) {
    Code code;
    let_register_[li] = compile(*program.lets[li].value, code, next);
    code.result = let_register_[li];
    lets_.push_back(std::move(code));
  }
  const Reg first_temporary = next;
  Reg most = next;
  const dsl::PurposeInfo& p = program.purposes[purpose];
  position_of_rule_.assign(program.rules.size(), -1);
  for (std::size_t k = 0; k < p.rules.size(); ++k) {
    position_of_rule_[p.rules[k]] = static_cast<int>(k);
    if (k == 0 || p.strata[k] != p.strata[k - 1]) strata_.push_back({k, k});
    strata_.back().second = k + 1;
  }
  for (Index ri : p.rules) {
    Code code;
    next = first_temporary;
    const dsl::RuleInfo& rule = program.rules[ri];
    const bool active = !as_of || ((!rule.effective_from || *as_of >= *rule.effective_from) &&
                                   (!rule.effective_to || *as_of <= *rule.effective_to));
    in_effect_.push_back(active);
    if (rule.condition != nullptr && active) {
      code.result = compile(*rule.condition, code, next);
    } else {  // no condition, or not in effect: never fires
      code.instrs.push_back({Op::Const, next, 0, 0, 0, 0.0});
      code.result = next++;
    }
    most = std::max(most, next);
    rules_.push_back(std::move(code));
  }
  for (const auto& trigger : p.reviews) {
    Code code;
    next = first_temporary;
    code.result = compile(*trigger.condition, code, next);
    most = std::max(most, next);
    triggers_.push_back(std::move(code));
  }
  registers_ = most;

  // Flag texts: `{name}` is a field or derived value, `\x` is x.
  for (Index ri : p.rules) {
    std::vector<TextPart> parts(1);
    const dsl::RuleInfo& rule = program.rules[ri];
    const std::string text = rule.flag != nullptr ? rule.flag->text->pattern : "";
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        parts.back().literal += text[++i];
        continue;
      }
      const std::size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
      if (close == std::string::npos) {
        parts.back().literal += text[i];
        continue;
      }
      const std::string name = text.substr(i + 1, close - i - 1);
      if (const Index fi = program.find_field(name); fi != dsl::kNone) {
        parts.back().field = fi;
        parts.emplace_back();
      } else if (const Index li = program.find_let(name); li != dsl::kNone) {
        parts.back().let = li;
        parts.emplace_back();
      }
      i = close;
    }
    flag_texts_.push_back(std::move(parts));
  }
}

std::string BatchPlan::flag_text(std::size_t rule, const State& s, std::size_t i,
                                 const double* raw) const {
  std::string out;
  for (const TextPart& part : flag_texts_[rule]) {
    out += part.literal;
    if (part.field != dsl::kNone) {
      const int slot = slot_of_field_[part.field];
      const double v = slot < 0 ? kMissing : raw[slot];
      out += show_value(program_, value_of(program_.fields[part.field].type, v), part.field,
                        dsl::kNone, language_);
    } else if (part.let != dsl::kNone) {
      const double v = s.registers[static_cast<std::size_t>(let_register_[part.let]) * kBatch + i];
      out += show_value(program_, value_of(program_.lets[part.let].type, v), dsl::kNone, part.let,
                        language_);
    }
  }
  return out;
}

BatchPlan::Reg BatchPlan::compile(const ast::Expr& e, Code& code, Reg& next) {
  const auto emit = [&](Instr in) {
    in.dst = next++;
    code.instrs.push_back(in);
    return in.dst;
  };
  const auto constant = [&](double k) { return emit({Op::Const, 0, 0, 0, 0, k}); };
  return std::visit(
      ast::Overloaded{
          [&](const ast::NumberLit& k) { return constant(k.value); },
          [&](const ast::BoolLit& k) { return constant(k.value ? 1.0 : 0.0); },
          [&](const ast::StringLit&) { return constant(kMissing); },  // refused by the checker
          [&](const ast::DateLit& k) { return constant(static_cast<double>(k.date.days)); },
          [&](const ast::NameRef& k) -> Reg {
            switch (k.resolved.kind) {
              case ast::Resolution::Kind::Field: {
                const int slot = slot_of_field_[k.resolved.index];
                if (slot < 0) return constant(kMissing);
                return emit({Op::Field, 0, static_cast<Reg>(slot), 0, 0, 0.0});
              }
              case ast::Resolution::Kind::Let:
                return let_register_[k.resolved.index];
              case ast::Resolution::Kind::CategoryValue:
              case ast::Resolution::Kind::Level:
                return constant(static_cast<double>(k.resolved.index));
              case ast::Resolution::Kind::CurrentLevel:
                return emit({Op::Level, 0, 0, 0, 0, 0.0});
              case ast::Resolution::Kind::Rule:  // only as fired()'s argument, compiled there
              case ast::Resolution::Kind::Unresolved:
                break;
            }
            return constant(kMissing);
          },
          [&](const ast::Call& k) -> Reg {
            const std::string& fn = k.callee.name;
            if (fn == "count" || fn == "sum") {
              const auto* subset = std::get_if<ast::InSet>(&k.args[0]->kind);
              if (subset == nullptr) {
                return emit({fn == "count" ? Op::Flags : Op::Points, 0, 0, 0, 0, 0.0});
              }
              std::vector<Weighted> members;
              for (Index ri : subset->resolved) {
                const int at = position_of_rule_[ri];
                const dsl::RuleInfo& rule = program_.rules[ri];
                const double weight =
                    fn == "count" ? (rule.flag != nullptr ? 1.0 : 0.0) : rule.points.value_or(0.0);
                if (at >= 0 && weight != 0)
                  members.push_back({static_cast<std::size_t>(at), weight});
              }
              subsets_.push_back(std::move(members));
              return emit({Op::Subset, 0, 0, 0, static_cast<Reg>(subsets_.size() - 1), 0.0});
            }
            if (fn == "fired") {
              const auto& arg = std::get<ast::NameRef>(k.args[0]->kind);
              const int at = position_of_rule_[arg.resolved.index];
              if (at < 0) return constant(0.0);  // refused by the checker
              return emit({Op::Fired, 0, static_cast<Reg>(at), 0, 0, 0.0});
            }
            const Reg a = compile(*k.args[0], code, next);
            return emit({fn == "missing" ? Op::Missing : Op::Known, 0, a, 0, 0, 0.0});
          },
          [&](const ast::Unary& k) {
            const Reg a = compile(*k.operand, code, next);
            return emit({k.op == ast::UnaryOp::Not ? Op::Not : Op::Neg, 0, a, 0, 0, 0.0});
          },
          [&](const ast::Binary& k) {
            const Reg a = compile(*k.lhs, code, next);
            const Reg b = compile(*k.rhs, code, next);
            Op op = Op::And;
            switch (k.op) {
              case ast::BinaryOp::Or:
                op = Op::Or;
                break;
              case ast::BinaryOp::And:
                op = Op::And;
                break;
              case ast::BinaryOp::Eq:
                op = Op::Eq;
                break;
              case ast::BinaryOp::Ne:
                op = Op::Ne;
                break;
              case ast::BinaryOp::Lt:
                op = Op::Lt;
                break;
              case ast::BinaryOp::Le:
                op = Op::Le;
                break;
              case ast::BinaryOp::Gt:
                op = Op::Gt;
                break;
              case ast::BinaryOp::Ge:
                op = Op::Ge;
                break;
              case ast::BinaryOp::Add:
                op = Op::Add;
                break;
              case ast::BinaryOp::Sub:
                op = Op::Sub;
                break;
              case ast::BinaryOp::Mul:
                op = Op::Mul;
                break;
              case ast::BinaryOp::Div:
                op = Op::Div;
                break;
            }
            return emit({op, 0, a, b, 0, 0.0});
          },
          [&](const ast::InSet& k) {
            const Reg a = compile(*k.subject, code, next);
            std::vector<std::uint64_t> bits;
            for (Index m : k.resolved) {
              if (m / 64 >= bits.size()) bits.resize(m / 64 + 1, 0);
              bits[m / 64] |= std::uint64_t{1} << (m % 64);
            }
            sets_.push_back(std::move(bits));
            const auto set = static_cast<Reg>(sets_.size() - 1);
            return emit({k.negated ? Op::NotInSet : Op::InSet, 0, a, 0, set, 0.0});
          },
          [&](const ast::InRange& k) {
            const Reg a = compile(*k.subject, code, next);
            const Reg lo = compile(*k.low, code, next);
            const Reg hi = compile(*k.high, code, next);
            return emit({k.negated ? Op::NotInRange : Op::InRange, 0, a, lo, hi, 0.0});
          },
      },
      e.kind);
}

void BatchPlan::execute_set(const Instr& in, const double* a, double* d, std::size_t n) const {
  const bool negated = in.op == Op::NotInSet;
  const std::vector<std::uint64_t>& bits = sets_[in.c];
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(a[i])) {
      d[i] = a[i];
      continue;
    }
    const auto v = static_cast<std::uint64_t>(a[i]);
    const bool found = v / 64 < bits.size() && ((bits[v / 64] >> (v % 64)) & 1);
    d[i] = found != negated ? 1.0 : 0.0;
  }
}

void BatchPlan::execute(const Code& code, const double* const* columns, State& s) const {
  const std::size_t n = s.n;
  double* regs = s.registers.data();
  const auto reg = [&](Reg r) { return regs + static_cast<std::size_t>(r) * kBatch; };
  for (const Instr& in : code.instrs) {
    double* d = reg(in.dst);
    const double* a = reg(in.a);
    const double* b = reg(in.b);
    switch (in.op) {
      case Op::Field:
        std::copy_n(columns[in.a], n, d);
        break;
      case Op::Const:
        std::fill_n(d, n, in.k);
        break;
      case Op::Flags:
        std::copy_n(s.flags.data(), n, d);
        break;
      case Op::Points:
        std::copy_n(s.points.data(), n, d);
        break;
      case Op::Level:
        std::copy_n(s.level.data(), n, d);
        break;
      case Op::Fired: {  // the rule's condition: true, false, or unknown with its reason
        const std::uint8_t* truth = s.truth.data() + static_cast<std::size_t>(in.a) * n;
        for (std::size_t i = 0; i < n; ++i) {
          d[i] = truth[i] == kTrue             ? 1.0
                 : truth[i] == kFalse          ? 0.0
                 : truth[i] == kUnknownNoValue ? no_value()
                                               : kMissing;
        }
        break;
      }
      case Op::Subset:
        std::fill_n(d, n, 0.0);
        for (const Weighted& w : subsets_[in.c]) {
          const std::uint8_t* truth = s.truth.data() + w.position * n;
          for (std::size_t i = 0; i < n; ++i) d[i] += truth[i] == kTrue ? w.weight : 0.0;
        }
        break;
      case Op::Neg:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::isnan(a[i]) ? a[i] : -a[i];
        break;
      case Op::Not:
        for (std::size_t i = 0; i < n; ++i)
          d[i] = std::isnan(a[i]) ? a[i] : (a[i] == 0 ? 1.0 : 0.0);
        break;
#define SKON_ARITHMETIC(OP, EXPR)                                                   \
  case Op::OP:                                                                      \
    for (std::size_t i = 0; i < n; ++i) d[i] = arithmetic_result(EXPR, a[i], b[i]); \
    break;
        SKON_ARITHMETIC(Add, a[i] + b[i])
        SKON_ARITHMETIC(Sub, a[i] - b[i])
        SKON_ARITHMETIC(Mul, a[i] * b[i])
        SKON_ARITHMETIC(Div, a[i] / b[i])  // x/0 is infinite and 0/0 NaN: both have no value
#undef SKON_ARITHMETIC
#define SKON_COMPARE(OP, EXPR)                                                                    \
  case Op::OP:                                                                                    \
    for (std::size_t i = 0; i < n; ++i) {                                                         \
      d[i] =                                                                                      \
          (std::isnan(a[i]) || std::isnan(b[i])) ? unknown_of(a[i], b[i]) : ((EXPR) ? 1.0 : 0.0); \
    }                                                                                             \
    break;
        SKON_COMPARE(Eq, a[i] == b[i])
        SKON_COMPARE(Ne, a[i] != b[i])
        SKON_COMPARE(Lt, a[i] < b[i])
        SKON_COMPARE(Le, a[i] <= b[i])
        SKON_COMPARE(Gt, a[i] > b[i])
        SKON_COMPARE(Ge, a[i] >= b[i])
#undef SKON_COMPARE
      case Op::And:  // false wins over unknown
        for (std::size_t i = 0; i < n; ++i) {
          d[i] = (a[i] == 0 || b[i] == 0)                 ? 0.0
                 : (std::isnan(a[i]) || std::isnan(b[i])) ? unknown_of(a[i], b[i])
                                                          : 1.0;
        }
        break;
      case Op::Or:  // true wins over unknown
        for (std::size_t i = 0; i < n; ++i) {
          d[i] = (a[i] == 1 || b[i] == 1)                 ? 1.0
                 : (std::isnan(a[i]) || std::isnan(b[i])) ? unknown_of(a[i], b[i])
                                                          : 0.0;
        }
        break;
      case Op::InSet:
      case Op::NotInSet:
        execute_set(in, a, d, n);
        break;
      case Op::InRange:
      case Op::NotInRange: {
        const bool negated = in.op == Op::NotInRange;
        const double* hi = reg(in.c);
        for (std::size_t i = 0; i < n; ++i) {
          if (std::isnan(a[i]) || std::isnan(b[i]) || std::isnan(hi[i])) {
            d[i] = unknown_of(unknown_of(a[i], b[i]), hi[i]);
            continue;
          }
          const bool inside = a[i] >= b[i] && a[i] <= hi[i];
          d[i] = inside != negated ? 1.0 : 0.0;
        }
        break;
      }
      case Op::Missing:  // no value counts as missing: missing(x) asks whether x has a value
        for (std::size_t i = 0; i < n; ++i) d[i] = std::isnan(a[i]) ? 1.0 : 0.0;
        break;
      case Op::Known:
        for (std::size_t i = 0; i < n; ++i) d[i] = std::isnan(a[i]) ? 0.0 : 1.0;
        break;
    }
  }
}

void BatchPlan::run(const double* const* columns, const double* probability, std::size_t n,
                    State& s) const {
  const dsl::PurposeInfo& p = program_.purposes[purpose_];
  s.n = n;
  s.registers.resize(registers_ * kBatch);
  s.level.assign(n, p.bands.empty() ? 0.0 : static_cast<double>(p.bands.front().level));
  s.flags.assign(n, 0.0);
  s.points.assign(n, 0.0);
  s.truth.resize(rules_.size() * n);
  s.trigger.resize(triggers_.size() * n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(probability[i])) continue;
    for (const dsl::Band& band : p.bands) {
      if (!band.below || probability[i] < *band.below) {
        s.level[i] = band.level;
        break;
      }
    }
  }
  for (const Code& let : lets_) execute(let, columns, s);
  for (const auto& [begin, end] : strata_) {
    // Every condition of the stratum sees the state the earlier strata left ...
    for (std::size_t r = begin; r < end; ++r) {
      execute(rules_[r], columns, s);
      const double* t = s.registers.data() + static_cast<std::size_t>(rules_[r].result) * kBatch;
      std::uint8_t* truth = s.truth.data() + r * n;
      for (std::size_t i = 0; i < n; ++i) truth[i] = truth_code(t[i]);
    }
    // ... then the effects: flags and points add up, the highest raise wins, then the lowest cap.
    for (std::size_t r = begin; r < end; ++r) {
      const dsl::RuleInfo& rule = program_.rules[p.rules[r]];
      const double flag = rule.flag != nullptr ? 1.0 : 0.0;
      const double points = rule.points.value_or(0.0);
      const double raise = rule.raise_to == dsl::kNone ? -1.0 : rule.raise_to;
      const std::uint8_t* truth = s.truth.data() + r * n;
      for (std::size_t i = 0; i < n; ++i) {
        if (truth[i] != kTrue) continue;
        s.flags[i] += flag;
        s.points[i] += points;
        if (s.level[i] < raise) s.level[i] = raise;
      }
    }
    for (std::size_t r = begin; r < end; ++r) {
      const dsl::RuleInfo& rule = program_.rules[p.rules[r]];
      if (rule.cap_at == dsl::kNone) continue;
      const double cap = rule.cap_at;
      const std::uint8_t* truth = s.truth.data() + r * n;
      for (std::size_t i = 0; i < n; ++i) {
        if (truth[i] == kTrue && s.level[i] > cap) s.level[i] = cap;
      }
    }
  }
  for (std::size_t r = 0; r < triggers_.size(); ++r) {
    execute(triggers_[r], columns, s);
    const double* t = s.registers.data() + static_cast<std::size_t>(triggers_[r].result) * kBatch;
    std::uint8_t* truth = s.trigger.data() + r * n;
    for (std::size_t i = 0; i < n; ++i) truth[i] = truth_code(t[i]);
  }
}

void BatchPlan::replay(const State& s, std::size_t i, const double* raw, double probability,
                       PurposeOutcome& out) const {
  const dsl::PurposeInfo& purpose = program_.purposes[purpose_];
  out.reset();
  // 1. Completeness over the model's features (every field read when there is no model). A
  // field without its consent is not expected, so it is neither known nor a gap.
  const auto withheld = [&](Index f) {
    const Index consent = program_.fields[f].requires_field;
    return consent != dsl::kNone && raw[slot_of_field_[consent]] != 1.0;
  };
  const auto& basis = purpose.features.empty() ? purpose.fields_read : purpose.features;
  std::size_t known = 0, expected = 0;
  for (Index f : basis) {
    if (withheld(f)) continue;
    ++expected;
    known += std::isnan(raw[slot_of_field_[f]]) ? 0 : 1;
  }
  for (Index f : purpose.fields_read) {
    if (withheld(f)) {
      out.no_consent_fields.push_back(f);
    } else if (std::isnan(raw[slot_of_field_[f]])) {
      out.missing_fields.push_back(f);
    }
  }
  out.completeness =
      expected == 0 ? 1.0 : static_cast<double>(known) / static_cast<double>(expected);
  out.completeness_required = purpose.completeness;
  if (out.completeness + 1e-12 < purpose.completeness) {
    out.insufficient_data = true;
    out.review_required = true;
    out.review_reasons.push_back({ReviewReason::Kind::InsufficientData, dsl::kNone, {}});
    return;
  }
  // A purpose's own score missing is a data gap a professional must see: no band from it.
  if (purpose.score_field != dsl::kNone && std::isnan(raw[slot_of_field_[purpose.score_field]])) {
    out.review_required = true;
    out.review_reasons.push_back({ReviewReason::Kind::MissingScore, dsl::kNone, {}});
  }
  // 2. The model's band (or the score's).
  Index level = purpose.bands.empty() ? 0 : purpose.bands.front().level;
  if (!std::isnan(probability)) {
    out.probability = probability;
    for (const dsl::Band& band : purpose.bands) {
      if (!band.below || probability < *band.below) {
        level = band.level;
        break;
      }
    }
    out.trace.push_back(LevelStep{dsl::kNone, level, dsl::kNone,
                                  purpose.score_field != dsl::kNone ? "score" : "model"});
  }
  // 3. The rules, stratum by stratum as run() applied them: raises, then caps.
  const std::size_t n = s.n;
  out.rule_truth.reserve(purpose.rules.size());
  for (const auto& [begin, end] : strata_) {
    for (std::size_t r = begin; r < end; ++r) {
      const std::uint8_t t = s.truth[r * n + i];
      out.rule_truth.push_back(to_truth(t));
      const Index ri = purpose.rules[r];
      if (t == kUnknownMissing || t == kUnknownNoValue) {
        out.undecided.push_back(
            {ri, t == kUnknownNoValue ? Undecided::NoValue : Undecided::MissingData});
      }
      if (t != kTrue) continue;
      const dsl::RuleInfo& rule = program_.rules[ri];
      if (rule.flag != nullptr) out.flags.push_back(FlagRaised{ri, flag_text(r, s, i, raw)});
      if (rule.points) out.points += *rule.points;
      if (rule.raise_to != dsl::kNone && rule.raise_to > level) {
        out.trace.push_back(LevelStep{level, rule.raise_to, ri, rule.raise_because});
        level = rule.raise_to;
      }
      if (rule.review_because) {
        out.review_required = true;
        out.review_reasons.push_back({ReviewReason::Kind::Rule, ri, {}});
      }
    }
    for (std::size_t r = begin; r < end; ++r) {
      const dsl::RuleInfo& rule = program_.rules[purpose.rules[r]];
      if (s.truth[r * n + i] != kTrue || rule.cap_at == dsl::kNone || rule.cap_at >= level) {
        continue;
      }
      out.trace.push_back(LevelStep{level, rule.cap_at, purpose.rules[r], rule.cap_because});
      level = rule.cap_at;
    }
  }
  out.level = level;
  // 4. Review triggers on the final level; unknown fails closed.
  for (std::size_t r = 0; r < purpose.reviews.size(); ++r) {
    const std::uint8_t t = s.trigger[r * n + i];
    if (t == kFalse) continue;
    out.review_required = true;
    ReviewReason reason{ReviewReason::Kind::Trigger, static_cast<Index>(r), {}};
    if (t == kUnknownMissing) reason.undecided = Undecided::MissingData;
    if (t == kUnknownNoValue) reason.undecided = Undecided::NoValue;
    out.review_reasons.push_back(reason);
  }
  // 5. Guidance.
  if (auto it = purpose.guidance.find(level); it != purpose.guidance.end()) {
    out.guidance = it->second;
  }
}

}  // namespace skon::engine
