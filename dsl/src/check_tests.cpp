// The checker's pass over test blocks: given values against their fields, expectations
// against the rules, levels and review reasons they name.
#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "checker.hpp"
#include "skon/base/date.hpp"
#include "skon/dsl/format.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::dsl {
namespace detail {

void Checker::check_tests() {
  using Key = ast::TestStmt::Key;
  for (TestInfo& test : p_.tests) {
    const ast::TestDecl& decl = *test.decl;
    if (decl.purpose) {
      test.purpose = p_.find_purpose(decl.purpose->name);
      if (test.purpose == kNone) unknown(bag_, *decl.purpose, "purpose", keys_of(p_.purpose_index));
    } else if (p_.purposes.size() == 1) {
      test.purpose = 0;
    } else {
      bag_.add(DiagCode::E0401, decl.name.span,
               "test " + backticked(decl.name.value) + " does not say which purpose it runs under")
          .help = "write `test \"...\" in PURPOSE {`";
    }
    bool dated = false;
    for (const auto& st : decl.body) {
      if (st.key == Key::On && std::exchange(dated, true)) {
        bag_.add(DiagCode::E0109, st.span, "a test states the day it assumes once");
      }
      switch (st.key) {
        case Key::Given:
          for (const auto& g : st.givens) {
            const Index fi = resolve_field(g.field, "field");
            if (fi == kNone || g.is_missing) continue;
            const FieldInfo& f = p_.fields[fi];
            const ast::Expr& v = *g.value;
            const auto bad = [&](const std::string& expected) {
              bag_.add(DiagCode::E0402, v.span,
                       backticked(f.name) + " takes " + expected + ", and `" + format_expr(v) +
                           "` is not one");
            };
            if (f.type == ValueType::Number) {
              const auto* n = std::get_if<ast::NumberLit>(&v.kind);
              if (n == nullptr) {
                bad("a number");
              } else if ((f.low && n->value < *f.low) || (f.high && n->value > *f.high)) {
                bag_.add(DiagCode::E0202, v.span,
                         n->text + " lies outside the declared range of " + backticked(f.name));
              }
            } else if (f.type == ValueType::Bool) {
              if (!std::holds_alternative<ast::BoolLit>(v.kind)) bad("true or false");
            } else if (f.type == ValueType::Date) {
              if (!std::holds_alternative<ast::DateLit>(v.kind)) bad("a date (YYYY-MM-DD)");
            } else if (f.type == ValueType::Category) {
              const auto* n = std::get_if<ast::NameRef>(&v.kind);
              if (n == nullptr) {
                bad("one of its category values");
              } else if (std::find(f.levels.begin(), f.levels.end(), n->name) == f.levels.end()) {
                Diagnostic& diag =
                    bag_.add(DiagCode::E0204, v.span,
                             backticked(n->name) + " is not a value of " + backticked(f.name));
                if (auto s = closest_match(n->name, f.levels)) {
                  diag.help = "did you mean " + backticked(*s) + "?";
                  diag.fix = FixIt{v.span, *s};
                }
              }
            }
          }
          break;
        case Key::ExpectFlag:
        case Key::ExpectNoFlag: {
          const Index ri = p_.find_rule(st.ident->name);
          if (ri == kNone) {
            unknown(bag_, *st.ident, "rule", keys_of(p_.rule_index));
          } else if (test.purpose != kNone &&
                     std::find(p_.rules[ri].purposes.begin(), p_.rules[ri].purposes.end(),
                               test.purpose) == p_.rules[ri].purposes.end()) {
            bag_.add(DiagCode::E0112, st.ident->span,
                     "rule " + backticked(st.ident->name) + " does not apply to purpose " +
                         backticked(p_.purposes[test.purpose].name));
          }
          break;
        }
        case Key::ExpectLevel:
          resolve_level(*st.ident);
          break;
        case Key::ExpectReview:
        case Key::ExpectNoReview: {
          if (!st.ident || test.purpose == kNone) break;
          // A reason is a trigger of the purpose, a rule of the purpose that requires review,
          // or insufficient data.
          const PurposeInfo& purpose = p_.purposes[test.purpose];
          std::vector<std::string> ids = {kInsufficientDataReason};
          if (purpose.score_field != kNone) ids.push_back(kMissingScoreReason);
          for (const ReviewTrigger& t : purpose.reviews) ids.push_back(t.id);
          for (Index ri : purpose.rules) {
            if (p_.rules[ri].review_because) ids.push_back(p_.rules[ri].name);
          }
          if (std::find(ids.begin(), ids.end(), st.ident->name) != ids.end()) break;
          Diagnostic& d = unknown(bag_, *st.ident, "review reason", ids);
          if (!d.help) {
            d.help =
                "a reason is named by its trigger (`review NAME required when ...`) or by "
                "the rule that requires review";
          }
          break;
        }
        case Key::Probability:
          if (st.number->value > 1) {
            bag_.add(DiagCode::E0402, st.span, "a probability lies between 0 and 1");
          }
          // A score purpose's probability is a field's value: the test gives the field, so
          // the test also exercises its range check and the missing-score review.
          if (test.purpose != kNone && p_.purposes[test.purpose].score_field != kNone) {
            const FieldInfo& f = p_.fields[p_.purposes[test.purpose].score_field];
            bag_.add(DiagCode::E0402, st.span,
                     "purpose " + backticked(p_.purposes[test.purpose].name) +
                         " takes its score from " + backticked(f.name) + ", not from a model")
                .help =
                "give the score as a value: `given " + f.name + " = " + st.number->text + "`";
          }
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace detail
}  // namespace skon::dsl
