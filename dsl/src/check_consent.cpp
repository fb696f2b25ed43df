// E0312: a field declared `requires CONSENT` may be read only where CONSENT is known to be true.
// The engine withholds the value from anyone without consent anyway (it is never read, never
// range-checked); this proof makes a rule that forgets the condition an error instead of a rule
// that quietly treats "no consent" as "data missing".
//
// A read is guarded when an enclosing `and` chain has CONSENT (or `CONSENT == true`) as one of
// its operands: `consent_wellbeing and wellbeing_index < 2`. A derived value may guard its own
// reads; its unguarded ones are checked where it is used. A flag text is guarded by its rule's
// condition.

#include <map>
#include <set>

#include "checker.hpp"

namespace skon::dsl::detail {
namespace {

struct UnguardedRead {
  Index field = kNone;
  Span span;
  Index via_let = kNone;
};

class ConsentWalk {
 public:
  ConsentWalk(const Program& p, const std::vector<std::vector<UnguardedRead>>& let_reads)
      : p_(p), let_reads_(let_reads) {}

  // The reads of consent-requiring fields in `e` not guarded by `guard` or by `e` itself.
  void walk(const ast::Expr& e, const std::set<Index>& guard, std::vector<UnguardedRead>& out) {
    if (const auto* b = std::get_if<ast::Binary>(&e.kind); b && b->op == ast::BinaryOp::And) {
      std::vector<const ast::Expr*> conjuncts;
      flatten(e, conjuncts);
      std::set<Index> inner = guard;
      for (const ast::Expr* c : conjuncts) {
        if (const Index f = asserted_true(*c); f != kNone) inner.insert(f);
      }
      for (const ast::Expr* c : conjuncts) walk(*c, inner, out);
      return;
    }
    if (const auto* n = std::get_if<ast::NameRef>(&e.kind)) {
      if (n->resolved.kind == ast::Resolution::Kind::Field) {
        check(n->resolved.index, e.span, kNone, guard, out);
      } else if (n->resolved.kind == ast::Resolution::Kind::Let) {
        for (const UnguardedRead& r : let_reads_[n->resolved.index]) {
          check(r.field, e.span, n->resolved.index, guard, out);
        }
      }
      return;
    }
    std::visit(
        [&](const auto& k) {
          using K = std::decay_t<decltype(k)>;
          if constexpr (std::is_same_v<K, ast::Call>) {
            for (const auto& a : k.args) walk(*a, guard, out);
          } else if constexpr (std::is_same_v<K, ast::Unary>) {
            walk(*k.operand, guard, out);
          } else if constexpr (std::is_same_v<K, ast::Binary>) {
            walk(*k.lhs, guard, out);
            walk(*k.rhs, guard, out);
          } else if constexpr (std::is_same_v<K, ast::InSet>) {
            walk(*k.subject, guard, out);
          } else if constexpr (std::is_same_v<K, ast::InRange>) {
            walk(*k.subject, guard, out);
            walk(*k.low, guard, out);
            walk(*k.high, guard, out);
          } else if constexpr (std::is_same_v<K, ast::NumberLit> ||
                               std::is_same_v<K, ast::BoolLit> ||
                               std::is_same_v<K, ast::StringLit> ||
                               std::is_same_v<K, ast::DateLit> || std::is_same_v<K, ast::NameRef>) {
            // Literals read nothing; a name was handled above.
          } else {
            static_assert(ast::kUnhandled<K>);  // a new node kind must say what it reads
          }
        },
        e.kind);
  }

  // The consents a condition asserts for the whole of it: its top-level `and` operands.
  std::set<Index> asserted(const ast::Expr& e) const {
    std::vector<const ast::Expr*> conjuncts;
    flatten(e, conjuncts);
    std::set<Index> out;
    for (const ast::Expr* c : conjuncts) {
      if (const Index f = asserted_true(*c); f != kNone) out.insert(f);
    }
    return out;
  }

 private:
  void check(Index field, Span span, Index via_let, const std::set<Index>& guard,
             std::vector<UnguardedRead>& out) const {
    const Index consent = p_.fields[field].requires_field;
    if (consent != kNone && !guard.contains(consent)) out.push_back({field, span, via_let});
  }

  static void flatten(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
    if (const auto* b = std::get_if<ast::Binary>(&e.kind); b && b->op == ast::BinaryOp::And) {
      flatten(*b->lhs, out);
      flatten(*b->rhs, out);
      return;
    }
    out.push_back(&e);
  }

