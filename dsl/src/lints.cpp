// Warnings: rules that can never fire or never matter, conditions that go silently unknown when
// data is missing, and declarations nothing uses.

#include <algorithm>
#include <cmath>
#include <limits>

#include "checker.hpp"
#include "skon/dsl/format.hpp"

namespace skon::dsl::detail {
namespace {

// What a conjunction of simple comparisons allows for one field.
struct Constraint {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;
  std::optional<std::set<Index>> values;  // category values allowed (nullopt: any)
  std::optional<bool> flag;               // bool field's required value

  // Only the category values in `allowed` (and any earlier restriction) remain possible.
  void restrict_to(const std::set<Index>& allowed) {
    if (!values) {
      values = allowed;
      return;
    }
    std::set<Index> both;
    std::set_intersection(values->begin(), values->end(), allowed.begin(), allowed.end(),
                          std::inserter(both, both.begin()));
    values = std::move(both);
  }

  bool empty() const {
    if (lo > hi || (lo == hi && (lo_open || hi_open))) return true;
    return values && values->empty();
  }
  // Does every value this constraint allows also satisfy `other`?
  bool within(const Constraint& other) const {
    const bool lo_ok = lo > other.lo || (lo == other.lo && (lo_open || !other.lo_open));
    const bool hi_ok = hi < other.hi || (hi == other.hi && (hi_open || !other.hi_open));
    if (!lo_ok || !hi_ok) return false;
    if (other.values) {
      if (!values) return false;
      for (Index v : *values) {
        if (!other.values->contains(v)) return false;
      }
    }
    if (other.flag && flag != other.flag) return false;
    return true;
  }
};

// A condition read as `atom and atom and ...`: per-field constraints plus atoms we cannot
// analyse, kept as text so identical ones can be matched.
struct Conjunction {
  std::map<Index, Constraint> fields;
  std::set<std::string> opaque;
};

Index direct_field(const ast::Expr& e) {
  const auto* n = std::get_if<ast::NameRef>(&e.kind);
  return n != nullptr && n->resolved.kind == ast::Resolution::Kind::Field ? n->resolved.index
                                                                          : kNone;
}

std::optional<double> constant(const ast::Expr& e) {
  if (const auto* n = std::get_if<ast::NumberLit>(&e.kind)) return n->value;
  if (const auto* d = std::get_if<ast::DateLit>(&e.kind)) return d->date.days;
  if (const auto* u = std::get_if<ast::Unary>(&e.kind); u && u->op == ast::UnaryOp::Neg) {
    if (auto v = constant(*u->operand)) return -*v;
  }
  return std::nullopt;
}

ast::BinaryOp flip(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::Lt:
      return ast::BinaryOp::Gt;
    case ast::BinaryOp::Le:
      return ast::BinaryOp::Ge;
    case ast::BinaryOp::Gt:
      return ast::BinaryOp::Lt;
    case ast::BinaryOp::Ge:
      return ast::BinaryOp::Le;
    default:
      return op;
  }
}

void add_atom(const ast::Expr& e, const Program& p, Conjunction& c) {
  if (const auto* b = std::get_if<ast::Binary>(&e.kind)) {
    if (b->op == ast::BinaryOp::And) {
      add_atom(*b->lhs, p, c);
      add_atom(*b->rhs, p, c);
      return;
    }
    Index f = direct_field(*b->lhs);
    const ast::Expr* other = b->rhs.get();
    ast::BinaryOp op = b->op;
    if (f == kNone) {
      f = direct_field(*b->rhs);
      other = b->lhs.get();
      op = flip(op);
    }
    if (f != kNone) {
      Constraint& k = c.fields[f];
      if (auto v = constant(*other)) {
        switch (op) {
          case ast::BinaryOp::Eq:
            k.lo = std::max(k.lo, *v);
            k.hi = std::min(k.hi, *v);
            return;
          case ast::BinaryOp::Ge:
            if (*v > k.lo || (*v == k.lo)) {
              k.lo = *v;
            }
            return;
          case ast::BinaryOp::Gt:
            if (*v >= k.lo) {
              k.lo = *v;
              k.lo_open = true;
            }
            return;
          case ast::BinaryOp::Le:
            if (*v < k.hi || (*v == k.hi)) {
              k.hi = *v;
            }
            return;
          case ast::BinaryOp::Lt:
            if (*v <= k.hi) {
              k.hi = *v;
              k.hi_open = true;
            }
            return;
          default:
            break;
        }
      }
      if (const auto* n = std::get_if<ast::NameRef>(&other->kind);
          n && n->resolved.kind == ast::Resolution::Kind::CategoryValue &&
          (op == ast::BinaryOp::Eq || op == ast::BinaryOp::Ne)) {
        std::set<Index> allowed;
        const auto count = static_cast<Index>(p.fields[f].levels.size());
        for (Index i = 0; i < count; ++i) {
          if ((i == n->resolved.index) == (op == ast::BinaryOp::Eq)) allowed.insert(i);
        }
        k.restrict_to(allowed);
        return;
      }
      if (const auto* bl = std::get_if<ast::BoolLit>(&other->kind);
          bl && (op == ast::BinaryOp::Eq || op == ast::BinaryOp::Ne)) {
        const bool want = bl->value == (op == ast::BinaryOp::Eq);
        if (k.flag && *k.flag != want) k.lo = 1, k.hi = 0;  // contradiction
        k.flag = want;
        return;
      }
    }
  }
  if (const auto* r = std::get_if<ast::InRange>(&e.kind); r && !r->negated) {
    const Index f = direct_field(*r->subject);
    const auto lo = constant(*r->low);
    const auto hi = constant(*r->high);
    if (f != kNone && lo && hi) {
      Constraint& k = c.fields[f];
      if (*lo > k.lo || (*lo == k.lo && k.lo_open)) {
        k.lo = *lo;
        k.lo_open = false;
      }
      if (*hi < k.hi || (*hi == k.hi && k.hi_open)) {
        k.hi = *hi;
        k.hi_open = false;
      }
      return;
    }
  }
  if (const auto* s = std::get_if<ast::InSet>(&e.kind)) {
    const Index f = direct_field(*s->subject);
    if (f != kNone && p.fields[f].type == ValueType::Category) {
      std::set<Index> listed(s->resolved.begin(), s->resolved.end());
      std::set<Index> allowed;
      const auto count = static_cast<Index>(p.fields[f].levels.size());
      for (Index i = 0; i < count; ++i) {
        if (listed.contains(i) != s->negated) allowed.insert(i);
      }
      c.fields[f].restrict_to(allowed);
      return;
    }
  }
  if (const Index f = direct_field(e); f != kNone && p.fields[f].type == ValueType::Bool) {
    Constraint& k = c.fields[f];
    if (k.flag == false) k.lo = 1, k.hi = 0;
    k.flag = true;
    return;
  }
  if (const auto* u = std::get_if<ast::Unary>(&e.kind); u && u->op == ast::UnaryOp::Not) {
    if (const Index f = direct_field(*u->operand);
        f != kNone && p.fields[f].type == ValueType::Bool) {
      Constraint& k = c.fields[f];
      if (k.flag == true) k.lo = 1, k.hi = 0;
      k.flag = false;
      return;
    }
  }
  c.opaque.insert(format_expr(e));
}

// Does `b` imply `a` (every record satisfying b satisfies a)?
bool implies(const Conjunction& b, const Conjunction& a) {
  for (const auto& text : a.opaque) {
    if (!b.opaque.contains(text)) return false;
  }
  for (const auto& [field, constraint] : a.fields) {
    const auto it = b.fields.find(field);
    if (it == b.fields.end() || !it->second.within(constraint)) return false;
  }
  return true;
}

}  // namespace

