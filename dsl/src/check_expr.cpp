#include <algorithm>
#include <charconv>
#include <cmath>

#include "checker.hpp"
#include "skon/dsl/format.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::dsl::detail {
namespace {

bool is_comparison(ast::BinaryOp op) {
  return op == ast::BinaryOp::Eq || op == ast::BinaryOp::Ne || op == ast::BinaryOp::Lt ||
         op == ast::BinaryOp::Le || op == ast::BinaryOp::Gt || op == ast::BinaryOp::Ge;
}

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

// A bare name that is not a field, let or `level`: maybe a category value or level name that
// the other operand gives meaning to.
ast::NameRef* bare_name(ast::Expr& e, const Program& p) {
  auto* n = std::get_if<ast::NameRef>(&e.kind);
  if (n == nullptr || e.parenthesized) return nullptr;
  if (p.find_field(n->name) != kNone || p.find_let(n->name) != kNone || n->name == "level") {
    return nullptr;
  }
  return n;
}

// Words for "no value" in other languages: Skøn asks missing(x) instead.
bool is_null_word(std::string_view name) {
  return name == "null" || name == "NULL" || name == "nil" || name == "None" ||
         name == "undefined" || name == "NA" || name == "NaN";
}

}  // namespace

Index Checker::level_by_label(std::string_view label) const {
  for (Index i = 0; i < p_.levels.size(); ++i) {
    if (p_.level_labels[i] == label && p_.levels[i] != label) return i;
  }
  return kNone;
}

void Checker::check_condition(ast::Expr& e, ExprFacts& facts, Index let_limit, const char* where) {
  const Ty t = check_expr(e, facts, let_limit);
  if (t.type != ValueType::Bool && t.type != ValueType::Error) {
    bag_.add(DiagCode::E0205, e.span,
             std::string(where) + " must be true or false, but this is a " + to_string(t.type))
        .help = t.type == ValueType::Number ? "compare it, e.g. `" + format_expr(e) + " > 0`"
                                            : "compare it with a value";
  }
}

void Checker::check_interpolation(const ast::Text& text, ExprFacts& facts) {
  const std::string& s = text.pattern;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] != '{') continue;
    const std::size_t close = s.find('}', i);
    // Point into the text as written: raw and value agree up to escapes, close enough for a caret
    // in the common case of no escapes before the brace.
    const auto at = static_cast<std::uint32_t>(text.span.begin + 1 + std::min(i, text.raw.size()));
    if (close == std::string::npos) {
      bag_.add(DiagCode::E0207, Span{text.span.file, at, at + 1}, "`{` is never closed").help =
          "write `\\{` for a literal brace";
      return;
    }
    const std::string name = s.substr(i + 1, close - i - 1);
    const Span span{text.span.file, at, at + static_cast<std::uint32_t>(close - i + 1)};
    const Index fi = p_.find_field(name);
    const Index li = p_.find_let(name);
    if (fi != kNone) {
      facts.references.push_back({fi, span, kNone, false});
      fields_used_.insert(fi);
    } else if (li != kNone) {
      lets_used_.insert(li);
      for (Index f : p_.lets[li].fields_read) facts.references.push_back({f, span, li, false});
    } else {
      Diagnostic& d =
          bag_.add(DiagCode::E0207, span, "`{" + name + "}` names no field or derived value");
      if (auto sug = closest_match(name, names_of_fields_and_lets())) {
        d.help = "did you mean `{" + *sug + "}`?";
      }
    }
    i = close;
  }
}

// fired(rule): whether another rule's condition held (unknown when it could not be decided).
Ty Checker::check_fired(ast::Expr& e, ast::Call& call, ExprFacts& facts) {
  auto* arg = call.args.size() == 1 ? std::get_if<ast::NameRef>(&call.args[0]->kind) : nullptr;
  if (arg == nullptr || call.args[0]->parenthesized) {
    bag_.add(DiagCode::E0201, e.span, "`fired` takes one rule name").help =
        "e.g. `fired(high_absence)`";
    return Ty{ValueType::Bool};
  }
  const Index ri = p_.find_rule(arg->name);
  if (ri == kNone) {
    Diagnostic& d =
        bag_.add(DiagCode::E0104, call.args[0]->span, "unknown rule " + backticked(arg->name));
    if (auto s = closest_match(arg->name, keys_of(p_.rule_index))) {
      d.help = "did you mean " + backticked(*s) + "?";
      d.fix = FixIt{call.args[0]->span, *s};
    }
    return Ty{ValueType::Bool};
  }
  arg->resolved = {ast::Resolution::Kind::Rule, ri};
  facts.reads_rules.push_back({ri, call.args[0]->span, false});
  return Ty{ValueType::Bool};
}

