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

bool may_be_unknown(const Expr& e) {
  return std::visit(
      [](const auto& k) -> bool {
        using T = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<T, NameRef>) {
          return k.resolved.kind == Resolution::Kind::Field ||
                 k.resolved.kind == Resolution::Kind::Let;
        } else if constexpr (std::is_same_v<T, Call>) {
          return false;  // missing(x), known(x), count(flags), sum(points) always have a value
        } else if constexpr (std::is_same_v<T, Unary>) {
          return may_be_unknown(*k.operand);
        } else if constexpr (std::is_same_v<T, Binary>) {
          return may_be_unknown(*k.lhs) || may_be_unknown(*k.rhs);
        } else if constexpr (std::is_same_v<T, InSet>) {
          return may_be_unknown(*k.subject);
        } else if constexpr (std::is_same_v<T, InRange>) {
          return may_be_unknown(*k.subject) || may_be_unknown(*k.low) || may_be_unknown(*k.high);
        } else {
          return false;  // literals
        }
      },
      e.kind);
}

Span span_of(const Decl& decl) {
  return std::visit([](const auto& d) { return d.span; }, decl);
}

}  // namespace skon::dsl::ast
