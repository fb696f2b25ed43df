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

  // Intersects with `x > v` (open) or `x >= v`: a bound only ever narrows.
  void at_least(double v, bool open) {
    if (v > lo) {
      lo = v;
      lo_open = open;
    } else if (v == lo) {
      lo_open = lo_open || open;
    }
  }
  void at_most(double v, bool open) {
    if (v < hi) {
      hi = v;
      hi_open = open;
    } else if (v == hi) {
      hi_open = hi_open || open;
    }
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
  bool keep_opaque = true;  // whether `opaque` is collected
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
            k.at_least(*v, false);
            k.at_most(*v, false);
            return;
          case ast::BinaryOp::Ge:
            k.at_least(*v, false);
            return;
          case ast::BinaryOp::Gt:
            k.at_least(*v, true);
            return;
          case ast::BinaryOp::Le:
            k.at_most(*v, false);
            return;
          case ast::BinaryOp::Lt:
            k.at_most(*v, true);
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
      k.at_least(*lo, false);
      k.at_most(*hi, false);
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
  // Compared as text, which only the shadowing check needs: rules that raise the level.
  if (c.keep_opaque) c.opaque.insert(format_expr(e));
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

namespace {

// The truth of a condition that does not depend on the record: literals, comparisons of
// literals, and `x and false` / `x or true`. nullopt when it depends on the record.
std::optional<bool> constant_truth(const ast::Expr& e) {
  if (const auto* b = std::get_if<ast::BoolLit>(&e.kind)) return b->value;
  if (const auto* u = std::get_if<ast::Unary>(&e.kind); u && u->op == ast::UnaryOp::Not) {
    if (auto t = constant_truth(*u->operand)) return !*t;
    return std::nullopt;
  }
  const auto* b = std::get_if<ast::Binary>(&e.kind);
  if (b == nullptr) return std::nullopt;
  if (b->op == ast::BinaryOp::And || b->op == ast::BinaryOp::Or) {
    const bool dominant = b->op == ast::BinaryOp::Or;  // true wins `or`, false wins `and`
    const auto l = constant_truth(*b->lhs), r = constant_truth(*b->rhs);
    if ((l && *l == dominant) || (r && *r == dominant)) return dominant;
    if (l && r) return !dominant;
    return std::nullopt;
  }
  const auto* x = std::get_if<ast::NumberLit>(&b->lhs->kind);
  const auto* y = std::get_if<ast::NumberLit>(&b->rhs->kind);
  if (x == nullptr || y == nullptr) return std::nullopt;
  switch (b->op) {
    case ast::BinaryOp::Eq:
      return x->value == y->value;
    case ast::BinaryOp::Ne:
      return x->value != y->value;
    case ast::BinaryOp::Lt:
      return x->value < y->value;
    case ast::BinaryOp::Le:
      return x->value <= y->value;
    case ast::BinaryOp::Gt:
      return x->value > y->value;
    case ast::BinaryOp::Ge:
      return x->value >= y->value;
    default:
      return std::nullopt;
  }
}

// The lowest level at which `condition` certainly holds, when it is `level >= L`, `level > L`
// or `level == L` (either side), or an `or` of such; kNone otherwise.
Index lowest_level_required(const ast::Expr& condition) {
  const auto* b = std::get_if<ast::Binary>(&condition.kind);
  if (b == nullptr) return kNone;
  if (b->op == ast::BinaryOp::Or) {
    return std::min(lowest_level_required(*b->lhs), lowest_level_required(*b->rhs));
  }
  const auto level_of = [](const ast::Expr& e, ast::Resolution::Kind kind) -> Index {
    const auto* n = std::get_if<ast::NameRef>(&e.kind);
    if (n == nullptr || n->resolved.kind != kind) return kNone;
    return kind == ast::Resolution::Kind::Level ? n->resolved.index : 0;
  };
  const bool state_left = level_of(*b->lhs, ast::Resolution::Kind::CurrentLevel) != kNone;
  const Index bound = level_of(state_left ? *b->rhs : *b->lhs, ast::Resolution::Kind::Level);
  if (bound == kNone ||
      (!state_left && level_of(*b->rhs, ast::Resolution::Kind::CurrentLevel) == kNone)) {
    return kNone;
  }
  ast::BinaryOp op = b->op;
  if (!state_left) {  // `high <= level` reads as `level >= high`
    if (op == ast::BinaryOp::Le)
      op = ast::BinaryOp::Ge;
    else if (op == ast::BinaryOp::Lt)
      op = ast::BinaryOp::Gt;
    else if (op == ast::BinaryOp::Ge)
      op = ast::BinaryOp::Le;
    else if (op == ast::BinaryOp::Gt)
      op = ast::BinaryOp::Lt;
  }
  switch (op) {
    case ast::BinaryOp::Ge:
    case ast::BinaryOp::Eq:
      return bound;
    case ast::BinaryOp::Gt:
      return bound + 1;
    default:
      return kNone;
  }
}

}  // namespace

// The safeguards one line could silence: conditions that never (or always) hold, a cap on every
// record, and a cap below the level at which the purpose requires review.
void Checker::check_safeguards() {
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& rule = p_.rules[ri];
    if (rule.condition == nullptr) continue;
    const auto truth = constant_truth(*rule.condition);
    if (!truth) continue;
    if (*truth && rule.cap_at != kNone) {
      bag_.add(DiagCode::E0210, rule.condition->span,
               "rule " + backticked(rule.name) + " caps the level of every record at " +
                   backticked(p_.levels[rule.cap_at]) + ": its condition is always true")
          .help =
          "a cap on everyone silences the model and every rule above it; give the cap a "
          "condition about the record";
      continue;
    }
    bag_.add(DiagCode::W0511, rule.condition->span,
             "the condition of rule " + backticked(rule.name) + " is always " +
                 (*truth ? "true" : "false") + ", whatever the record")
        .help = *truth ? "write the condition about the record, or remove the rule"
                       : "the rule never fires: remove it, or fix the condition";
  }
  for (const PurposeInfo& purpose : p_.purposes) {
    for (const ReviewTrigger& trigger : purpose.reviews) {
      const auto truth = constant_truth(*trigger.condition);
      if (!truth) continue;
      bag_.add(DiagCode::W0511, trigger.condition->span,
               std::string("the review trigger is always ") + (*truth ? "true" : "false") +
                   ", whatever the record")
          .help = *truth ? "every assessment then requires review; say so plainly, or give the "
                           "trigger a condition"
                         : "the trigger never requires review: remove it, or fix the condition";
    }
    Index review_from = kNone;
    Span review_span;
    for (const ReviewTrigger& trigger : purpose.reviews) {
      const Index l = lowest_level_required(*trigger.condition);
      if (l < review_from) review_from = l, review_span = trigger.span;
    }
    if (review_from == kNone) continue;
    for (Index ri : purpose.rules) {
      const RuleInfo& rule = p_.rules[ri];
      if (rule.cap_at == kNone || rule.cap_at >= review_from || rule.review_because) continue;
      Diagnostic& d = bag_.add(DiagCode::E0211, rule.decl->name.span,
                               "rule " + backticked(rule.name) + " caps the level at " +
                                   backticked(p_.levels[rule.cap_at]) + ", below " +
                                   backticked(p_.levels[review_from]) + " where purpose " +
                                   backticked(purpose.name) +
                                   " requires review, and does not require review itself");
      d.notes.push_back({review_span, "the review trigger"});
      d.help =
          "add `require review because \"...\"` to the rule, so the cap cannot silence the "
          "review";
    }
  }
}