// count(flags), sum(points), or the same over a subset of rules named or tagged:
// count(flags in {high_absence, attendance}).
Ty Checker::check_aggregate(ast::Expr& e, ast::Call& call, ExprFacts& facts) {
  const std::string& fn = call.callee.name;
  const std::string expected = fn == "count" ? "flags" : "points";
  const auto usage = [&] {
    bag_.add(DiagCode::E0201, e.span,
             backticked(fn) + " takes `" + expected + "` or a subset: `" + fn + "(" + expected +
                 " in {rule_or_tag, ...})`")
        .help = "`" + fn + "(" + expected + ")` " +
                (fn == "count" ? "counts the flags" : "adds up the points") +
                " of every rule of the purpose; the subset form only those named or tagged";
  };
  if (call.args.size() != 1) {
    usage();
    return Ty{ValueType::Number};
  }
  ast::Expr& arg = *call.args[0];
  if (auto* all = std::get_if<ast::NameRef>(&arg.kind); all != nullptr && all->name == expected) {
    auto& slot = fn == "count" ? facts.reads_flags : facts.reads_points;
    if (!slot) slot = e.span;
    return Ty{ValueType::Number};
  }
  auto* subset = std::get_if<ast::InSet>(&arg.kind);
  auto* subject = subset ? std::get_if<ast::NameRef>(&subset->subject->kind) : nullptr;
  if (subject == nullptr || subject->name != expected) {
    usage();
    return Ty{ValueType::Number};
  }
  if (subset->negated) {
    bag_.add(DiagCode::E0201, arg.span,
             "`" + fn + "(" + expected + " not in {...})` is not supported")
        .help =
        "name the rules or tags to count; a subset that grows by itself with every new "
        "rule is the unscoped `" +
        fn + "(" + expected + ")`";
    return Ty{ValueType::Number};
  }
  std::set<Index> members;
  for (const ast::Ident& m : subset->members) {
    if (const Index ri = p_.find_rule(m.name); ri != kNone) {
      const RuleInfo& rule = p_.rules[ri];
      const bool contributes =
          fn == "count" ? rule.decl && has_statement(*rule.decl, ast::RuleStmt::Key::Flag)
                        : rule.decl && has_statement(*rule.decl, ast::RuleStmt::Key::Points);
      if (!contributes) {
        bag_.add(DiagCode::E0112, m.span,
                 "rule " + backticked(m.name) +
                     (fn == "count" ? " raises no flag" : " gives no points") + ", so " +
                     backticked(fn) + " would always add nothing for it")
            .help = fn == "count" ? "to ask whether it fired, use `fired(" + m.name + ")`"
                                  : "count its flag, or ask `fired(" + m.name + ")`";
        continue;
      }
      members.insert(ri);
      facts.reads_rules.push_back({ri, m.span, false});
    } else if (auto it = p_.tag_index.find(m.name); it != p_.tag_index.end()) {
      for (Index tagged : it->second) {
        members.insert(tagged);
        facts.reads_rules.push_back({tagged, m.span, true});
      }
    } else {
      std::vector<std::string> names = keys_of(p_.rule_index);
      for (const auto& [tag, rules] : p_.tag_index) names.push_back(tag);
      Diagnostic& d =
          bag_.add(DiagCode::E0104, m.span, backticked(m.name) + " names no rule and no tag");
      if (auto s = closest_match(m.name, names)) {
        d.help = "did you mean " + backticked(*s) + "?";
        d.fix = FixIt{m.span, *s};
      } else {
        d.help = "give rules a tag with `tags " + m.name + "`, or name the rules";
      }
    }
  }
  subset->resolved.assign(members.begin(), members.end());
  return Ty{ValueType::Number};
}

