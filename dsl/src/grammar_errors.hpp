#pragma once

// Messages for every point where the grammar commits (`must<>`): what was expected there, in the
// user's words. The parser adds what was found instead.

#include "grammar.hpp"

namespace skon::dsl::grammar {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

#define SKON_EXPECT(rule, text) \
  template <>                   \
  inline constexpr const char* error_message<rule> = text;

// clang-format off
SKON_EXPECT(escape_char, "invalid escape sequence; use \\\", \\\\, \\n, \\t, \\{ or \\}")
SKON_EXPECT(until<triple_end>, "unterminated text; close it with \"\"\"")
SKON_EXPECT(string_end, "unterminated text; close it with \" on the same line, or use \"\"\" for several lines")
SKON_EXPECT(call_close, "expected `)` to close the call")
SKON_EXPECT(paren_close, "expected `)` to close the parenthesis")
SKON_EXPECT(expr, "expected a condition or value")
SKON_EXPECT(unary_expr, "expected a value after the operator")
SKON_EXPECT(prod_expr, "expected a value after the operator")
SKON_EXPECT(sum_expr, "expected a value after the comparison")
SKON_EXPECT(not_expr, "expected a condition after `and`")
SKON_EXPECT(and_expr, "expected a condition after `or`")
SKON_EXPECT(set_members, "expected a list of names inside `{ }`")
SKON_EXPECT(set_close, "expected `}` to close the set")
SKON_EXPECT(dotdot, "expected `..` between the two bounds of the range")
SKON_EXPECT(range_high, "expected the upper bound of the range")
SKON_EXPECT(in_target, "expected `{ a, b }` or a range `low..high` after `in`")
SKON_EXPECT(ident, "expected a name")
SKON_EXPECT(name_required, "expected a name")
SKON_EXPECT(level_required, "expected a level name")
SKON_EXPECT(ident_list, "expected a comma-separated list of names")
SKON_EXPECT(level_list, "expected the levels, lowest first: `levels low, medium, high` (each may have a label in quotes)")
SKON_EXPECT(level_item, "expected a level name after the comma")
SKON_EXPECT(text_required, "expected a text in quotes")
SKON_EXPECT(date_required, "expected a date such as 2026-08-01")
SKON_EXPECT(number_required, "expected a number")
SKON_EXPECT(signed_required, "expected a number")
SKON_EXPECT(because_required, "expected `because \"reason\"`")
SKON_EXPECT(source_open, "expected `{` to open the source's body")
SKON_EXPECT(source_close, "expected a source statement (holder, category, legal_basis, accessible_to, requires) or `}` to close the source")
SKON_EXPECT(category_open, "expected `{` and the category's values")
SKON_EXPECT(category_close, "expected `}` to close the category's values")
SKON_EXPECT(colon, "expected `:` and a type after the field name")
SKON_EXPECT(field_type, "expected a type: number, bool, category { ... } or date")
SKON_EXPECT(from_source, "expected `from SOURCE` naming where the field comes from")
SKON_EXPECT(equals, "expected `=`")
SKON_EXPECT(percent, "expected `%`")
SKON_EXPECT(band, "expected a level band such as `medium below 0.25`")
SKON_EXPECT(gate_op, "expected `>=` or `<=`")
SKON_EXPECT(direction_word, "expected `raises` or `lowers`")
SKON_EXPECT(purpose_open, "expected `{` to open the purpose's body")
SKON_EXPECT(purpose_close, "expected a purpose statement (roles, sources, model, features, score, requires approval by, retention, forbid, justify, completeness, bands, gate, direction, review, guidance, suspended, owner, approved_by, effective, legal_reference, gdpr_basis, not_for, predicts) or `}`")
SKON_EXPECT(rule_open, "expected `{` to open the rule's body")
SKON_EXPECT(rule_close, "expected a rule statement (when, flag, points, raise level, cap level, require review, owner, approved_by, effective, legal_reference, gdpr_basis, not_for) or `}`")
SKON_EXPECT(given_item, "expected `field = value`")
SKON_EXPECT(given_value, "expected a value: a number, date, text, true, false, a category value or `missing`")
SKON_EXPECT(expect_no_what, "expected `flag NAME` or `review` after `no`")
SKON_EXPECT(expectation, "expected what to expect: flag, no flag, level, review, no review, insufficient data or points")
SKON_EXPECT(test_open, "expected `{` to open the test's body")
SKON_EXPECT(test_close, "expected a test statement (given, probability, expect) or `}` to close the test")
SKON_EXPECT(end_of_file, "expected a declaration: import, levels, role, source, field, let, purpose, rule or test")
SKON_EXPECT(kw_from, "expected `from`")
SKON_EXPECT(kw_to, "expected `to`")
SKON_EXPECT(kw_at, "expected `at`")
SKON_EXPECT(kw_least, "expected `least`")
SKON_EXPECT(kw_level, "expected `level`")
SKON_EXPECT(kw_review, "expected `review`")
SKON_EXPECT(kw_required, "expected `required when ...`")
SKON_EXPECT(kw_when, "expected `when` and a condition")
SKON_EXPECT(kw_data, "expected `data` (as in `insufficient data`)")
// clang-format on
#undef SKON_EXPECT

// Raises parse_error with the message above; rules without one get a generic message.
template <typename Rule>
struct control : tao::pegtl::normal<Rule> {
  template <typename ParseInput, typename... States>
  [[noreturn]] static void raise(const ParseInput& in, States&&...) {
    if constexpr (error_message<Rule> != nullptr) {
      throw tao::pegtl::parse_error(error_message<Rule>, in);
    } else {
      throw tao::pegtl::parse_error("syntax error", in);
    }
  }
};

}  // namespace skon::dsl::grammar
