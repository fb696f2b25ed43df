#include "lower.hpp"

#include <fast_float/fast_float.h>

#include <cmath>
#include <stdexcept>

#include "grammar.hpp"
#include "skon/base/date.hpp"

namespace skon::dsl {

namespace {

// A parse-tree node the lowering does not know: the grammar grew and this file did not. Never a
// silent default — an internal error (exit 4) naming the node.
[[noreturn]] void unexpected(const PtNode& n) {
  throw std::logic_error("lowering: unexpected parse node " + std::string(n.type));
}

}  // namespace

using namespace grammar;
namespace {

using Key = ast::PurposeStmt::Key;
using RKey = ast::RuleStmt::Key;
using TKey = ast::TestStmt::Key;

bool is_string(const PtNode& n) {
  return n.is_type<plain_string_raw>() || n.is_type<triple_string_raw>();
}

// Decodes the escapes of a "..." text (already validated by the grammar). With `for_pattern`,
// `\\`, `\{` and `\}` stay escaped, so interpolation can tell a literal brace from `{name}`.
std::string unescape(std::string_view raw, bool for_pattern) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 == raw.size()) {
      out += raw[i];
      continue;
    }
    const char c = raw[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '{':
      case '}':
      case '\\':
        if (for_pattern) out += '\\';
        out += c;
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

}  // namespace

Lowerer::Lowerer(const SourceMap& sources, FileId file, DiagnosticBag& bag,
                 const ParseLimits& limits)
    : sources_(sources),
      file_(file),
      text_(sources.file(file).text()),
      bag_(bag),
      limits_(limits) {}

Span Lowerer::span(const PtNode& n) const {
  return Span{file_, static_cast<std::uint32_t>(n.m_begin.data - text_.data()),
              static_cast<std::uint32_t>(n.m_end.data - text_.data())};
}

Span Lowerer::stmt_span(const PtNode& n) const {
  // Scan the node's text and remember where its last token ended, skipping texts and comments.
  const auto begin = static_cast<std::size_t>(n.m_begin.data - text_.data());
  const auto end = static_cast<std::size_t>(n.m_end.data - text_.data());
  std::size_t last = begin;
  for (std::size_t i = begin; i < end; ++i) {
    const char c = text_[i];
    if (c == '#') {
      while (i < end && text_[i] != '\n') ++i;
    } else if (c == '"') {
      if (text_.compare(i, 3, "\"\"\"") == 0) {
        const auto close = text_.find("\"\"\"", i + 3);
        i = close == std::string_view::npos ? end : close + 2;
      } else {
        ++i;
        while (i < end && text_[i] != '"') {
          if (text_[i] == '\\') ++i;
          ++i;
        }
      }
      last = std::min(i + 1, end);
    } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
      last = i + 1;
    }
  }
  return Span{file_, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(last)};
}

ast::Ident Lowerer::ident(const PtNode& n) const {
  return {n.string(), span(n)};
}

ast::Text Lowerer::text(const PtNode& n) const {
  ast::Text t;
  t.span = span(n);
  const std::string_view raw = n.string_view();
  if (n.is_type<triple_string_raw>()) {
    t.triple = true;
    t.raw = std::string(raw.substr(3, raw.size() - 6));
    t.value = t.raw;
    t.pattern = t.raw;
  } else {
    t.raw = std::string(raw.substr(1, raw.size() - 2));
    t.value = unescape(t.raw, false);
    t.pattern = unescape(t.raw, true);
  }
  return t;
}

ast::Date Lowerer::date(const PtNode& n) {
  ast::Date d;
  d.text = n.string();
  d.span = span(n);
  if (const auto days = base::parse_iso_date(d.text)) {
    d.days = *days;
  } else {
    bag_.add(DiagCode::E0102, d.span, "`" + d.text + "` is not a calendar date").help =
        "write dates as YYYY-MM-DD with a real month and day";
  }
  return d;
}