void Checker::run_lints() {
  // Never fires, and shadowed.
  std::vector<std::optional<Conjunction>> conj(p_.rules.size());
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& rule = p_.rules[ri];
    if (rule.condition == nullptr) continue;
    Conjunction c;
    add_atom(*rule.condition, p_, c);
    for (const auto& [field, k] : c.fields) {
      if (k.empty()) {
        Diagnostic& d =
            bag_.add(DiagCode::W0501, rule.condition->span,
                     "rule " + backticked(rule.name) + " can never fire: its conditions on " +
                         backticked(p_.fields[field].name) + " contradict each other");
        d.help = "check the comparison operators and thresholds";
        break;
      }
    }
    conj[ri] = std::move(c);
  }
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& b = p_.rules[ri];
    const bool raise_only = b.raise_to != kNone && b.flag == nullptr && !b.points &&
                            b.cap_at == kNone && !b.review_because;
    if (!raise_only || !conj[ri]) continue;
    for (Index ai = 0; ai < ri; ++ai) {
      const RuleInfo& a = p_.rules[ai];
      if (!conj[ai] || a.raise_to == kNone || a.raise_to < b.raise_to) continue;
      const bool same_scope = std::all_of(b.purposes.begin(), b.purposes.end(), [&](Index pi) {
        return std::find(a.purposes.begin(), a.purposes.end(), pi) != a.purposes.end();
      });
      if (!same_scope || !implies(*conj[ri], *conj[ai])) continue;
      Diagnostic& d = bag_.add(DiagCode::W0502, b.decl->name.span,
                               "rule " + backticked(b.name) +
                                   " never changes the outcome: " + backticked(a.name) +
                                   " fires whenever it does and raises the "
                                   "level at least as far");
      d.notes.push_back({a.decl->name.span, backticked(a.name) + " is defined here"});
      d.help = "remove the rule, or give it its own effect (a flag, points or a review)";
      break;
    }
  }

  // Conditions that go silently unknown when a field is missing. What each purpose handles is
  // collected once, so the check stays linear in the number of rules.
  std::vector<std::set<Index>> handled_in(p_.purposes.size());
  for (Index pi = 0; pi < p_.purposes.size(); ++pi) {
    for (const auto& tf : trigger_facts_[pi]) {
      handled_in[pi].insert(tf.presence_checked.begin(), tf.presence_checked.end());
    }
    for (Index other : p_.purposes[pi].rules) {
      handled_in[pi].insert(rule_facts_[other].presence_checked.begin(),
                            rule_facts_[other].presence_checked.end());
    }
  }
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& rule = p_.rules[ri];
    if (rule.condition == nullptr) continue;
    const ExprFacts& facts = rule_facts_[ri];
    std::set<Index> warned;
    for (const Reference& ref : facts.references) {
      if (ref.presence_only || warned.contains(ref.field)) continue;
      if (facts.presence_checked.contains(ref.field)) continue;
      // Only the condition matters: a flag text's {field} shows "ukendt" when missing.
      if (ref.span.begin < rule.condition->span.begin || ref.span.end > rule.condition->span.end) {
        continue;
      }
      for (Index pi : rule.purposes) {
        if (handled_in[pi].contains(ref.field)) continue;
        const std::string field = backticked(p_.fields[ref.field].name);
        Diagnostic& d =
            bag_.add(DiagCode::W0503, ref.span,
                     "when " + field + " is missing, the condition of rule " +
                         backticked(rule.name) + " is unknown and the rule silently does not fire");
        d.help = "handle the gap: add `review required when missing(" + p_.fields[ref.field].name +
                 ") because \"...\"` to purpose " + backticked(p_.purposes[pi].name) +
                 ", or write `known(" + p_.fields[ref.field].name + ") and ...` / `missing(" +
                 p_.fields[ref.field].name + ") or ...` in the condition";
        warned.insert(ref.field);
        break;
      }
    }
  }

  // Declarations nothing uses.
  for (Index fi = 0; fi < p_.fields.size(); ++fi) {
    if (!fields_used_.contains(fi)) {
      bag_.add(DiagCode::W0504, p_.fields[fi].span,
               "field " + backticked(p_.fields[fi].name) + " is never used")
          .help = "remove it, or use it in a rule, a review trigger or a purpose's features";
    }
  }
  std::set<Index> sources_with_fields;
  for (const auto& f : p_.fields) sources_with_fields.insert(f.source);
  for (Index si = 0; si < p_.source_infos.size(); ++si) {
    if (!sources_with_fields.contains(si)) {
      bag_.add(DiagCode::W0505, p_.source_infos[si].span,
               "no field comes from source " + backticked(p_.source_infos[si].name));
    }
  }
  for (Index li = 0; li < p_.lets.size(); ++li) {
    if (!lets_used_.contains(li)) {
      bag_.add(DiagCode::W0509, p_.lets[li].span,
               "derived value " + backticked(p_.lets[li].name) + " is never used");
    }
  }
  for (const PurposeInfo& purpose : p_.purposes) {
    if (!purpose.owner || !purpose.approved_by) {
      bag_.add(DiagCode::W0507, purpose.span,
               "purpose " + backticked(purpose.name) + " records no " +
                   (!purpose.owner ? "owner" : "approval"))
          .help =
          "add `owner \"...\"` and `approved_by \"...\"` so reviewers know who answers for it";
    }
  }
}

}  // namespace skon::dsl::detail