// `count(flags) >= N` (or `> N`, `== N`, and the same for sum(points) and subsets) joined by
// `and` to the rest of a condition, where the purpose cannot produce N: fewer other rules raise
// a flag (or give points) than the comparison needs.
void Checker::check_reachable_aggregates() {
  const auto atoms = [](const ast::Expr& e, auto& self,
                        std::vector<const ast::Expr*>& out) -> void {
    if (const auto* b = std::get_if<ast::Binary>(&e.kind); b && b->op == ast::BinaryOp::And) {
      self(*b->lhs, self, out);
      self(*b->rhs, self, out);
      return;
    }
    out.push_back(&e);
  };
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& rule = p_.rules[ri];
    if (rule.condition == nullptr) continue;
    std::vector<const ast::Expr*> conjuncts;
    atoms(*rule.condition, atoms, conjuncts);
    for (const ast::Expr* atom : conjuncts) {
      const auto* b = std::get_if<ast::Binary>(&atom->kind);
      if (b == nullptr) continue;
      const ast::Call* call = std::get_if<ast::Call>(&b->lhs->kind);
      std::optional<double> bound = constant(*b->rhs);
      ast::BinaryOp op = b->op;
      if (call == nullptr) {
        call = std::get_if<ast::Call>(&b->rhs->kind);
        bound = constant(*b->lhs);
        op = flip(op);
      }
      if (call == nullptr || !bound || call->args.size() != 1 ||
          (call->callee.name != "count" && call->callee.name != "sum")) {
        continue;
      }
      double needed = 0;
      if (op == ast::BinaryOp::Ge || op == ast::BinaryOp::Eq) needed = *bound;
      if (op == ast::BinaryOp::Gt) needed = std::nextafter(*bound, INFINITY);
      if (needed <= 0) continue;
      const bool count = call->callee.name == "count";
      const auto* subset = std::get_if<ast::InSet>(&call->args[0]->kind);
      for (Index pi : rule.purposes) {
        const PurposeInfo& purpose = p_.purposes[pi];
        double most = 0;  // the largest count or sum the other rules can produce
        std::size_t contributors = 0;
        for (Index other : purpose.rules) {
          if (other == ri) continue;
          if (subset &&
              !std::binary_search(subset->resolved.begin(), subset->resolved.end(), other)) {
            continue;
          }
          const RuleInfo& o = p_.rules[other];
          const double adds = count ? (o.flag != nullptr ? 1.0 : 0.0) : o.points.value_or(0.0);
          if (adds > 0) most += adds, ++contributors;
        }
        if (most >= needed) continue;
        const std::string others =
            (contributors == 0 ? "no" : "only " + std::to_string(contributors)) + " other " +
            (contributors == 1 ? "rule" : "rules") + (subset ? " it counts" : "");
        char total[32];
        std::snprintf(total, sizeof total, "%g", most);
        const std::string why =
            count ? "needs " + std::to_string(static_cast<long long>(std::ceil(needed))) +
                        " flags, but " + others + (contributors == 1 ? " raises one" : " raise one")
                  : "needs more points than the " + std::string(total) + " that " + others +
                        (contributors == 1 ? " gives" : " give together");
        Diagnostic& d =
            bag_.add(DiagCode::W0501, atom->span,
                     "rule " + backticked(rule.name) + " can never fire in purpose " +
                         backticked(purpose.name) + ": `" + format_expr(*atom) + "` " + why);
        d.help =
            "a rule never counts its own flag; lower the threshold, or add the rules it "
            "is meant to count";
        break;
      }
    }
  }
}