Ty Checker::check_expr(ast::Expr& e, ExprFacts& facts, Index let_limit) {
  const auto error = [&](DiagCode code, Span at, std::string message) -> Diagnostic& {
    return bag_.add(code, at, std::move(message));
  };
  // Resolves `name` as one of the values of the category of `field` (or a level when field is
  // kNone and `levels` is set).
  const auto resolve_value = [&](ast::Expr& name_expr, ast::NameRef& n, const Ty& other) {
    if (other.type == ValueType::Level) {
      const Index li = p_.find_level(n.name);
      if (li == kNone) {
        Diagnostic& d =
            error(DiagCode::E0203, name_expr.span, "unknown level " + backticked(n.name));
        if (const Index labelled = level_by_label(n.name); labelled != kNone) {
          d.help = backticked(n.name) + " is the label of level " +
                   backticked(p_.levels[labelled]) + "; conditions use the level's name";
          d.fix = FixIt{name_expr.span, p_.levels[labelled]};
        } else if (auto s = closest_match(n.name, p_.levels)) {
          d.help = "did you mean " + backticked(*s) + "?";
          d.fix = FixIt{name_expr.span, *s};
        }
        return Ty{};
      }
      n.resolved = {ast::Resolution::Kind::Level, li};
      return Ty{ValueType::Level};
    }
    const FieldInfo& f = p_.fields[other.category_field];
    const auto it = std::find(f.levels.begin(), f.levels.end(), n.name);
    if (it == f.levels.end()) {
      Diagnostic& d = error(DiagCode::E0204, name_expr.span,
                            backticked(n.name) + " is not a value of " + backticked(f.name));
      if (auto s = closest_match(n.name, f.levels)) {
        d.help = "did you mean " + backticked(*s) + "?";
        d.fix = FixIt{name_expr.span, *s};
      } else {
        std::string all;
        for (const auto& l : f.levels) all += (all.empty() ? "" : ", ") + l;
        d.help = backticked(f.name) + " takes the values " + all;
      }
      return Ty{};
    }
    n.resolved = {ast::Resolution::Kind::CategoryValue, static_cast<Index>(it - f.levels.begin())};
    return Ty{ValueType::Category, other.category_field};
  };
  // A constant compared with a field that declares a range must lie inside it.
  const auto check_range = [&](const Ty& field_side, const Ty& constant_side, Span at) {
    if (field_side.number_field == kNone || !constant_side.constant) return;
    const FieldInfo& f = p_.fields[field_side.number_field];
    const double v = *constant_side.constant;
    if ((f.low && v < *f.low) || (f.high && v > *f.high)) {
      Diagnostic& d =
          error(DiagCode::E0202, at,
                format_number(v) + " lies outside the declared range of " + backticked(f.name) +
                    " (" + format_number(f.low.value_or(-INFINITY)) + ".." +
                    format_number(f.high.value_or(INFINITY)) +
                    (f.unit.empty() ? "" : " " + f.unit) + ")");
      d.help = "the comparison can never hold; check the threshold or the field's declared range";
    }
  };

  return std::visit(
      [&](auto& k) -> Ty {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ast::NumberLit>) {
          return Ty{ValueType::Number, kNone, kNone, k.value};
        } else if constexpr (std::is_same_v<K, ast::BoolLit>) {
          return Ty{ValueType::Bool};
        } else if constexpr (std::is_same_v<K, ast::StringLit>) {
          Diagnostic& d = error(DiagCode::E0201, e.span, "texts cannot be used in conditions");
          double number = 0;
          const auto* end = k.value.data() + k.value.size();
          const auto parsed = std::from_chars(k.value.data(), end, number);
          if (!k.value.empty() && parsed.ec == std::errc() && parsed.ptr == end) {
            d.help = "write the number without quotes: `" + k.value + "`";
            d.fix = FixIt{e.span, k.value};
            return Ty{ValueType::Number, kNone, kNone, number};
          }
          d.help = "compare a category field with one of its values, without quotes";
          if (!k.value.empty() && k.value.find_first_of(" \t\"{}") == std::string::npos) {
            d.fix = FixIt{e.span, k.value};
          }
          return Ty{};
        } else if constexpr (std::is_same_v<K, ast::DateLit>) {
          return Ty{ValueType::Date, kNone, kNone, static_cast<double>(k.date.days)};
        } else if constexpr (std::is_same_v<K, ast::NameRef>) {
          if (const Index fi = p_.find_field(k.name); fi != kNone) {
            k.resolved = {ast::Resolution::Kind::Field, fi};
            facts.references.push_back({fi, e.span, kNone, false});
            fields_used_.insert(fi);
            const FieldInfo& f = p_.fields[fi];
            return Ty{f.type, f.type == ValueType::Category ? fi : kNone,
                      f.type == ValueType::Number ? fi : kNone, std::nullopt};
          }
          if (const Index li = p_.find_let(k.name); li != kNone) {
            if (li >= let_limit) {
              Diagnostic& d = error(DiagCode::E0113, e.span,
                                    backticked(k.name) + " is used before its definition" +
                                        (li == let_limit ? " (it refers to itself)" : ""));
              d.notes.push_back({p_.lets[li].span, "defined here"});
              d.help = "derived values may only use those defined above them";
              return Ty{};
            }
            k.resolved = {ast::Resolution::Kind::Let, li};
            lets_used_.insert(li);
            for (Index f : p_.lets[li].fields_read) {
              facts.references.push_back({f, e.span, li, false});
            }
            for (Index f : let_facts_[li].presence_checked) facts.presence_checked.insert(f);
            const LetInfo& let = p_.lets[li];
            return Ty{let.type, let.category_field};
          }
          if (k.name == "level") {
            k.resolved = {ast::Resolution::Kind::CurrentLevel, 0};
            if (!facts.reads_level) facts.reads_level = e.span;
            return Ty{ValueType::Level};
          }
          Diagnostic& d = error(DiagCode::E0104, e.span, "unknown name " + backticked(k.name));
          if (p_.find_rule(k.name) != kNone) {
            d.message = backticked(k.name) + " is a rule, not a value";
            d.help = "to ask whether the rule fired, write `fired(" + k.name + ")`";
            d.fix = FixIt{e.span, "fired(" + k.name + ")"};
          } else if (auto s = closest_match(k.name, names_of_fields_and_lets())) {
            d.help = "did you mean " + backticked(*s) + "?";
            d.fix = FixIt{e.span, *s};
          }
          return Ty{};
        } else if constexpr (std::is_same_v<K, ast::Call>) {
          const std::string& fn = k.callee.name;
          if (fn == "missing" || fn == "known") {
            auto* arg = k.args.size() == 1 ? std::get_if<ast::NameRef>(&k.args[0]->kind) : nullptr;
            if (arg == nullptr) {
              error(DiagCode::E0201, e.span, backticked(fn) + " takes one field name").help =
                  "e.g. `" + fn + "(absence_pct)`";
              return Ty{ValueType::Bool};
            }
            if (const Index fi = p_.find_field(arg->name); fi != kNone) {
              arg->resolved = {ast::Resolution::Kind::Field, fi};
              facts.references.push_back({fi, k.args[0]->span, kNone, true});
              facts.presence_checked.insert(fi);
              fields_used_.insert(fi);
            } else if (const Index li = p_.find_let(arg->name); li != kNone && li < let_limit) {
              arg->resolved = {ast::Resolution::Kind::Let, li};
              lets_used_.insert(li);
              for (Index f : p_.lets[li].fields_read) {
                facts.references.push_back({f, k.args[0]->span, li, true});
                facts.presence_checked.insert(f);
              }
            } else {
              Diagnostic& d =
                  error(DiagCode::E0104, k.args[0]->span, "unknown field " + backticked(arg->name));
              if (auto s = closest_match(arg->name, names_of_fields_and_lets())) {
                d.help = "did you mean " + backticked(*s) + "?";
                d.fix = FixIt{k.args[0]->span, *s};
              }
            }
            return Ty{ValueType::Bool};
          }
          if (fn == "count" || fn == "sum") return check_aggregate(e, k, facts);
          if (fn == "fired") return check_fired(e, k, facts);
          Diagnostic& d = error(DiagCode::E0111, k.callee.span,
                                "there is no built-in function " + backticked(fn));
          d.help =
              "the built-ins are missing(x), known(x), fired(rule), count(flags) and sum(points)";
          if (auto s = closest_match(fn, {"missing", "known", "fired", "count", "sum"})) {
            d.fix = FixIt{k.callee.span, *s};
          }
          return Ty{};
        } else if constexpr (std::is_same_v<K, ast::Unary>) {
          const Ty t = check_expr(*k.operand, facts, let_limit);
          if (k.op == ast::UnaryOp::Not) {
            if (t.type != ValueType::Bool && t.type != ValueType::Error) {
              error(DiagCode::E0201, k.operand->span,
                    "`not` needs a true/false value, but this is a " +
                        std::string(to_string(t.type)));
            }
            return Ty{ValueType::Bool};
          }
          if (t.type != ValueType::Number && t.type != ValueType::Error) {
            error(DiagCode::E0201, k.operand->span,
                  "`-` needs a number, but this is a " + std::string(to_string(t.type)));
            return Ty{};
          }
          Ty out{ValueType::Number};
          if (t.constant) out.constant = -*t.constant;
          return out;
        } else if constexpr (std::is_same_v<K, ast::Binary>) {
          if (k.op == ast::BinaryOp::And || k.op == ast::BinaryOp::Or) {
            for (ast::Expr* side : {k.lhs.get(), k.rhs.get()}) {
              const Ty t = check_expr(*side, facts, let_limit);
              if (t.type != ValueType::Bool && t.type != ValueType::Error) {
                error(DiagCode::E0201, side->span,
                      "`" + std::string(ast::to_string(k.op)) +
                          "` joins true/false conditions, but this is a " + to_string(t.type));
              }
            }
            return Ty{ValueType::Bool};
          }
          // `x == null`: missing values are asked about with missing(x), as in no other sense.
          if (k.op == ast::BinaryOp::Eq || k.op == ast::BinaryOp::Ne) {
            for (const bool null_on_right : {true, false}) {
              ast::Expr& null_side = null_on_right ? *k.rhs : *k.lhs;
              ast::Expr& value_side = null_on_right ? *k.lhs : *k.rhs;
              const auto* n = bare_name(null_side, p_);
              if (n == nullptr || !is_null_word(n->name)) continue;
              check_expr(value_side, facts, let_limit);
              const std::string fn = k.op == ast::BinaryOp::Eq ? "missing" : "known";
              const std::string fixed = fn + "(" + format_expr(value_side) + ")";
              Diagnostic& d = error(DiagCode::E0104, null_side.span,
                                    backticked(n->name) + " is not a value in Skøn");
              d.help = "a missing value is asked about with missing(x) and known(x): write `" +
                       fixed + "`";
              d.fix = FixIt{e.span, fixed};
              return Ty{ValueType::Bool};
            }
          }
          // A bare name on one side takes its meaning from the other side.
          ast::NameRef* lname = bare_name(*k.lhs, p_);
          ast::NameRef* rname = bare_name(*k.rhs, p_);
          Ty lt, rt;
          if (rname != nullptr && lname == nullptr) {
            lt = check_expr(*k.lhs, facts, let_limit);
            rt = (lt.type == ValueType::Category || lt.type == ValueType::Level)
                     ? resolve_value(*k.rhs, *rname, lt)
                     : check_expr(*k.rhs, facts, let_limit);
          } else if (lname != nullptr && rname == nullptr) {
            rt = check_expr(*k.rhs, facts, let_limit);
            lt = (rt.type == ValueType::Category || rt.type == ValueType::Level)
                     ? resolve_value(*k.lhs, *lname, rt)
                     : check_expr(*k.lhs, facts, let_limit);
          } else {
            lt = check_expr(*k.lhs, facts, let_limit);
            rt = check_expr(*k.rhs, facts, let_limit);
          }
          if (lt.type == ValueType::Error || rt.type == ValueType::Error) {
            return Ty{is_comparison(k.op) ? ValueType::Bool : ValueType::Error};
          }
          const std::string op = ast::to_string(k.op);
          if (!is_comparison(k.op)) {  // arithmetic
            if (lt.type != ValueType::Number || rt.type != ValueType::Number) {
              const auto& bad = lt.type != ValueType::Number ? *k.lhs : *k.rhs;
              error(DiagCode::E0201, bad.span,
                    "`" + op + "` needs numbers, but this is a " +
                        to_string(lt.type != ValueType::Number ? lt.type : rt.type));
              return Ty{};
            }
            return Ty{ValueType::Number};
          }
          if (lt.type != rt.type) {
            Diagnostic& d = error(DiagCode::E0201, e.span,
                                  std::string("cannot compare a ") + to_string(lt.type) +
                                      " with a " + to_string(rt.type));
            if (lt.type == ValueType::Category && rt.type == ValueType::Number) {
              d.help = backticked(p_.fields[lt.category_field].name) +
                       " is a category; compare it with one of its values";
            }
            return Ty{ValueType::Bool};
          }
          if (lt.type == ValueType::Category && lt.category_field != rt.category_field &&
              p_.fields[lt.category_field].levels != p_.fields[rt.category_field].levels) {
            error(DiagCode::E0201, e.span, "the two categories have different values");
          }
          const bool ordering = k.op != ast::BinaryOp::Eq && k.op != ast::BinaryOp::Ne;
          if (ordering && (lt.type == ValueType::Category || lt.type == ValueType::Bool)) {
            error(DiagCode::E0201, e.span,
                  std::string(to_string(lt.type)) + " values have no order; `" + op +
                      "` cannot compare them")
                .help = "use `==`, `!=` or `in { ... }`";
          }
          check_range(lt, rt, k.rhs->span);
          check_range(rt, lt, k.lhs->span);
          return Ty{ValueType::Bool};
        } else if constexpr (std::is_same_v<K, ast::InSet>) {
          const Ty t = check_expr(*k.subject, facts, let_limit);
          if (t.type == ValueType::Error) return Ty{ValueType::Bool};
          if (t.type != ValueType::Category && t.type != ValueType::Level) {
            error(DiagCode::E0201, k.subject->span,
                  "`in { ... }` needs a category or a level, but this is a " +
                      std::string(to_string(t.type)))
                .help = t.type == ValueType::Number ? "use a range: `x in 10..20`" : "";
            return Ty{ValueType::Bool};
          }
          k.resolved.clear();
          for (auto& member : k.members) {
            ast::Expr tmp;
            tmp.span = member.span;
            tmp.kind = ast::NameRef{member.name, {}};
            auto& n = std::get<ast::NameRef>(tmp.kind);
            const Ty mt = resolve_value(tmp, n, t);
            k.resolved.push_back(mt.type == ValueType::Error ? kNone : n.resolved.index);
          }
          return Ty{ValueType::Bool};
        } else if constexpr (std::is_same_v<K, ast::InRange>) {
          const Ty t = check_expr(*k.subject, facts, let_limit);
          const Ty lo = check_expr(*k.low, facts, let_limit);
          const Ty hi = check_expr(*k.high, facts, let_limit);
          if (t.type == ValueType::Error) return Ty{ValueType::Bool};
          if (t.type != ValueType::Number && t.type != ValueType::Date) {
            error(
                DiagCode::E0201, k.subject->span,
                "a range needs a number or a date, but this is a " + std::string(to_string(t.type)))
                .help = t.type == ValueType::Category ? "use a set: `x in { a, b }`" : "";
            return Ty{ValueType::Bool};
          }
          if (lo.type != t.type || hi.type != t.type) {
            error(DiagCode::E0201, Span{e.span.file, k.low->span.begin, k.high->span.end},
                  std::string("the range's bounds must be ") +
                      (t.type == ValueType::Number ? "numbers" : "dates"));
            return Ty{ValueType::Bool};
          }
          if (lo.constant && hi.constant && *lo.constant > *hi.constant) {
            error(DiagCode::E0206, Span{e.span.file, k.low->span.begin, k.high->span.end},
                  "the range is empty: its lower bound exceeds its upper bound");
          }
          check_range(t, lo, k.low->span);
          check_range(t, hi, k.high->span);
          return Ty{ValueType::Bool};
        } else {
          static_assert(ast::kUnhandled<K>);
        }
      },
      e.kind);
}

}  // namespace skon::dsl::detail