  // The bool field `e` says is true: `consent` or `consent == true`; kNone otherwise.
  static Index asserted_true(const ast::Expr& e) {
    const auto field_of = [](const ast::Expr& x) -> Index {
      const auto* n = std::get_if<ast::NameRef>(&x.kind);
      return n && n->resolved.kind == ast::Resolution::Kind::Field ? n->resolved.index : kNone;
    };
    if (const Index f = field_of(e); f != kNone) return f;
    if (const auto* b = std::get_if<ast::Binary>(&e.kind); b && b->op == ast::BinaryOp::Eq) {
      const auto is_true = [](const ast::Expr& x) {
        const auto* l = std::get_if<ast::BoolLit>(&x.kind);
        return l && l->value;
      };
      if (is_true(*b->rhs)) return field_of(*b->lhs);
      if (is_true(*b->lhs)) return field_of(*b->rhs);
    }
    return kNone;
  }

  const Program& p_;
  const std::vector<std::vector<UnguardedRead>>& let_reads_;
};

}  // namespace

void Checker::check_consent() {
  const bool any = std::any_of(p_.fields.begin(), p_.fields.end(),
                               [](const FieldInfo& f) { return f.requires_field != kNone; });
  if (!any) return;

  std::set<std::pair<std::uint32_t, Index>> reported;  // (span begin, field)
  const auto report = [&](const UnguardedRead& r, const char* where) {
    if (!reported.insert({r.span.begin, r.field}).second) return;
    const FieldInfo& field = p_.fields[r.field];
    const std::string consent = p_.fields[field.requires_field].name;
    Diagnostic& d =
        bag_.add(DiagCode::E0312, r.span,
                 backticked(field.name) + " may be read only where " + backticked(consent) +
                     " is true, and " + where + " does not check it");
    if (r.via_let != kNone) {
      d.notes.push_back({p_.lets[r.via_let].span,
                         backticked(p_.lets[r.via_let].name) + " reads " + backticked(field.name)});
    }
    d.notes.push_back({field.requires_span,
                       backticked(field.name) + " requires " + backticked(consent) + " here"});
    d.help = "write `" + consent + " and ...` in the condition that reads it";
  };

  // Lets first, in definition order: a let's unguarded reads are checked where it is used.
  std::vector<std::vector<UnguardedRead>> let_reads(p_.lets.size());
  ConsentWalk walk(p_, let_reads);
  for (Index li = 0; li < p_.lets.size(); ++li) {
    if (p_.lets[li].value != nullptr) walk.walk(*p_.lets[li].value, {}, let_reads[li]);
  }

  for (Index ri = 0; ri < p_.rules.size(); ++ri) {
    const RuleInfo& rule = p_.rules[ri];
    if (rule.condition == nullptr) continue;
    std::vector<UnguardedRead> found;
    walk.walk(*rule.condition, {}, found);
    for (const UnguardedRead& r : found) report(r, "this rule's condition");
    // The flag text shows only when the condition holds: its consents guard the text.
    const std::set<Index> guard = walk.asserted(*rule.condition);
    const Span cond = rule.condition->span;
    for (const Reference& ref : rule_facts_[ri].references) {
      if (ref.span.file == cond.file && ref.span.begin >= cond.begin && ref.span.end <= cond.end) {
        continue;  // in the condition: walked above
      }
      const Index consent = p_.fields[ref.field].requires_field;
      if (consent != kNone && !guard.contains(consent)) {
        report({ref.field, ref.span, ref.via_let}, "this rule's condition");
      }
    }
  }
  for (const PurposeInfo& purpose : p_.purposes) {
    for (const ReviewTrigger& t : purpose.reviews) {
      if (t.condition == nullptr) continue;
      std::vector<UnguardedRead> found;
      walk.walk(*t.condition, {}, found);
      for (const UnguardedRead& r : found) report(r, "this review trigger");
    }
    // A model reads every feature for everyone: its missing-value handling would turn a refused
    // consent into a signal. So a consent-bound field is for rules only.
    const auto refuse = [&](Index fi, Span span, const char* role) {
      const FieldInfo& field = p_.fields[fi];
      if (field.requires_field == kNone) return;
      Diagnostic& d = bag_.add(DiagCode::E0312, span,
                               backticked(field.name) + " requires " +
                                   backticked(p_.fields[field.requires_field].name) +
                                   ", so it cannot be " + role +
                                   ": it would be read for everyone, and a refused consent would "
                                   "change the score");
      d.notes.push_back({field.requires_span, "the consent is required here"});
      d.help = "use it in rules guarded by the consent instead";
    };
    for (Index f : purpose.features) refuse(f, purpose.feature_spans.at(f), "a model feature");
    if (purpose.score_field != kNone) refuse(purpose.score_field, purpose.score_span, "the score");
  }
}

}  // namespace skon::dsl::detail