ast::NumberLit Lowerer::number(const PtNode& n) {
  ast::NumberLit lit;
  lit.text = n.string();
  const char* b = lit.text.data();
  const char* e = b + lit.text.size();
  const auto result = fast_float::from_chars(b, e, lit.value);
  if (result.ec != std::errc() || result.ptr != e || !std::isfinite(lit.value)) {
    const std::string shown = lit.text.size() > 24 ? lit.text.substr(0, 20) + "…" : lit.text;
    bag_.add(DiagCode::E0103, span(n), "number `" + shown + "` cannot be represented").help =
        "numbers must lie within ±1.7e308";
    lit.value = 0;
  }
  return lit;
}

std::vector<ast::Ident> Lowerer::idents(const PtNode& n, std::size_t from) const {
  std::vector<ast::Ident> out;
  for (std::size_t i = from; i < n.children.size(); ++i) {
    if (n.children[i]->is_type<ident_raw>()) out.push_back(ident(*n.children[i]));
  }
  return out;
}

ast::ExprPtr Lowerer::literal_expr(const PtNode& n) {
  auto e = std::make_unique<ast::Expr>();
  e->span = span(n);
  if (n.is_type<unsigned_raw>() || n.is_type<signed_raw>()) {
    e->kind = number(n);
  } else if (n.is_type<date_raw>()) {
    e->kind = ast::DateLit{date(n)};
  } else if (is_string(n)) {
    e->kind = ast::StringLit{text(n).value};
  } else if (n.is_type<true_raw>()) {
    e->kind = ast::BoolLit{true};
  } else if (n.is_type<false_raw>()) {
    e->kind = ast::BoolLit{false};
  } else {  // ident_raw
    e->kind = ast::NameRef{n.string(), {}};
  }
  return e;
}

