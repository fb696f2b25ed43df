#include "skon/dsl/format.hpp"

#include <sstream>

namespace skon::dsl {
namespace {

using ast::BinaryOp;

std::string quote(const ast::Text& t) {
  return t.triple ? "\"\"\"" + t.raw + "\"\"\"" : "\"" + t.raw + "\"";
}

std::string join(const std::vector<ast::Ident>& ids) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + ids[i].name;
  return out;
}

void print_expr(std::string& out, const ast::Expr& e);

// Children are printed as parsed: the parser records explicit parentheses, and without them the
// tree's shape already follows precedence, so no parentheses need to be invented.
void print_expr(std::string& out, const ast::Expr& e) {
  if (e.parenthesized) out += '(';
  std::visit(
      [&](const auto& k) {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ast::NumberLit>) {
          out += k.text;
        } else if constexpr (std::is_same_v<K, ast::BoolLit>) {
          out += k.value ? "true" : "false";
        } else if constexpr (std::is_same_v<K, ast::StringLit>) {
          out += '"';
          for (char c : k.value) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
          }
          out += '"';
        } else if constexpr (std::is_same_v<K, ast::DateLit>) {
          out += k.date.text;
        } else if constexpr (std::is_same_v<K, ast::NameRef>) {
          out += k.name;
        } else if constexpr (std::is_same_v<K, ast::Call>) {
          out += k.callee.name + "(";
          for (std::size_t i = 0; i < k.args.size(); ++i) {
            if (i) out += ", ";
            print_expr(out, *k.args[i]);
          }
          out += ")";
        } else if constexpr (std::is_same_v<K, ast::Unary>) {
          out += k.op == ast::UnaryOp::Not ? "not " : "-";
          print_expr(out, *k.operand);
        } else if constexpr (std::is_same_v<K, ast::Binary>) {
          print_expr(out, *k.lhs);
          out += std::string(" ") + ast::to_string(k.op) + " ";
          print_expr(out, *k.rhs);
        } else if constexpr (std::is_same_v<K, ast::InSet>) {
          print_expr(out, *k.subject);
          out += k.negated ? " not in { " : " in { ";
          out += join(k.members) + " }";
        } else if constexpr (std::is_same_v<K, ast::InRange>) {
          print_expr(out, *k.subject);
          out += k.negated ? " not in " : " in ";
          print_expr(out, *k.low);
          out += "..";
          print_expr(out, *k.high);
        } else {
          static_assert(ast::kUnhandled<K>);
        }
      },
      e.kind);
  if (e.parenthesized) out += ')';
}

class Printer {
 public:
  Printer(const ast::Module& m, const SourceMap& sources)
      : module_(m), text_(sources.file(m.file).text()) {}

  std::string run() {
    bool first = true;
    bool previous_block = false;
    for (const ast::Decl& d : module_.decls) {
      const Span s = ast::span_of(d);
      const bool block = std::holds_alternative<ast::SourceDecl>(d) ||
                         std::holds_alternative<ast::PurposeDecl>(d) ||
                         std::holds_alternative<ast::RuleDecl>(d) ||
                         std::holds_alternative<ast::TestDecl>(d);
      if (!first && (block || previous_block || blank_line_before(s.begin))) out_ += '\n';
      leading_comments(s.begin, 0);
      std::visit([&](const auto& decl) { print(decl); }, d);
      first = false;
      previous_block = block;
    }
    if (next_comment_ < module_.comments.size() && !first &&
        blank_line_before(module_.comments[next_comment_].span.begin)) {
      out_ += '\n';
    }
    leading_comments(static_cast<std::uint32_t>(text_.size()) + 1, 0);
    return out_;
  }

 private:
  // Was there an empty line in the source between the last printed item and `pos` (or the first
  // comment before it)?
  bool blank_line_before(std::uint32_t pos) const {
    std::uint32_t until = pos;
    if (next_comment_ < module_.comments.size()) {
      until = std::min(until, module_.comments[next_comment_].span.begin);
    }
    int newlines = 0;
    for (std::uint32_t i = last_end_; i < until && i < text_.size(); ++i) {
      if (text_[i] == '\n')
        ++newlines;
      else if (text_[i] != ' ' && text_[i] != '\t' && text_[i] != '\r')
        newlines = 0;
    }
    return newlines >= 2;
  }

