#include "skon/dsl/format.hpp"

namespace skon::dsl {
namespace {

std::string names(const std::vector<ast::Ident>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? " " : "") + ids[i].name;
  return out + "]";
}

std::string opt_text(const std::optional<ast::Text>& t) {
  return t ? "\"" + t->value + "\"" : "-";
}

// Expressions are dumped fully parenthesised so the tree's shape is visible.
std::string dump_expr(const ast::Expr& e) {
  return std::visit(
      [](const auto& k) -> std::string {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ast::NumberLit>)
          return "num:" + k.text;
        else if constexpr (std::is_same_v<K, ast::BoolLit>)
          return k.value ? "true" : "false";
        else if constexpr (std::is_same_v<K, ast::StringLit>)
          return "str:\"" + k.value + "\"";
        else if constexpr (std::is_same_v<K, ast::DateLit>)
          return "date:" + k.date.text;
        else if constexpr (std::is_same_v<K, ast::NameRef>)
          return "name:" + k.name;
        else if constexpr (std::is_same_v<K, ast::Call>) {
          std::string out = "(call " + k.callee.name;
          for (const auto& a : k.args) out += " " + dump_expr(*a);
          return out + ")";
        } else if constexpr (std::is_same_v<K, ast::Unary>) {
          return std::string("(") + (k.op == ast::UnaryOp::Not ? "not" : "neg") + " " +
                 dump_expr(*k.operand) + ")";
        } else if constexpr (std::is_same_v<K, ast::Binary>) {
          return std::string("(") + ast::to_string(k.op) + " " + dump_expr(*k.lhs) + " " +
                 dump_expr(*k.rhs) + ")";
        } else if constexpr (std::is_same_v<K, ast::InSet>) {
          return std::string(k.negated ? "(not-in " : "(in ") + dump_expr(*k.subject) + " " +
                 names(k.members) + ")";
        } else if constexpr (std::is_same_v<K, ast::InRange>) {
          return std::string(k.negated ? "(not-in-range " : "(in-range ") + dump_expr(*k.subject) +
                 " " + dump_expr(*k.low) + " " + dump_expr(*k.high) + ")";
        } else {
          static_assert(ast::kUnhandled<K>);
        }
      },
      e.kind);
}

}  // namespace

std::string dump_module(const ast::Module& module) {
  std::string out;
  for (const ast::Decl& d : module.decls) {
    std::visit(
        [&](const auto& decl) {
          using D = std::decay_t<decltype(decl)>;
          if constexpr (std::is_same_v<D, ast::ImportDecl>) {
            out += "import \"" + decl.path.value + "\"\n";
          } else if constexpr (std::is_same_v<D, ast::LevelsDecl>) {
            out += "levels " + names(decl.levels);
            for (const auto& label : decl.labels) out += " " + opt_text(label);
            out += "\n";
          } else if constexpr (std::is_same_v<D, ast::RoleDecl>) {
            out += "role " + decl.name.name + " " + opt_text(decl.label) + "\n";
          } else if constexpr (std::is_same_v<D, ast::SourceDecl>) {
            out += "source " + decl.name.name + " " + opt_text(decl.label) + "\n";
            for (const auto& st : decl.body) {
              out += "  " + std::to_string(static_cast<int>(st.key)) + " " +
                     (st.ident ? st.ident->name : "-") + " " + opt_text(st.text) + " " +
                     names(st.idents) + "\n";
            }
          } else if constexpr (std::is_same_v<D, ast::FieldDecl>) {
            out += "field " + decl.name.name +
                   " kind=" + std::to_string(static_cast<int>(decl.type.kind)) + " range=" +
                   (decl.type.low ? decl.type.low->text + ".." + decl.type.high->text : "-") +
                   " unit=" + opt_text(decl.type.unit) + " levels=" + names(decl.type.levels) +
                   " from=" + decl.source.name + (decl.is_protected ? " protected" : "") + " " +
                   opt_text(decl.label) + "\n";
          } else if constexpr (std::is_same_v<D, ast::LetDecl>) {
            out += "let " + decl.name.name + " " + opt_text(decl.label) + " = " +
                   dump_expr(*decl.value) + "\n";
          } else if constexpr (std::is_same_v<D, ast::PurposeDecl>) {
            out += "purpose " + decl.name.name + " " + opt_text(decl.label) + "\n";
            for (const auto& st : decl.body) {
              out += "  " + std::to_string(static_cast<int>(st.key)) + " " + names(st.idents) +
                     " " + opt_text(st.text) + " " + opt_text(st.sha256) + " " +
                     (st.from ? st.from->text : "-") + " " + (st.to ? st.to->text : "-") + " " +
                     (st.number ? st.number->text : "-") + " " + (st.level ? st.level->name : "-") +
                     " " + (st.raises ? "up" : "down");
              for (const auto& b : st.bands) {
                out += " band:" + b.level.name + (b.below ? "<" + b.below->text : "");
              }
              if (st.gate) {
                out += " gate:" + st.gate->metric.name +
                       (st.gate->on ? "@" + st.gate->on->name : "") + ast::to_string(st.gate->op) +
                       st.gate->bound.text +
                       (st.gate->confidence ? "@" + st.gate->confidence->text + "%" : "");
              }
              if (st.condition) out += " " + dump_expr(*st.condition);
              out += "\n";
            }
          } else if constexpr (std::is_same_v<D, ast::RuleDecl>) {
            out += "rule " + decl.name.name + " " + opt_text(decl.label) + " in " +
                   names(decl.purposes) + "\n";
            for (const auto& st : decl.body) {
              out += "  " + std::to_string(static_cast<int>(st.key)) + " " + opt_text(st.text) +
                     " " + (st.from ? st.from->text : "-") + " " + (st.to ? st.to->text : "-") +
                     " " + (st.number ? st.number->text : "-") + " " +
                     (st.level ? st.level->name : "-");
              if (st.condition) out += " " + dump_expr(*st.condition);
              out += "\n";
            }
          } else if constexpr (std::is_same_v<D, ast::TestDecl>) {
            out += "test \"" + decl.name.value + "\" in " +
                   (decl.purpose ? decl.purpose->name : "-") + "\n";
            for (const auto& st : decl.body) {
              out += "  " + std::to_string(static_cast<int>(st.key)) + " " +
                     (st.number ? st.number->text : "-") + " " + (st.ident ? st.ident->name : "-");
              for (const auto& g : st.givens) out += " " + g.field.name + "=" + dump_expr(*g.value);
              out += "\n";
            }
          }
        },
        d);
  }
  return out;
}

}  // namespace skon::dsl