ast::ExprPtr Lowerer::expr(const PtNode& n, unsigned depth) {
  const unsigned limit = limits_.max_nesting * 4;
  // Parentheses are bounded before parsing; long chains of operators are bounded here, so every
  // later recursive pass over the tree stays shallow.
  const auto too_deep = [&](const PtNode& at) {
    bag_.add(DiagCode::E0005, stmt_span(at),
             "expression nested too deeply (more than " + std::to_string(limit) +
                 " operators in a chain)")
        .help = "split the condition into named values with `let`";
    auto e = std::make_unique<ast::Expr>();
    e->span = stmt_span(at);
    e->kind = ast::BoolLit{false};
    return e;
  };
  if (depth > limit) return too_deep(n);
  const auto make_binary = [](ast::BinaryOp op, ast::ExprPtr lhs, ast::ExprPtr rhs) {
    auto e = std::make_unique<ast::Expr>();
    e->span = Span{lhs->span.file, lhs->span.begin, rhs->span.end};
    e->kind = ast::Binary{op, std::move(lhs), std::move(rhs)};
    return e;
  };
  const auto& kids = n.children;

  if (n.is_type<grammar::expr>() || n.is_type<and_expr>()) {  // folded unless two or more operands
    const auto op = n.is_type<grammar::expr>() ? ast::BinaryOp::Or : ast::BinaryOp::And;
    if (depth + kids.size() > limit) return too_deep(n);
    ast::ExprPtr acc = expr(*kids[0], depth + kids.size());
    for (std::size_t i = 1; i < kids.size(); ++i) {
      acc = make_binary(op, std::move(acc), expr(*kids[i], depth + kids.size()));
    }
    return acc;
  }
  if (n.is_type<sum_expr>() || n.is_type<prod_expr>()) {  // operand (op operand)*
    if (depth + kids.size() / 2 > limit) return too_deep(n);
    ast::ExprPtr acc = expr(*kids[0], depth + kids.size() / 2);
    for (std::size_t i = 1; i + 1 < kids.size(); i += 2) {
      const char c = kids[i]->string_view()[0];
      const auto op = c == '+'   ? ast::BinaryOp::Add
                      : c == '-' ? ast::BinaryOp::Sub
                      : c == '*' ? ast::BinaryOp::Mul
                                 : ast::BinaryOp::Div;
      acc = make_binary(op, std::move(acc), expr(*kids[i + 1], depth + kids.size() / 2));
    }
    return acc;
  }
  if (n.is_type<not_expr>() || n.is_type<unary_expr>()) {  // prefix operators, then the operand
    const std::size_t ops = kids.size() - 1;
    if (depth + ops > limit) return too_deep(n);
    ast::ExprPtr acc = expr(*kids.back(), depth + 1 + static_cast<unsigned>(ops));
    for (std::size_t i = ops; i-- > 0;) {
      auto e = std::make_unique<ast::Expr>();
      e->span = Span{file_, span(*kids[i]).begin, acc->span.end};
      e->kind =
          ast::Unary{n.is_type<not_expr>() ? ast::UnaryOp::Not : ast::UnaryOp::Neg, std::move(acc)};
      acc = std::move(e);
    }
    return acc;
  }
  if (n.is_type<cmp_expr>()) {
    ast::ExprPtr subject = expr(*kids[0], depth + 1);
    const PtNode& second = *kids[1];
    if (second.is_type<cmp_op_raw>()) {
      const std::string_view op = second.string_view();
      const auto bop = op == "=="   ? ast::BinaryOp::Eq
                       : op == "!=" ? ast::BinaryOp::Ne
                       : op == "<=" ? ast::BinaryOp::Le
                       : op == ">=" ? ast::BinaryOp::Ge
                       : op == "<"  ? ast::BinaryOp::Lt
                                    : ast::BinaryOp::Gt;
      return make_binary(bop, std::move(subject), expr(*kids[2], depth + 1));
    }
    const bool negated = second.is_type<negated_raw>();
    const PtNode& target = *kids[negated ? 2 : 1];
    auto e = std::make_unique<ast::Expr>();
    e->span = Span{file_, subject->span.begin, stmt_span(target).end};
    if (target.is_type<set_lit>()) {
      ast::InSet in;
      in.subject = std::move(subject);
      in.members = idents(target);
      in.negated = negated;
      e->kind = std::move(in);
    } else if (target.is_type<range_lit>()) {
      ast::InRange in;
      in.subject = std::move(subject);
      in.low = literal_expr(*target.children[0]);
      in.high = literal_expr(*target.children[1]);
      in.negated = negated;
      e->kind = std::move(in);
    } else {
      unexpected(target);
    }
    return e;
  }
  if (n.is_type<paren_expr>()) {
    ast::ExprPtr inner = expr(*kids[0], depth + 1);
    inner->span = stmt_span(n);  // the parentheses belong to the span
    inner->parenthesized = true;
    return inner;
  }
  if (n.is_type<call>()) {
    auto e = std::make_unique<ast::Expr>();
    e->span = stmt_span(n);
    ast::Call c;
    c.callee = ident(*kids[0]);
    for (std::size_t i = 1; i < kids.size(); ++i) c.args.push_back(expr(*kids[i], depth + 1));
    e->kind = std::move(c);
    return e;
  }
  return literal_expr(n);
}

std::optional<ast::Decl> Lowerer::lower_decl(const PtNode& n) {
  const auto& kids = n.children;
  if (n.is_type<import_decl>()) return ast::ImportDecl{text(*kids[0]), stmt_span(n)};
  if (n.is_type<levels_decl>()) {
    ast::LevelsDecl d{{}, {}, stmt_span(n)};
    for (const auto& c : kids) {
      if (c->is_type<ident_raw>()) {
        d.levels.push_back(ident(*c));
        d.labels.emplace_back();
      } else if (!d.labels.empty()) {
        d.labels.back() = text(*c);  // a level's label follows its name
      }
    }
    return d;
  }
  if (n.is_type<role_decl>()) {
    ast::RoleDecl r{ident(*kids[0]), std::nullopt, stmt_span(n)};
    if (kids.size() > 1) r.label = text(*kids[1]);
    return r;
  }
  if (n.is_type<grammar::source_decl>()) return source_decl(n);
  if (n.is_type<grammar::field_decl>()) return field_decl(n);
  if (n.is_type<let_decl>()) {
    ast::LetDecl l;
    l.name = ident(*kids[0]);
    if (kids.size() > 2) l.label = text(*kids[1]);
    l.value = expr(*kids.back());
    l.span = stmt_span(n);
    return l;
  }
  if (n.is_type<grammar::purpose_decl>()) return purpose_decl(n);
  if (n.is_type<grammar::rule_decl>()) return rule_decl(n);
  if (n.is_type<grammar::test_decl>()) return test_decl(n);
  return std::nullopt;
}

