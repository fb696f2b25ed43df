#include "skon/dsl/ast.hpp"

#include <algorithm>
#include <type_traits>

namespace skon::dsl::ast {

const char* to_string(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or:
      return "or";
    case BinaryOp::And:
      return "and";
    case BinaryOp::Eq:
      return "==";
    case BinaryOp::Ne:
      return "!=";
    case BinaryOp::Lt:
      return "<";
    case BinaryOp::Le:
      return "<=";
    case BinaryOp::Gt:
      return ">";
    case BinaryOp::Ge:
      return ">=";
    case BinaryOp::Add:
      return "+";
    case BinaryOp::Sub:
      return "-";
    case BinaryOp::Mul:
      return "*";
    case BinaryOp::Div:
      return "/";
  }
  return "?";
}

namespace {

bool is_nonzero_literal(const Expr& e) {
  const auto* n = std::get_if<NumberLit>(&e.kind);
  return n != nullptr && n->value != 0;
}

}  // namespace

namespace {

// The fields a `known(x)` (or `not missing(x)`) among the top-level conjuncts of `e` guarantees,
// when `e` is not false. With `negate`, the `missing(x)` (or `not known(x)`) among the top-level
// disjuncts, which guarantee x when `e` is not true.
void guards(const Expr& e, bool negate, std::vector<std::uint32_t>& out) {
  if (const auto* b = std::get_if<Binary>(&e.kind)) {
    if (b->op == (negate ? BinaryOp::Or : BinaryOp::And)) {
      guards(*b->lhs, negate, out);
      guards(*b->rhs, negate, out);
    }
    return;
  }
  bool want_known = !negate;
  const Expr* inner = &e;
  if (const auto* u = std::get_if<Unary>(&e.kind); u && u->op == UnaryOp::Not) {
    want_known = !want_known;
    inner = u->operand.get();
  }
  const auto* call = std::get_if<Call>(&inner->kind);
  if (call == nullptr || call->args.size() != 1) return;
  const bool is_known = call->callee.name == "known";
  if (!is_known && call->callee.name != "missing") return;
  if (is_known != want_known) return;
  const auto* arg = std::get_if<NameRef>(&call->args[0]->kind);
  if (arg != nullptr && arg->resolved.kind == Resolution::Kind::Field) {
    out.push_back(arg->resolved.index);
  }
}

bool may_be_unknown(const Expr& e, const std::vector<std::uint32_t>& known) {
  const auto recurse = [&](const Expr& x) { return may_be_unknown(x, known); };
  return std::visit(Overloaded{
                        [](const NumberLit&) { return false; },
                        [](const BoolLit&) { return false; },
                        [](const StringLit&) { return false; },
                        [](const DateLit&) { return false; },
                        [&](const NameRef& k) {
                          if (k.resolved.kind == Resolution::Kind::Field) {
                            return std::find(known.begin(), known.end(), k.resolved.index) ==
                                   known.end();
                          }
                          return k.resolved.kind == Resolution::Kind::Let;
                        },
                        // missing(x), known(x), count(...), sum(...) always have a value; fired(r)
                        // is unknown when r's condition is
                        [](const Call& k) { return k.callee.name == "fired"; },
                        [&](const Unary& k) { return recurse(*k.operand); },
                        [&](const Binary& k) {
                          if (k.op == BinaryOp::And || k.op == BinaryOp::Or) {
                            // `a and b` is unknown only when neither side is false, and then every
                            // guard among either side's conjuncts holds (`known(x) and x > 5`); `a
                            // or b` only when neither is true, and then every `missing(x)` among
                            // the disjuncts is false.
                            std::vector<std::uint32_t> more = known;
                            guards(*k.lhs, k.op == BinaryOp::Or, more);
                            guards(*k.rhs, k.op == BinaryOp::Or, more);
                            return may_be_unknown(*k.lhs, more) || may_be_unknown(*k.rhs, more);
                          }
                          // A division has no value when its divisor is zero: `sum(points) /
                          // count(flags)` is unknown without flags.
                          if (k.op == BinaryOp::Div && !is_nonzero_literal(*k.rhs)) return true;
                          return recurse(*k.lhs) || recurse(*k.rhs);
                        },
                        [&](const InSet& k) { return recurse(*k.subject); },
                        [&](const InRange& k) {
                          return recurse(*k.subject) || recurse(*k.low) || recurse(*k.high);
                        },
                    },
                    e.kind);
}

}  // namespace

bool may_be_unknown(const Expr& e) {
  return may_be_unknown(e, {});
}

std::size_t count_nodes(const Expr& e) {
  return 1 + std::visit(
                 Overloaded{
                     [](const NumberLit&) -> std::size_t { return 0; },
                     [](const BoolLit&) -> std::size_t { return 0; },
                     [](const StringLit&) -> std::size_t { return 0; },
                     [](const DateLit&) -> std::size_t { return 0; },
                     [](const NameRef&) -> std::size_t { return 0; },
                     [](const Call& k) {
                       std::size_t n = 0;
                       for (const auto& a : k.args) n += count_nodes(*a);
                       return n;
                     },
                     [](const Unary& k) { return count_nodes(*k.operand); },
                     [](const Binary& k) { return count_nodes(*k.lhs) + count_nodes(*k.rhs); },
                     [](const InSet& k) { return count_nodes(*k.subject); },
                     [](const InRange& k) {
                       return count_nodes(*k.subject) + count_nodes(*k.low) + count_nodes(*k.high);
                     },
                 },
                 e.kind);
}

Span span_of(const Decl& decl) {
  return std::visit([](const auto& d) { return d.span; }, decl);
}

}  // namespace skon::dsl::ast