  void leading_comments(std::uint32_t pos, int indent) {
    bool any = false;
    while (next_comment_ < module_.comments.size() &&
           module_.comments[next_comment_].span.begin < pos) {
      const ast::Comment& c = module_.comments[next_comment_];
      if (any && blank_line_before(c.span.begin)) out_ += '\n';
      out_ += std::string(static_cast<std::size_t>(indent) * 2, ' ') + c.text + "\n";
      last_end_ = c.span.end;
      ++next_comment_;
      any = true;
    }
    if (any && pos <= text_.size() && blank_line_before(pos)) out_ += '\n';
  }

  // Ends the current line, with a trailing comment if the source had one on the line of `end`
  // (and before `limit`, where the next item starts).
  void end_line(std::uint32_t end, std::uint32_t limit = 0xFFFFFFFF) {
    last_end_ = std::max(last_end_, end);
    if (next_comment_ < module_.comments.size()) {
      const ast::Comment& c = module_.comments[next_comment_];
      if (!c.own_line && c.span.begin >= end && c.span.begin < limit &&
          text_.substr(end, c.span.begin - end).find('\n') == std::string_view::npos) {
        out_ += "  " + c.text;
        last_end_ = c.span.end;
        ++next_comment_;
      }
    }
    out_ += '\n';
  }

  void line(int indent, const std::string& content, Span span, bool blank_aware = true) {
    if (blank_aware && blank_line_before(span.begin)) out_ += '\n';
    leading_comments(span.begin, indent);
    out_ += std::string(static_cast<std::size_t>(indent) * 2, ' ') + content;
    end_line(span.end);
  }

  // `first_item`: where the block's first statement starts; a comment after it belongs to it.
  void open_block(const std::string& header, std::uint32_t header_end, std::uint32_t first_item) {
    out_ += header + " {";
    end_line(header_end, first_item);
  }

  template <typename Body>
  static std::uint32_t first_item(const Body& body, Span decl) {
    return body.empty() ? decl.end : body.front().span.begin;
  }

  void close_block(Span decl) {
    // Comments inside the block after its last statement stay inside.
    if (next_comment_ < module_.comments.size() &&
        module_.comments[next_comment_].span.begin < decl.end && blank_line_before(decl.end)) {
      out_ += '\n';
    }
    leading_comments(decl.end - 1, 1);
    out_ += "}";
    end_line(decl.end);
  }

  // The governance statements purposes and rules share.
  template <typename Stmt>
  static std::string governance(const Stmt& st) {
    using Key = typename Stmt::Key;
    switch (st.key) {
      case Key::Owner:
        return "owner " + quote(*st.text);
      case Key::ApprovedBy:
        return "approved_by " + quote(*st.text);
      case Key::LegalReference:
        return "legal_reference " + quote(*st.text);
      case Key::GdprBasis:
        return "gdpr_basis " + quote(*st.text);
      case Key::NotFor:
        return "not_for " + quote(*st.text);
      case Key::Predicts:
        return "predicts " + quote(*st.text);
      case Key::Effective:
        return "effective from " + st.from->text + (st.to ? " to " + st.to->text : "");
      default:
        return "";
    }
  }

  static std::string labelled(const std::string& head, const std::optional<ast::Text>& label) {
    return label ? head + " " + quote(*label) : head;
  }

  // The offset just after a declaration's header, so a trailing comment on the header line stays.
  std::uint32_t header_end(Span decl) const {
    const auto brace = text_.find('{', decl.begin);
    return static_cast<std::uint32_t>(brace == std::string_view::npos ? decl.begin : brace + 1);
  }

