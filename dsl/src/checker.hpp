#pragma once

// The checker's internal state, shared by check.cpp (declarations), check_expr.cpp (expressions),
// check_policy.cpp (data-protection constraints) and lints.cpp (warnings).

#include <algorithm>
#include <optional>
#include <set>

#include "skon/dsl/program.hpp"

namespace skon::dsl::detail {

// A read of a field somewhere in a rule, let, trigger or feature list, with where it happens.
struct Reference {
  Index field = kNone;
  Span span;  // the name as written (a let's name when read through it)
  Index via_let = kNone;
  bool presence_only = false;  // inside missing()/known()
};

// A read of another rule's result: fired(rule), or a rule counted by name or tag in
// count(flags in {...}) / sum(points in {...}).
struct RuleRead {
  Index rule = kNone;
  Span span;
  bool by_tag = false;  // a tag selects only the rules of the purpose at hand
};

// What checking one expression found out.
struct ExprFacts {
  std::vector<Reference> references;
  std::set<Index> presence_checked;  // fields tested with missing()/known()
  // The assessment's state it reads: every rule's flags, points, the level, or named rules.
  std::optional<Span> reads_flags, reads_points, reads_level;
  std::vector<RuleRead> reads_rules;
  bool reads_state() const {
    return reads_flags || reads_points || reads_level || !reads_rules.empty();
  }
};

struct Ty {
  Ty(ValueType t = ValueType::Error, Index category = kNone, Index number = kNone,
     std::optional<double> value = std::nullopt)
      : type(t), category_field(category), number_field(number), constant(value) {}
  ValueType type = ValueType::Error;
  Index category_field = kNone;  // category values come from this field
  Index number_field = kNone;    // a number read straight from this field (range checks)
  std::optional<double> constant;
};

class Checker {
 public:
  Checker(Program& program, DiagnosticBag& bag) : p_(program), bag_(bag) {}
  void run();

  // check_expr.cpp
  // `let_limit`: lets with an index >= this may not be referenced (definition order).
  Ty check_expr(ast::Expr& e, ExprFacts& facts, Index let_limit);
  void check_condition(ast::Expr& e, ExprFacts& facts, Index let_limit, const char* where);
  void check_interpolation(const ast::Text& text, ExprFacts& facts);

  // check_policy.cpp
  void check_policies();
  // check_consent.cpp: E0312 for a read of a `requires` field outside `CONSENT and ...`
  void check_consent();
  // strata.cpp: each purpose's evaluation order, and E0115 for rules that read each other
  void compute_strata();
  // lints.cpp
  void run_lints();
  void check_safeguards();
  void check_reachable_aggregates();

  Program& p_;
  DiagnosticBag& bag_;
  std::vector<ExprFacts> let_facts_;
  std::vector<ast::Expr*> let_values_;  // each let's expression, as the checker may annotate it
  std::vector<ExprFacts> rule_facts_;
  std::vector<std::vector<ExprFacts>> trigger_facts_;  // per purpose, per review trigger
  std::set<Index> fields_used_;                        // anywhere, for the unused-field warning
  std::set<Index> lets_used_;

 private:
  void declare();
  void check_sources();
  void check_fields();
  void resolve_consents();
  void check_lets();
  void check_purposes();
  void check_rules();
  void check_tests();
  void check_size();
  Index resolve_level(const ast::Ident& id);
  Index resolve_role(const ast::Ident& id);
  Index level_by_label(std::string_view label) const;  // kNone unless a level has this label
  Ty check_aggregate(ast::Expr& e, ast::Call& call, ExprFacts& facts);
  Ty check_fired(ast::Expr& e, ast::Call& call, ExprFacts& facts);
  void resolve_rule_scopes();
  Index resolve_field(const ast::Ident& id, const char* what);
  void duplicate(const std::string& kind, const ast::Ident& name, Span first);
  std::vector<std::string> names_of_fields_and_lets() const;
};

std::string backticked(std::string_view name);

// "unknown KIND `NAME`" (E0104) with the closest candidate as help and fix-it.
Diagnostic& unknown(DiagnosticBag& bag, const ast::Ident& id, const std::string& kind,
                    const std::vector<std::string>& candidates);

// The names of a name -> index table, sorted (candidates for "did you mean").
template <typename Map>
std::vector<std::string> keys_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

inline bool has_statement(const ast::RuleDecl& rule, ast::RuleStmt::Key key) {
  return std::any_of(rule.body.begin(), rule.body.end(),
                     [&](const ast::RuleStmt& st) { return st.key == key; });
}
// Whether a text is empty or only white space.
bool is_blank(std::string_view text);

}  // namespace skon::dsl::detail
