#pragma once

// The PEGTL grammar of the Skøn language. Private to dsl/src: no PEGTL type leaves this folder.
//
// Conventions: every token rule consumes the whitespace and comments after it (`tok<>`), so the
// parse tree's leaves start exactly at their text; composite spans are computed from their leaves
// by lower.cpp. Every point after which the input must continue in one way is a `must<>` on a
// named rule with an entry in error_message (grammar_errors.hpp), so syntax errors read as
// "expected ...", never as a rule name. Keywords are contextual: only the expression keywords
// (and, or, not, in, true, false) are reserved.

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/uint8.hpp>

namespace skon::dsl::grammar {

namespace pegtl = tao::pegtl;
using pegtl::at;
using pegtl::eof;
using pegtl::eolf;
using pegtl::if_must;
using pegtl::list;
using pegtl::list_must;
using pegtl::must;
using pegtl::not_at;
using pegtl::one;
using pegtl::opt;
using pegtl::plus;
using pegtl::rep;
using pegtl::seq;
using pegtl::sor;
using pegtl::star;
using pegtl::until;
namespace ascii = pegtl::ascii;

// clang-format off

// --- whitespace and comments -----------------------------------------------------------------
struct comment : seq< one< '#' >, until< at< eolf >, pegtl::any > > {};
struct space : one< ' ', '\t', '\r', '\n' > {};
struct _ : star< sor< space, comment > > {};
template< typename R > struct tok : seq< R, _ > {};

// --- identifiers and keywords ------------------------------------------------------------------
// Identifiers are ASCII letters, digits, '_' and any non-ASCII UTF-8 letter (æ, ø, å ...).
// UTF-8 validity is checked before parsing.
struct ident_first : sor< ascii::alpha, one< '_' >, pegtl::uint8::range< 0x80, 0xFF > > {};
struct ident_other : sor< ident_first, ascii::digit > {};
template< typename S > struct key : seq< S, not_at< ident_other > > {};

#define SKON_KEYWORD( name ) \
  struct str_##name : TAO_PEGTL_STRING( #name ) {}; \
  struct kw_##name : tok< key< str_##name > > {};

SKON_KEYWORD( import ) SKON_KEYWORD( levels ) SKON_KEYWORD( role ) SKON_KEYWORD( source )
SKON_KEYWORD( field ) SKON_KEYWORD( let ) SKON_KEYWORD( purpose ) SKON_KEYWORD( rule )
SKON_KEYWORD( test ) SKON_KEYWORD( holder ) SKON_KEYWORD( category ) SKON_KEYWORD( legal_basis )
SKON_KEYWORD( accessible_to ) SKON_KEYWORD( number ) SKON_KEYWORD( bool ) SKON_KEYWORD( date )
SKON_KEYWORD( unit ) SKON_KEYWORD( from ) SKON_KEYWORD( to ) SKON_KEYWORD( protected )
SKON_KEYWORD( owner ) SKON_KEYWORD( approved_by ) SKON_KEYWORD( legal_reference ) SKON_KEYWORD( gdpr_basis ) SKON_KEYWORD( not_for ) SKON_KEYWORD( predicts )
SKON_KEYWORD( effective ) SKON_KEYWORD( roles ) SKON_KEYWORD( sources ) SKON_KEYWORD( model )
SKON_KEYWORD( sha256 ) SKON_KEYWORD( features ) SKON_KEYWORD( forbid ) SKON_KEYWORD( justify )
SKON_KEYWORD( completeness ) SKON_KEYWORD( at ) SKON_KEYWORD( least ) SKON_KEYWORD( bands )
SKON_KEYWORD( below ) SKON_KEYWORD( gate ) SKON_KEYWORD( on ) SKON_KEYWORD( direction )
SKON_KEYWORD( raises ) SKON_KEYWORD( lowers ) SKON_KEYWORD( suspended ) SKON_KEYWORD( because )
SKON_KEYWORD( review ) SKON_KEYWORD( required ) SKON_KEYWORD( when ) SKON_KEYWORD( guidance )
SKON_KEYWORD( flag ) SKON_KEYWORD( points ) SKON_KEYWORD( raise ) SKON_KEYWORD( level )
SKON_KEYWORD( cap ) SKON_KEYWORD( require ) SKON_KEYWORD( given ) SKON_KEYWORD( probability )
SKON_KEYWORD( expect ) SKON_KEYWORD( no ) SKON_KEYWORD( insufficient ) SKON_KEYWORD( data )
SKON_KEYWORD( missing ) SKON_KEYWORD( and ) SKON_KEYWORD( or ) SKON_KEYWORD( not )
SKON_KEYWORD( in ) SKON_KEYWORD( true ) SKON_KEYWORD( false ) SKON_KEYWORD( tags ) SKON_KEYWORD( reason )
SKON_KEYWORD( score ) SKON_KEYWORD( requires ) SKON_KEYWORD( approval ) SKON_KEYWORD( by ) SKON_KEYWORD( retention ) SKON_KEYWORD( months )
#undef SKON_KEYWORD

struct reserved : key< sor< str_and, str_or, str_not, str_in, str_true, str_false > > {};
struct ident_raw : seq< not_at< reserved >, ident_first, star< ident_other > > {};
struct ident : tok< ident_raw > {};

// --- punctuation -------------------------------------------------------------------------------
struct lbrace : tok< one< '{' > > {};
struct rbrace : tok< one< '}' > > {};
struct lparen : tok< one< '(' > > {};
struct rparen : tok< one< ')' > > {};
struct comma : tok< one< ',' > > {};
struct colon : tok< one< ':' > > {};
struct equals : tok< seq< one< '=' >, not_at< one< '=' > > > > {};
struct dotdot : tok< TAO_PEGTL_STRING( ".." ) > {};
struct percent : tok< one< '%' > > {};

// --- literals ----------------------------------------------------------------------------------
// Leaves the parse tree keeps are the `*_raw` rules: they carry no trailing whitespace.
struct digits : plus< ascii::digit > {};
struct fraction : seq< one< '.' >, not_at< one< '.' > >, digits > {};
struct unsigned_raw : seq< digits, opt< fraction > > {};
struct signed_raw : seq< opt< one< '-' > >, digits, opt< fraction > > {};
struct number : tok< seq< unsigned_raw, not_at< ident_other > > > {};
struct signed_number : tok< seq< signed_raw, not_at< ident_other > > > {};
struct date_raw : seq< rep< 4, ascii::digit >, one< '-' >, rep< 2, ascii::digit >, one< '-' >,
                       rep< 2, ascii::digit >, not_at< ident_other > > {};
struct date_lit : tok< date_raw > {};

struct escape_char : one< '"', '\\', 'n', 't', '{', '}' > {};
struct escape : seq< one< '\\' >, must< escape_char > > {};
struct string_char : sor< escape, seq< not_at< one< '"', '\n' > >, pegtl::any > > {};
struct string_end : one< '"' > {};
struct triple_quote : TAO_PEGTL_STRING( "\"\"\"" ) {};
struct triple_end : triple_quote {};
struct triple_string_raw : if_must< triple_quote, until< triple_end > > {};
struct plain_string_raw : if_must< one< '"' >, star< string_char >, string_end > {};
struct text : sor< tok< triple_string_raw >, tok< plain_string_raw > > {};

// --- expressions -------------------------------------------------------------------------------
struct expr;
struct cmp_op_raw : sor< TAO_PEGTL_STRING( "==" ), TAO_PEGTL_STRING( "!=" ), TAO_PEGTL_STRING( "<=" ),
                         TAO_PEGTL_STRING( ">=" ), seq< one< '<' >, not_at< one< '>' > > >, one< '>' > > {};
struct add_op_raw : one< '+', '-' > {};
struct mul_op_raw : one< '*', '/' > {};
struct neg_raw : one< '-' > {};
struct not_raw : key< str_not > {};
struct true_raw : key< str_true > {};
struct false_raw : key< str_false > {};

struct call_close : rparen {};
struct call : seq< ident, lparen, opt< list_must< expr, comma > >, must< call_close > > {};
struct paren_close : rparen {};
struct paren_expr : if_must< lparen, expr, paren_close > {};
struct primary : sor< paren_expr, date_lit, number, text, tok< true_raw >, tok< false_raw >, call, ident > {};
struct unary_expr : seq< star< tok< neg_raw > >, primary > {};
struct prod_expr : seq< unary_expr, star< tok< mul_op_raw >, must< unary_expr > > > {};
struct sum_expr : seq< prod_expr, star< tok< add_op_raw >, must< prod_expr > > > {};

struct set_close : rbrace {};
struct set_members : list_must< ident, comma > {};
struct set_lit : if_must< lbrace, set_members, set_close > {};
struct range_bound : sor< date_lit, signed_number > {};
struct range_high : range_bound {};
struct range_lit : seq< range_bound, must< dotdot, range_high > > {};
struct in_target : sor< set_lit, range_lit > {};
struct negated_raw : key< str_not > {};
struct in_tail : seq< opt< tok< negated_raw > >, kw_in, must< in_target > > {};
struct cmp_tail : seq< tok< cmp_op_raw >, must< sum_expr > > {};
struct cmp_expr : seq< sum_expr, opt< sor< cmp_tail, in_tail > > > {};
struct not_expr : seq< star< tok< not_raw > >, cmp_expr > {};
struct and_expr : seq< not_expr, star< kw_and, must< not_expr > > > {};
struct or_expr : seq< and_expr, star< kw_or, must< and_expr > > > {};
struct expr : or_expr {};

// --- shared pieces -----------------------------------------------------------------------------
struct name_required : ident {};
struct ident_list : list_must< ident, comma > {};
struct text_required : text {};
struct date_required : date_lit {};
struct level_required : ident {};
struct number_required : number {};
struct signed_required : signed_number {};
struct because_required : seq< kw_because, must< text_required > > {};

struct owner_stmt : if_must< kw_owner, text_required > {};
struct approved_by_stmt : if_must< kw_approved_by, text_required > {};
struct legal_reference_stmt : if_must< kw_legal_reference, text_required > {};
struct gdpr_basis_stmt : if_must< kw_gdpr_basis, text_required > {};
struct not_for_stmt : if_must< kw_not_for, text_required > {};
struct predicts_stmt : if_must< kw_predicts, text_required > {};
struct effective_to : if_must< kw_to, date_required > {};
struct effective_stmt : if_must< kw_effective, kw_from, date_required, opt< effective_to > > {};
struct governance_stmt : sor< owner_stmt, approved_by_stmt, legal_reference_stmt, gdpr_basis_stmt, not_for_stmt, predicts_stmt, effective_stmt > {};

// --- top-level declarations --------------------------------------------------------------------
struct import_decl : if_must< kw_import, text_required > {};
struct level_item : seq< ident, opt< text > > {};  // `high "høj"`: a name and an optional label
struct level_list : list_must< level_item, comma > {};
struct levels_decl : if_must< kw_levels, level_list > {};
struct role_decl : if_must< kw_role, name_required, opt< text > > {};

struct holder_stmt : if_must< kw_holder, name_required > {};
struct category_stmt : if_must< kw_category, name_required > {};
struct legal_basis_stmt : if_must< kw_legal_basis, text_required > {};
struct accessible_to_stmt : if_must< kw_accessible_to, ident_list > {};
struct source_requires_stmt : if_must< kw_requires, name_required > {};
struct source_stmt : sor< holder_stmt, category_stmt, legal_basis_stmt, accessible_to_stmt, source_requires_stmt > {};
struct source_open : lbrace {};
struct source_close : rbrace {};
struct source_decl : if_must< kw_source, name_required, opt< text >, source_open, star< source_stmt >, source_close > {};

struct range_spec : if_must< kw_in, signed_required, dotdot, signed_required > {};
struct unit_spec : if_must< kw_unit, text_required > {};
struct number_type : seq< kw_number, opt< range_spec >, opt< unit_spec > > {};
struct bool_type : kw_bool {};
struct date_type : kw_date {};
struct category_close : rbrace {};
struct category_open : lbrace {};
struct category_type : if_must< kw_category, category_open, ident_list, category_close > {};
struct field_type : sor< number_type, bool_type, category_type, date_type > {};
struct from_source : if_must< kw_from, name_required > {};
struct protected_raw : key< str_protected > {};
// `requires consent_wellbeing`: the value may be read only for a person whose bool field holds
struct requires_clause : if_must< kw_requires, name_required > {};
struct field_decl : if_must< kw_field, name_required, colon, field_type, from_source, opt< tok< protected_raw > >, opt< requires_clause >, opt< text > > {};

struct let_decl : if_must< kw_let, name_required, opt< text >, equals, expr > {};

struct model_pin : if_must< kw_sha256, text_required > {};
struct roles_stmt : if_must< kw_roles, ident_list > {};
struct sources_stmt : if_must< kw_sources, ident_list > {};
struct model_stmt : if_must< kw_model, text_required, opt< model_pin > > {};
struct features_stmt : if_must< kw_features, ident_list > {};
// `score from FIELD`: the probability comes from the data (another system's risk score)
struct score_stmt : if_must< kw_score, kw_from, name_required > {};
// `requires approval by legal, dpo`: assess runs only rule sets and models these roles approved
struct approval_stmt : if_must< kw_requires, kw_approval, kw_by, ident_list > {};
// `retention 24 months`: the audit log keeps its assessments at least this long (six or more)
struct retention_stmt : if_must< kw_retention, number_required, kw_months > {};
struct forbid_stmt : if_must< kw_forbid, ident_list > {};
struct justify_stmt : if_must< kw_justify, name_required, text_required > {};
struct completeness_stmt : if_must< kw_completeness, kw_at, kw_least, number_required, percent > {};
struct band_below : if_must< kw_below, number_required > {};
struct band : seq< ident, opt< band_below > > {};
struct bands_stmt : if_must< kw_bands, list_must< band, comma > > {};
struct gate_on : if_must< kw_on, name_required > {};
struct gate_op_raw : sor< TAO_PEGTL_STRING( ">=" ), TAO_PEGTL_STRING( "<=" ) > {};
struct gate_op : tok< gate_op_raw > {};
struct gate_at : if_must< kw_at, number_required, percent > {};  // acts on the interval's bound
struct gate_stmt : if_must< kw_gate, name_required, opt< gate_on >, gate_op, number_required, opt< gate_at > > {};
struct raises_raw : key< str_raises > {};
struct lowers_raw : key< str_lowers > {};
struct direction_word : sor< tok< raises_raw >, tok< lowers_raw > > {};
struct direction_stmt : if_must< kw_direction, name_required, direction_word > {};
struct suspended_stmt : if_must< kw_suspended, because_required > {};
struct review_reason : if_must< kw_because, text_required > {};
// `review no_absence_data required when ...`: the name is the reason's stable id in outputs
struct review_name : seq< not_at< kw_required >, ident > {};
struct review_stmt : if_must< kw_review, opt< review_name >, kw_required, kw_when, expr, opt< review_reason > > {};
struct guidance_stmt : if_must< kw_guidance, level_required, text_required > {};
struct purpose_stmt : sor< governance_stmt, roles_stmt, sources_stmt, model_stmt, features_stmt, score_stmt, approval_stmt, retention_stmt,
                           forbid_stmt, justify_stmt, completeness_stmt, bands_stmt, gate_stmt,
                           direction_stmt, suspended_stmt, review_stmt, guidance_stmt > {};
struct purpose_open : lbrace {};
struct purpose_close : rbrace {};
struct purpose_decl : if_must< kw_purpose, name_required, opt< text >, purpose_open, star< purpose_stmt >, purpose_close > {};

struct when_stmt : if_must< kw_when, expr > {};
struct flag_stmt : if_must< kw_flag, text_required > {};
struct points_stmt : if_must< kw_points, signed_required > {};
struct raise_stmt : if_must< kw_raise, kw_level, kw_to, level_required, because_required > {};
struct cap_stmt : if_must< kw_cap, kw_level, kw_at, level_required, because_required > {};
struct require_stmt : if_must< kw_require, kw_review, because_required > {};
struct tags_stmt : if_must< kw_tags, ident_list > {};
struct rule_stmt : sor< governance_stmt, when_stmt, flag_stmt, points_stmt, raise_stmt, cap_stmt, require_stmt, tags_stmt > {};
struct rule_scope : if_must< kw_in, ident_list > {};
struct rule_open : lbrace {};
struct rule_close : rbrace {};
struct rule_decl : if_must< kw_rule, name_required, opt< text >, opt< rule_scope >, rule_open, star< rule_stmt >, rule_close > {};

struct missing_raw : key< str_missing > {};
struct given_value : sor< tok< missing_raw >, date_lit, signed_number, text, tok< true_raw >, tok< false_raw >, ident > {};
struct given_item : seq< ident, must< equals, given_value > > {};
struct given_stmt : if_must< kw_given, list_must< given_item, comma > > {};
struct probability_stmt : if_must< kw_probability, number_required > {};
struct expect_no_flag : if_must< kw_flag, name_required > {};
struct expect_reason : if_must< kw_reason, name_required > {};
struct expect_no_review : seq< kw_review, opt< expect_reason > > {};
struct expect_no_what : sor< expect_no_flag, expect_no_review > {};
struct expect_no : if_must< kw_no, expect_no_what > {};
struct expect_flag : if_must< kw_flag, name_required > {};
struct expect_level : if_must< kw_level, level_required > {};
struct expect_review : seq< kw_review, opt< expect_reason > > {};
struct expect_insufficient : if_must< kw_insufficient, kw_data > {};
struct expect_points : if_must< kw_points, signed_required > {};
struct expectation : sor< expect_no, expect_flag, expect_level, expect_review, expect_insufficient, expect_points > {};
struct expect_stmt : if_must< kw_expect, expectation > {};
// `on DATE`: the day the test assumes (rules outside their `effective` period do not fire), so
// `skon test` gives the same verdict on any day.
struct test_on : if_must< kw_on, date_required > {};
struct test_stmt : sor< given_stmt, probability_stmt, expect_stmt, test_on > {};
struct test_scope : if_must< kw_in, name_required > {};
struct test_open : lbrace {};
struct test_close : rbrace {};
struct test_decl : if_must< kw_test, text_required, opt< test_scope >, test_open, star< test_stmt >, test_close > {};

struct decl : sor< import_decl, levels_decl, role_decl, source_decl, field_decl, let_decl,
                   purpose_decl, rule_decl, test_decl > {};
struct end_of_file : eof {};
struct file : seq< _, star< decl >, must< end_of_file > > {};

// clang-format on

}  // namespace skon::dsl::grammar