  void print(const ast::ImportDecl& d) { line(0, "import " + quote(d.path), d.span, false); }
  void print(const ast::LevelsDecl& d) {
    std::string s = "levels ";
    for (std::size_t i = 0; i < d.levels.size(); ++i) {
      s += (i ? ", " : "") +
           labelled(d.levels[i].name, i < d.labels.size() ? d.labels[i] : std::nullopt);
    }
    line(0, s, d.span, false);
  }
  void print(const ast::RoleDecl& d) {
    line(0, labelled("role " + d.name.name, d.label), d.span, false);
  }

  void print(const ast::SourceDecl& d) {
    open_block(labelled("source " + d.name.name, d.label), header_end(d.span),
               first_item(d.body, d.span));
    for (const auto& st : d.body) {
      std::string s;
      switch (st.key) {
        case ast::SourceDecl::Key::Holder:
          s = "holder " + st.ident->name;
          break;
        case ast::SourceDecl::Key::Category:
          s = "category " + st.ident->name;
          break;
        case ast::SourceDecl::Key::LegalBasis:
          s = "legal_basis " + quote(*st.text);
          break;
        case ast::SourceDecl::Key::AccessibleTo:
          s = "accessible_to " + join(st.idents);
          break;
        case ast::SourceDecl::Key::Requires:
          s = "requires " + st.ident->name;
          break;
      }
      line(1, s, st.span);
    }
    close_block(d.span);
  }

  void print(const ast::FieldDecl& d) {
    std::string s = "field " + d.name.name + " : ";
    switch (d.type.kind) {
      case ast::FieldType::Kind::Number:
        s += "number";
        if (d.type.low) s += " in " + d.type.low->text + ".." + d.type.high->text;
        if (d.type.unit) s += " unit " + quote(*d.type.unit);
        break;
      case ast::FieldType::Kind::Bool:
        s += "bool";
        break;
      case ast::FieldType::Kind::Date:
        s += "date";
        break;
      case ast::FieldType::Kind::Category:
        s += "category { " + join(d.type.levels) + " }";
        break;
    }
    s += " from " + d.source.name;
    if (d.is_protected) s += " protected";
    if (d.requires_field) s += " requires " + d.requires_field->name;
    if (d.label) {
      s += ' ';
      s += quote(*d.label);
    }
    line(0, s, d.span, false);
  }

  void print(const ast::LetDecl& d) {
    std::string s = labelled("let " + d.name.name, d.label) + " = ";
    print_expr(s, *d.value);
    line(0, s, d.span, false);
  }

  void print(const ast::PurposeDecl& d) {
    using Key = ast::PurposeStmt::Key;
    open_block(labelled("purpose " + d.name.name, d.label), header_end(d.span),
               first_item(d.body, d.span));
    for (const auto& st : d.body) {
      std::string s;
      switch (st.key) {
        case Key::Owner:
        case Key::ApprovedBy:
        case Key::LegalReference:
        case Key::GdprBasis:
        case Key::NotFor:
        case Key::Predicts:
        case Key::Effective:
          s = governance(st);
          break;
        case Key::Roles:
          s = "roles " + join(st.idents);
          break;
        case Key::Sources:
          s = "sources " + join(st.idents);
          break;
        case Key::Model:
          s = "model " + quote(*st.text) + (st.sha256 ? " sha256 " + quote(*st.sha256) : "");
          break;
        case Key::Features:
          s = "features " + join(st.idents);
          break;
        case Key::Score:
          s = "score from " + st.idents[0].name;
          break;
        case Key::Retention:
          s = "retention " + st.number->text + " months";
          break;
        case Key::RequiresApproval:
          s = "requires approval by " + join(st.idents);
          break;
        case Key::Forbid:
          s = "forbid " + join(st.idents);
          break;
        case Key::Justify:
          s = "justify " + st.idents[0].name + " " + quote(*st.text);
          break;
        case Key::Completeness:
          s = "completeness at least " + st.number->text + " %";
          break;
        case Key::Bands:
          s = "bands ";
          for (std::size_t i = 0; i < st.bands.size(); ++i) {
            s += (i ? ", " : "") + st.bands[i].level.name;
            if (st.bands[i].below) s += " below " + st.bands[i].below->text;
          }
          break;
        case Key::Gate:
          s = "gate " + st.gate->metric.name + (st.gate->on ? " on " + st.gate->on->name : "") +
              (st.gate->op == BinaryOp::Ge ? " >= " : " <= ") + st.gate->bound.text +
              (st.gate->confidence ? " at " + st.gate->confidence->text + " %" : "");
          break;
        case Key::Direction:
          s = "direction " + st.idents[0].name + (st.raises ? " raises" : " lowers");
          break;
        case Key::Suspended:
          s = "suspended because " + quote(*st.text);
          break;
        case Key::Review:
          s = st.name ? "review " + st.name->name + " required when " : "review required when ";
          print_expr(s, *st.condition);
          if (st.text) s += " because " + quote(*st.text);
          break;
        case Key::Guidance:
          s = "guidance " + st.level->name + " " + quote(*st.text);
          break;
      }
      line(1, s, st.span);
    }
    close_block(d.span);
  }

