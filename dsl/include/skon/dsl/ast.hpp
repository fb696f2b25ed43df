#pragma once

// The typed AST of the Skøn language. Every node carries the Span it was parsed from, so any
// diagnostic, trace step or explanation can quote the source. The checker fills the `resolved`
// slots; nothing else in the tree changes after parsing.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "skon/dsl/source.hpp"

namespace skon::dsl::ast {

// An overload set for std::visit: one lambda per alternative and no catch-all, so a new node kind
// does not compile until every pass handles it.
template <class... Handlers>
struct Overloaded : Handlers... {
  using Handlers::operator()...;
};
template <class... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;
// Where one generic visitor suits better (long passes), an `if constexpr` chain names every kind
// and ends in `else static_assert(kUnhandled<K>)`: equally exhaustive.
template <class>
inline constexpr bool kUnhandled = false;

struct Ident {
  std::string name;
  Span span;
};

struct Text {           // a string literal
  std::string value;    // escapes decoded: what a reader sees (`\{` is `{`, `\\` is `\`)
  std::string pattern;  // for `{name}` interpolation: decoded, but `\\`, `\{`, `\}` kept
  std::string raw;      // between the quotes, as written (the formatter prints this)
  Span span;
  bool triple = false;  // written as """...""" (kept so the formatter preserves the choice)
};

// Days since 1970-01-01 plus the text as written.
struct Date {
  std::int32_t days = 0;
  std::string text;
  Span span;
};

struct Comment {
  std::string text;  // including the leading '#'
  Span span;
  bool own_line = true;  // false when code precedes it on the same line
};

// ---------------------------------------------------------------------------------------------
// Expressions

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class BinaryOp : std::uint8_t { Or, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div };
enum class UnaryOp : std::uint8_t { Not, Neg };

const char* to_string(BinaryOp op);

// What a name in an expression refers to, filled by the checker.
struct Resolution {
  enum class Kind : std::uint8_t {
    Unresolved,
    Field,
    Let,
    CategoryValue,
    Level,
    CurrentLevel,
    Rule,  // the argument of fired(rule)
  };
  Kind kind = Kind::Unresolved;
  std::uint32_t index = 0;  // field/let/level/rule index, or the category value's index
};

struct NumberLit {
  double value = 0;
  std::string text;  // as written, for the formatter
};
struct BoolLit {
  bool value = false;
};
struct StringLit {
  std::string value;
};
struct DateLit {
  Date date;
};
struct NameRef {
  std::string name;
  Resolution resolved;
};
// A built-in call: missing(x), known(x), fired(rule), count(flags), sum(points), and the subset
// forms count(flags in {a, b}) / sum(points in {tag}). No user functions.
struct Call {
  Ident callee;
  std::vector<ExprPtr> args;
};
struct Unary {
  UnaryOp op;
  ExprPtr operand;
};
struct Binary {
  BinaryOp op;
  ExprPtr lhs;
  ExprPtr rhs;
};
// `x in {a, b}` / `x not in {a, b}` over category values or levels; inside count()/sum(), the
// rules (by name or tag) whose flags or points are counted.
struct InSet {
  ExprPtr subject;
  std::vector<Ident> members;
  bool negated = false;
  std::vector<std::uint32_t> resolved;  // member indices (rule indices, sorted, in count/sum)
};
// `x in 10..20` (inclusive) / `x not in 10..20`.
struct InRange {
  ExprPtr subject;
  ExprPtr low;
  ExprPtr high;
  bool negated = false;
};

struct Expr {
  Span span;
  bool parenthesized = false;  // written in parentheses (the formatter keeps them)
  std::variant<NumberLit, BoolLit, StringLit, DateLit, NameRef, Call, Unary, Binary, InSet, InRange>
      kind;
};

// Whether a checked expression can evaluate to unknown: only when it reads a field or a derived
// value outside missing()/known(), or calls fired(). Guards are understood: in `known(x) and
// x > 1` and `missing(x) or x > 1`, x is known wherever it matters. Otherwise conservative:
// `known(x) or x > 1` counts as possibly unknown.
bool may_be_unknown(const Expr& e);

// The number of nodes in `e` (what the evaluator needs registers for).
std::size_t count_nodes(const Expr& e);

// ---------------------------------------------------------------------------------------------
// Declarations

struct ImportDecl {
  Text path;
  Span span;
};

struct RoleDecl {
  Ident name;
  std::optional<Text> label;
  Span span;
};

// `levels low, medium, high, very_high` — ascending severity; one declaration per rule set.
struct LevelsDecl {
  std::vector<Ident> levels;
  std::vector<std::optional<Text>> labels;  // one per level: `high "høj"`
  Span span;
};

// A data source. Statements are kept in source order for the formatter.
struct SourceDecl {
  enum class Key : std::uint8_t { Holder, Category, LegalBasis, AccessibleTo, Requires };
  struct Stmt {
    Key key;
    Span span;
    std::optional<Ident> ident;  // holder, category, requires
    std::optional<Text> text;    // legal_basis
    std::vector<Ident> idents;   // accessible_to
  };
  Ident name;
  std::optional<Text> label;
  std::vector<Stmt> body;
  Span span;
};

struct FieldType {
  enum class Kind : std::uint8_t { Number, Bool, Category, Date };
  Kind kind = Kind::Number;
  std::optional<NumberLit> low;  // number in LOW..HIGH
  std::optional<NumberLit> high;
  std::optional<Text> unit;
  std::vector<Ident> levels;  // category { a, b }
  Span span;
};

struct FieldDecl {
  Ident name;
  FieldType type;
  Ident source;
  bool is_protected = false;
  std::optional<Ident> requires_field;  // `requires FIELD`: read only where FIELD is true
  std::optional<Text> label;
  Span span;
};

struct LetDecl {
  Ident name;
  ExprPtr value;
  std::optional<Text> label;
  Span span;
};

struct Band {
  Ident level;
  std::optional<NumberLit> below;  // absent on the last (open-ended) band
};

struct Gate {
  Ident metric;                // auc, pr_auc, brier, log_loss, calibration_error, group_gap
  std::optional<Ident> on;     // group_gap on FIELD
  BinaryOp op = BinaryOp::Ge;  // >= or <=
  NumberLit bound;
  std::optional<NumberLit> confidence;  // `at 95 %`: the gate acts on the interval's bound
};

struct PurposeStmt {
  enum class Key : std::uint8_t {
    Owner,
    ApprovedBy,
    LegalReference,
    GdprBasis,  // the GDPR Art. 6 basis, beside the national act of legal_reference
    NotFor,     // what the purpose must not be used for
    Predicts,   // what a purpose's probability is the probability of
    Effective,
    Roles,
    Sources,
    Model,
    Features,
    Score,
    RequiresApproval,
    Retention,
    Forbid,
    Justify,
    Completeness,
    Bands,
    Gate,
    Direction,
    Suspended,
    Review,
    Guidance,
  };
  Key key;
  Span span;
  std::vector<Ident> idents;   // roles, sources, features, forbid; justify/direction/score target
  std::optional<Text> text;    // owner, approved_by, legal_reference, model path, justify,
                               // suspended reason, review reason, guidance
  std::optional<Text> sha256;  // model pin
  std::optional<Date> from;    // effective
  std::optional<Date> to;
  std::optional<NumberLit> number;  // completeness percent
  std::vector<Band> bands;
  std::optional<Gate> gate;
  bool raises = true;          // direction
  std::optional<Ident> level;  // guidance level
  std::optional<Ident> name;   // review NAME required when ...: the reason's id
  ExprPtr condition;           // review required when ...
};

struct PurposeDecl {
  Ident name;
  std::optional<Text> label;
  std::vector<PurposeStmt> body;
  Span span;
};

struct RuleStmt {
  enum class Key : std::uint8_t {
    Owner,
    ApprovedBy,
    LegalReference,
    GdprBasis,  // the GDPR Art. 6 basis, beside the national act of legal_reference
    NotFor,     // what the purpose must not be used for
    Predicts,   // what a purpose's probability is the probability of
    Effective,
    When,
    Flag,
    Points,
    Raise,
    Cap,
    Review,
    Tags,
  };
  Key key;
  Span span;
  std::vector<Ident> idents;  // tags
  std::optional<Text> text;   // governance text, flag text, because
  std::optional<Date> from;
  std::optional<Date> to;
  ExprPtr condition;                // when
  std::optional<NumberLit> number;  // points
  std::optional<Ident> level;       // raise/cap
};

struct RuleDecl {
  Ident name;
  std::optional<Text> label;
  std::vector<Ident> purposes;  // empty: applies to every purpose
  std::vector<RuleStmt> body;
  Span span;
};

struct Given {
  Ident field;
  ExprPtr value;  // a literal or a name (category value); NameRef "missing" when is_missing
  bool is_missing = false;
};

struct TestStmt {
  enum class Key : std::uint8_t {
    Given,
    Probability,
    ExpectFlag,
    ExpectNoFlag,
    ExpectLevel,
    ExpectReview,
    ExpectNoReview,
    ExpectInsufficient,
    ExpectPoints,
    On,  // the day the test assumes
  };
  Key key;
  Span span;
  std::vector<Given> givens;
  std::optional<Date> day;          // on
  std::optional<NumberLit> number;  // probability, points
  std::optional<Ident> ident;       // flag rule, level, review reason id
};

struct TestDecl {
  Text name;
  std::optional<Ident> purpose;
  std::vector<TestStmt> body;
  Span span;
};

using Decl = std::variant<ImportDecl, RoleDecl, LevelsDecl, SourceDecl, FieldDecl, LetDecl,
                          PurposeDecl, RuleDecl, TestDecl>;

// One parsed file.
struct Module {
  FileId file = 0;
  std::vector<Decl> decls;
  std::vector<Comment> comments;
};

Span span_of(const Decl& decl);

}  // namespace skon::dsl::ast