void Checker::run_lints() {
  check_safeguards();
  // A purpose without an effective period is approved for ever.
  for (const PurposeInfo& purpose : p_.purposes) {
    if (purpose.effective_from || purpose.effective_to) continue;
    bag_.add(DiagCode::W0510, purpose.span,
             "purpose " + backticked(purpose.name) + " has no effective period")
        .help =
        "add `effective from YYYY-MM-DD to YYYY-MM-DD`: the period its approval covers, "
        "after which it must be reviewed again";
  }
  check_reachable_aggregates();
  // Never fires, and shadowed.
  std::vector<std::optional<Conjunction>> conj(p_.rules.size());
  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& rule = p_.rules[ri];
    if (rule.condition == nullptr) continue;
    Conjunction c;
    c.keep_opaque = rule.raise_to != kNone;
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
    // Raises combine by taking the highest, so where the rules stand in the files does not
    // matter; of two rules that shadow each other, only the later by name is reported.
    for (Index ai = 0; ai < p_.rules.size(); ++ai) {
      const RuleInfo& a = p_.rules[ai];
      if (ai == ri || !conj[ai] || a.raise_to == kNone || a.raise_to < b.raise_to) continue;
      const bool a_raise_only = a.flag == nullptr && !a.points && a.cap_at == kNone &&
                                !a.review_because && a.raise_to == b.raise_to;
      if (a_raise_only && a.name > b.name && implies(*conj[ai], *conj[ri])) continue;
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
      if (p_.fields[ref.field].is_consent) continue;  // never unknown: missing means no consent
      // Only the condition matters: a flag text's {field} shows "ukendt" when missing.
      if (ref.span.begin < rule.condition->span.begin || ref.span.end > rule.condition->span.end) {
        continue;
      }
      for (Index pi : rule.purposes) {
        if (handled_in[pi].contains(ref.field)) continue;
        // A read the purpose may not make at all is already an error (E0301, E0305); the usual
        // advice, a trigger on missing(x), would be a forbidden read too.
        const PurposeInfo& purpose = p_.purposes[pi];
        const Index source = p_.fields[ref.field].source;
        if (std::find(purpose.forbidden.begin(), purpose.forbidden.end(), ref.field) !=
                purpose.forbidden.end() ||
            (source != kNone && !purpose.allows_source(source))) {
          continue;
        }
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
          .help =
          "remove it, or use it in a rule, a review trigger, a purpose's features or its forbid "
          "list";
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