template <typename Stmt>
bool Lowerer::governance(const PtNode& c, Stmt& st) {
  using K = typename Stmt::Key;
  const auto& k = c.children;
  if (c.is_type<owner_stmt>()) {
    st.key = K::Owner;
    st.text = text(*k[0]);
  } else if (c.is_type<approved_by_stmt>()) {
    st.key = K::ApprovedBy;
    st.text = text(*k[0]);
  } else if (c.is_type<legal_reference_stmt>()) {
    st.key = K::LegalReference;
    st.text = text(*k[0]);
  } else if (c.is_type<gdpr_basis_stmt>()) {
    st.key = K::GdprBasis;
    st.text = text(*k[0]);
  } else if (c.is_type<not_for_stmt>()) {
    st.key = K::NotFor;
    st.text = text(*k[0]);
  } else if (c.is_type<predicts_stmt>()) {
    st.key = K::Predicts;
    st.text = text(*k[0]);
  } else if (c.is_type<effective_stmt>()) {
    st.key = K::Effective;
    st.from = date(*k[0]);
    if (k.size() > 1) st.to = date(*k[1]);
  } else {
    return false;
  }
  return true;
}

ast::SourceDecl Lowerer::source_decl(const PtNode& n) {
  ast::SourceDecl s;
  s.span = stmt_span(n);
  s.name = ident(*n.children[0]);
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const PtNode& c = *n.children[i];
    if (is_string(c)) {
      s.label = text(c);
      continue;
    }
    ast::SourceDecl::Stmt st;
    st.span = stmt_span(c);
    if (c.is_type<holder_stmt>()) {
      st.key = ast::SourceDecl::Key::Holder;
      st.ident = ident(*c.children[0]);
    } else if (c.is_type<category_stmt>()) {
      st.key = ast::SourceDecl::Key::Category;
      st.ident = ident(*c.children[0]);
    } else if (c.is_type<legal_basis_stmt>()) {
      st.key = ast::SourceDecl::Key::LegalBasis;
      st.text = text(*c.children[0]);
    } else if (c.is_type<source_requires_stmt>()) {
      st.key = ast::SourceDecl::Key::Requires;
      st.ident = ident(*c.children[0]);
    } else if (c.is_type<accessible_to_stmt>()) {
      st.key = ast::SourceDecl::Key::AccessibleTo;
      st.idents = idents(c);
    } else {
      unexpected(c);
    }
    s.body.push_back(std::move(st));
  }
  return s;
}

ast::FieldDecl Lowerer::field_decl(const PtNode& n) {
  ast::FieldDecl f;
  f.span = stmt_span(n);
  f.name = ident(*n.children[0]);
  const PtNode& type = *n.children[1];
  f.type.span = stmt_span(type);
  if (type.is_type<number_type>()) {
    f.type.kind = ast::FieldType::Kind::Number;
    for (const auto& part : type.children) {
      if (part->is_type<range_spec>()) {
        f.type.low = number(*part->children[0]);
        f.type.high = number(*part->children[1]);
      } else if (part->is_type<unit_spec>()) {
        f.type.unit = text(*part->children[0]);
      } else {
        unexpected(*part);
      }
    }
  } else if (type.is_type<bool_type>()) {
    f.type.kind = ast::FieldType::Kind::Bool;
  } else if (type.is_type<date_type>()) {
    f.type.kind = ast::FieldType::Kind::Date;
  } else if (type.is_type<category_type>()) {
    f.type.kind = ast::FieldType::Kind::Category;
    f.type.levels = idents(type);
  } else {
    unexpected(type);
  }
  f.source = ident(*n.children[2]);
  for (std::size_t i = 3; i < n.children.size(); ++i) {
    if (n.children[i]->is_type<protected_raw>()) f.is_protected = true;
    if (n.children[i]->is_type<requires_clause>()) {
      f.requires_field = ident(*n.children[i]->children[0]);
    }
    if (is_string(*n.children[i])) f.label = text(*n.children[i]);
  }
  return f;
}