  void print(const ast::RuleDecl& d) {
    using Key = ast::RuleStmt::Key;
    std::string head = labelled("rule " + d.name.name, d.label);
    if (!d.purposes.empty()) head += " in " + join(d.purposes);
    open_block(head, header_end(d.span), first_item(d.body, d.span));
    for (const auto& st : d.body) {
      std::string s;
      switch (st.key) {
        case Key::Owner:
        case Key::ApprovedBy:
        case Key::LegalReference:
        case Key::GdprBasis:
        case Key::NotFor:
        case Key::Predicts:
        case Key::Effective:
          s = governance(st);
          break;
        case Key::When:
          s = "when ";
          print_expr(s, *st.condition);
          break;
        case Key::Flag:
          s = "flag " + quote(*st.text);
          break;
        case Key::Points:
          s = "points " + st.number->text;
          break;
        case Key::Raise:
          s = "raise level to " + st.level->name + " because " + quote(*st.text);
          break;
        case Key::Cap:
          s = "cap level at " + st.level->name + " because " + quote(*st.text);
          break;
        case Key::Review:
          s = "require review because " + quote(*st.text);
          break;
        case Key::Tags:
          s = "tags " + join(st.idents);
          break;
      }
      line(1, s, st.span);
    }
    close_block(d.span);
  }

  void print(const ast::TestDecl& d) {
    using Key = ast::TestStmt::Key;
    std::string head = "test " + quote(d.name);
    if (d.purpose) head += " in " + d.purpose->name;
    open_block(head, header_end(d.span), first_item(d.body, d.span));
    for (const auto& st : d.body) {
      std::string s;
      switch (st.key) {
        case Key::Given:
          s = "given ";
          for (std::size_t i = 0; i < st.givens.size(); ++i) {
            if (i) s += ", ";
            s += st.givens[i].field.name + " = ";
            print_expr(s, *st.givens[i].value);
          }
          break;
        case Key::Probability:
          s = "probability " + st.number->text;
          break;
        case Key::On:
          s = "on " + st.day->text;
          break;
        case Key::ExpectFlag:
          s = "expect flag " + st.ident->name;
          break;
        case Key::ExpectNoFlag:
          s = "expect no flag " + st.ident->name;
          break;
        case Key::ExpectLevel:
          s = "expect level " + st.ident->name;
          break;
        case Key::ExpectReview:
          s = "expect review";
          if (st.ident) s += " reason " + st.ident->name;
          break;
        case Key::ExpectNoReview:
          s = "expect no review";
          if (st.ident) s += " reason " + st.ident->name;
          break;
        case Key::ExpectInsufficient:
          s = "expect insufficient data";
          break;
        case Key::ExpectPoints:
          s = "expect points " + st.number->text;
          break;
      }
      line(1, s, st.span);
    }
    close_block(d.span);
  }

  const ast::Module& module_;
  std::string_view text_;
  std::string out_;
  std::size_t next_comment_ = 0;
  std::uint32_t last_end_ = 0;
};

}  // namespace

std::string format_expr(const ast::Expr& expr) {
  std::string out;
  print_expr(out, expr);
  return out;
}

std::string format_module(const ast::Module& module, const SourceMap& sources) {
  return Printer(module, sources).run();
}

}  // namespace skon::dsl
