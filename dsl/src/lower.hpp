#pragma once

// Turns PEGTL parse-tree nodes into the typed AST (private to dsl/src).

#include <optional>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "skon/dsl/ast.hpp"
#include "skon/dsl/diagnostic.hpp"
#include "skon/dsl/parse.hpp"

namespace skon::dsl {

// A parse-tree node. The parser creates and drops one per attempted match of each selected rule
// (eight per operand, through the precedence levels), so nodes come from a per-thread free list
// instead of malloc: parsing is then about a third faster.
struct PtNode : tao::pegtl::parse_tree::basic_node<PtNode> {
  static void* operator new(std::size_t size);
  static void operator delete(void* p, std::size_t size) noexcept;
};

class Lowerer {
 public:
  Lowerer(const SourceMap& sources, FileId file, DiagnosticBag& bag, const ParseLimits& limits);

  // A declaration node to its AST form; nothing (with a diagnostic) when a literal is invalid.
  std::optional<ast::Decl> lower_decl(const PtNode& node);

 private:
  Span span(const PtNode& node) const;       // leaf: exact text
  Span stmt_span(const PtNode& node) const;  // composite: trailing whitespace/comments trimmed
  ast::Ident ident(const PtNode& node) const;
  ast::Text text(const PtNode& node) const;
  ast::Date date(const PtNode& node);
  ast::NumberLit number(const PtNode& node);
  std::vector<ast::Ident> idents(const PtNode& node, std::size_t from = 0) const;
  ast::ExprPtr expr(const PtNode& node, unsigned depth = 0);
  ast::ExprPtr literal_expr(const PtNode& node);

  // Lowers owner/approved_by/legal_reference/effective into a purpose or rule statement; false
  // for any other statement.
  template <typename Stmt>
  bool governance(const PtNode& node, Stmt& st);
  ast::SourceDecl source_decl(const PtNode& node);
  ast::FieldDecl field_decl(const PtNode& node);
  ast::PurposeDecl purpose_decl(const PtNode& node);
  ast::RuleDecl rule_decl(const PtNode& node);
  ast::TestDecl test_decl(const PtNode& node);

  const SourceMap& sources_;
  FileId file_;
  std::string_view text_;
  DiagnosticBag& bag_;
  const ParseLimits& limits_;
};

}  // namespace skon::dsl