ast::PurposeDecl Lowerer::purpose_decl(const PtNode& n) {
  ast::PurposeDecl p;
  p.span = stmt_span(n);
  p.name = ident(*n.children[0]);
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const PtNode& c = *n.children[i];
    if (is_string(c)) {
      p.label = text(c);
      continue;
    }
    const auto& k = c.children;
    ast::PurposeStmt st;
    st.span = stmt_span(c);
    if (governance(c, st)) {
      // owner, approved_by, legal_reference, effective
    } else if (c.is_type<roles_stmt>()) {
      st.key = Key::Roles;
      st.idents = idents(c);
    } else if (c.is_type<sources_stmt>()) {
      st.key = Key::Sources;
      st.idents = idents(c);
    } else if (c.is_type<model_stmt>()) {
      st.key = Key::Model;
      st.text = text(*k[0]);
      if (k.size() > 1) st.sha256 = text(*k[1]->children[0]);
    } else if (c.is_type<features_stmt>()) {
      st.key = Key::Features;
      st.idents = idents(c);
    } else if (c.is_type<retention_stmt>()) {
      st.key = Key::Retention;
      st.number = number(*k[0]);
    } else if (c.is_type<approval_stmt>()) {
      st.key = Key::RequiresApproval;
      st.idents = idents(c);
    } else if (c.is_type<score_stmt>()) {
      st.key = Key::Score;
      st.idents = idents(c);
    } else if (c.is_type<forbid_stmt>()) {
      st.key = Key::Forbid;
      st.idents = idents(c);
    } else if (c.is_type<justify_stmt>()) {
      st.key = Key::Justify;
      st.idents = {ident(*k[0])};
      st.text = text(*k[1]);
    } else if (c.is_type<completeness_stmt>()) {
      st.key = Key::Completeness;
      st.number = number(*k[0]);
    } else if (c.is_type<bands_stmt>()) {
      st.key = Key::Bands;
      for (const auto& b : k) {
        ast::Band band{ident(*b->children[0]), std::nullopt};
        if (b->children.size() > 1) band.below = number(*b->children[1]);
        st.bands.push_back(std::move(band));
      }
    } else if (c.is_type<gate_stmt>()) {
      st.key = Key::Gate;
      ast::Gate g;
      g.metric = ident(*k[0]);
      std::size_t j = 1;
      if (k[j]->is_type<gate_on>()) g.on = ident(*k[j++]->children[0]);
      g.op = k[j++]->string_view() == ">=" ? ast::BinaryOp::Ge : ast::BinaryOp::Le;
      g.bound = number(*k[j++]);
      if (j < k.size() && k[j]->is_type<gate_at>()) g.confidence = number(*k[j]->children[0]);
      st.gate = std::move(g);
    } else if (c.is_type<direction_stmt>()) {
      st.key = Key::Direction;
      st.idents = {ident(*k[0])};
      st.raises = k[1]->is_type<raises_raw>();
    } else if (c.is_type<suspended_stmt>()) {
      st.key = Key::Suspended;
      st.text = text(*k[0]);
    } else if (c.is_type<review_stmt>()) {
      st.key = Key::Review;
      std::size_t at = 0;
      if (k[0]->is_type<review_name>()) st.name = ident(*k[at++]->children[0]);
      st.condition = expr(*k[at++]);
      if (k.size() > at) st.text = text(*k[at]->children[0]);
    } else {  // guidance_stmt
      st.key = Key::Guidance;
      st.level = ident(*k[0]);
      st.text = text(*k[1]);
    }
    p.body.push_back(std::move(st));
  }
  return p;
}

