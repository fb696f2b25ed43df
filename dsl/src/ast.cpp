#include "skon/dsl/ast.hpp"

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

bool may_be_unknown(const Expr& e) {
  return std::visit(Overloaded{
                        [](const NumberLit&) { return false; },
                        [](const BoolLit&) { return false; },
                        [](const StringLit&) { return false; },
                        [](const DateLit&) { return false; },
                        [](const NameRef& k) {
                          return k.resolved.kind == Resolution::Kind::Field ||
                                 k.resolved.kind == Resolution::Kind::Let;
                        },
                        // missing(x), known(x), count(...), sum(...) always have a value;
                        // fired(r) is unknown when r's condition is
                        [](const Call& k) { return k.callee.name == "fired"; },
                        [](const Unary& k) { return may_be_unknown(*k.operand); },
                        [](const Binary& k) {
                          // A division has no value when its divisor is zero: `sum(points) /
                          // count(flags)` is unknown without flags.
                          if (k.op == BinaryOp::Div && !is_nonzero_literal(*k.rhs)) return true;
                          return may_be_unknown(*k.lhs) || may_be_unknown(*k.rhs);
                        },
                        [](const InSet& k) { return may_be_unknown(*k.subject); },
                        [](const InRange& k) {
                          return may_be_unknown(*k.subject) || may_be_unknown(*k.low) ||
                                 may_be_unknown(*k.high);
                        },
                    },
                    e.kind);
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