ast::RuleDecl Lowerer::rule_decl(const PtNode& n) {
  ast::RuleDecl r;
  r.span = stmt_span(n);
  r.name = ident(*n.children[0]);
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const PtNode& c = *n.children[i];
    const auto& k = c.children;
    if (is_string(c)) {
      r.label = text(c);
      continue;
    }
    if (c.is_type<rule_scope>()) {
      r.purposes = idents(c);
      continue;
    }
    ast::RuleStmt st;
    st.span = stmt_span(c);
    if (governance(c, st)) {
      // owner, approved_by, legal_reference, effective
    } else if (c.is_type<when_stmt>()) {
      st.key = RKey::When;
      st.condition = expr(*k[0]);
    } else if (c.is_type<flag_stmt>()) {
      st.key = RKey::Flag;
      st.text = text(*k[0]);
    } else if (c.is_type<points_stmt>()) {
      st.key = RKey::Points;
      st.number = number(*k[0]);
    } else if (c.is_type<raise_stmt>() || c.is_type<cap_stmt>()) {
      st.key = c.is_type<raise_stmt>() ? RKey::Raise : RKey::Cap;
      st.level = ident(*k[0]);
      st.text = text(*k[1]);
    } else if (c.is_type<tags_stmt>()) {
      st.key = RKey::Tags;
      st.idents = idents(c);
    } else {  // require_stmt
      st.key = RKey::Review;
      st.text = text(*k[0]);
    }
    r.body.push_back(std::move(st));
  }
  return r;
}

ast::TestDecl Lowerer::test_decl(const PtNode& n) {
  ast::TestDecl t;
  t.span = stmt_span(n);
  t.name = text(*n.children[0]);
  for (std::size_t i = 1; i < n.children.size(); ++i) {
    const PtNode& outer = *n.children[i];
    if (outer.is_type<test_scope>()) {
      t.purpose = ident(*outer.children[0]);
      continue;
    }
    ast::TestStmt st;
    st.span = stmt_span(outer);
    // `expect X` statements wrap the expectation's own node.
    const PtNode& c = outer.is_type<expect_stmt>() ? *outer.children[0] : outer;
    const auto& k = c.children;
    if (c.is_type<given_stmt>()) {
      st.key = TKey::Given;
      for (const auto& item : k) {
        ast::Given g;
        g.field = ident(*item->children[0]);
        const PtNode& v = *item->children[1];
        if (v.is_type<missing_raw>()) {
          g.value = std::make_unique<ast::Expr>();
          g.value->span = span(v);
          g.value->kind = ast::NameRef{"missing", {}};
          g.is_missing = true;
        } else {
          g.value = literal_expr(v);
        }
        st.givens.push_back(std::move(g));
      }
    } else if (c.is_type<probability_stmt>()) {
      st.key = TKey::Probability;
      st.number = number(*k[0]);
    } else if (c.is_type<test_on>()) {
      st.key = TKey::On;
      st.day = date(*k[0]);
    } else if (c.is_type<expect_no_flag>()) {
      st.key = TKey::ExpectNoFlag;
      st.ident = ident(*k[0]);
    } else if (c.is_type<expect_no_review>()) {
      st.key = TKey::ExpectNoReview;
      if (!k.empty()) st.ident = ident(*k[0]->children[0]);
    } else if (c.is_type<expect_flag>()) {
      st.key = TKey::ExpectFlag;
      st.ident = ident(*k[0]);
    } else if (c.is_type<expect_level>()) {
      st.key = TKey::ExpectLevel;
      st.ident = ident(*k[0]);
    } else if (c.is_type<expect_review>()) {
      st.key = TKey::ExpectReview;
      if (!k.empty()) st.ident = ident(*k[0]->children[0]);
    } else if (c.is_type<expect_insufficient>()) {
      st.key = TKey::ExpectInsufficient;
    } else if (c.is_type<expect_points>()) {
      st.key = TKey::ExpectPoints;
      st.number = number(*k[0]);
    } else {
      unexpected(c);
    }
    t.body.push_back(std::move(st));
  }
  return t;
}

}  // namespace skon::dsl
