#include "skon/core/test_runner.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>

#include "skon/base/date.hpp"
#include "skon/core/assessor.hpp"

namespace skon::engine {

namespace ast = dsl::ast;

namespace {

// The raw value (the models' numeric encoding, NaN missing) of a test's given value.
double given_raw(const dsl::Program& p, Index field, const ast::Given& g) {
  if (g.is_missing) return std::nan("");
  return std::visit(ast::Overloaded{
                        [](const ast::NumberLit& n) { return n.value; },
                        [](const ast::BoolLit& b) { return b.value ? 1.0 : 0.0; },
                        [](const ast::DateLit& d) { return static_cast<double>(d.date.days); },
                        [&](const ast::NameRef& r) {
                          const auto& levels = p.fields[field].levels;
                          const auto it = std::find(levels.begin(), levels.end(), r.name);
                          return it == levels.end() ? std::nan("")
                                                    : static_cast<double>(it - levels.begin());
                        },
                        // The checker (E0402) admits only the literals above as given values.
                        [](const ast::StringLit&) { return std::nan(""); },
                        [](const ast::Call&) { return std::nan(""); },
                        [](const ast::Unary&) { return std::nan(""); },
                        [](const ast::Binary&) { return std::nan(""); },
                        [](const ast::InSet&) { return std::nan(""); },
                        [](const ast::InRange&) { return std::nan(""); },
                    },
                    g.value->kind);
}

std::string bt(const std::string& s) {
  return "`" + s + "`";
}

// Why a rule did not fire, in words.
std::string why_not(const PurposeOutcome& o, const dsl::PurposeInfo& purpose, Index rule) {
  if (o.insufficient_data) return "the outcome was insufficient data, so no rule ran";
  const auto it = std::find(purpose.rules.begin(), purpose.rules.end(), rule);
  if (it == purpose.rules.end()) return "the rule does not apply to this purpose";
  for (const UndecidedRule& u : o.undecided) {
    if (u.rule != rule) continue;
    return u.why == Undecided::NoValue
               ? "the rule did not fire: its condition was unknown (a calculation had no value)"
               : "the rule did not fire: its condition was unknown (missing data)";
  }
  return "the rule did not fire: its condition was false";
}

}  // namespace

TestReport run_tests(const dsl::Program& program, const base::Clock& clock) {
  using Key = ast::TestStmt::Key;
  TestReport report;
  report.coverage.assign(program.rules.size(), {false, false, false});
  // One assessor per purpose and day, made when first needed.
  std::map<std::pair<Index, std::int32_t>, std::unique_ptr<Assessor>> assessors;

  for (const dsl::TestInfo& test : program.tests) {
    TestResult result;
    result.test = &test;
    if (test.purpose == dsl::kNone) continue;  // reported by the checker
    const dsl::PurposeInfo& purpose = program.purposes[test.purpose];
    // A test runs as production would on the day it states (`on DATE`), else on the clock's:
    // rules outside their own period do not fire.
    std::int32_t today = clock.today();
    for (const auto& st : test.decl->body) {
      if (st.key == Key::On) today = st.day->days;
    }
    auto& assessor = assessors[{test.purpose, today}];
    if (!assessor) {
      assessor = std::make_unique<Assessor>(
          AssessorSetup{&program, test.purpose, nullptr, Language::Danish, today});
    }
    const std::vector<Index>& inputs = assessor->input_fields();

    std::vector<double> values(inputs.size(), std::nan(""));
    std::optional<double> probability;
    for (const auto& st : test.decl->body) {
      if (st.key == Key::Given) {
        for (const auto& g : st.givens) {
          const Index f = program.find_field(g.field.name);
          const auto it = std::find(inputs.begin(), inputs.end(), f);
          // A given field the purpose does not read cannot change its outcome.
          if (it != inputs.end()) values[it - inputs.begin()] = given_raw(program, f, g);
        }
      } else if (st.key == Key::Probability) {
        probability = st.number->value;
      }
    }
    Assessment assessment;
    assessor->assess(values, assessment, probability);
    result.outcome = std::move(assessment.outcome);
    const PurposeOutcome& o = result.outcome;

    for (std::size_t i = 0; i < purpose.rules.size() && i < o.rule_truth.size(); ++i) {
      report.coverage[purpose.rules[i]][static_cast<std::size_t>(o.rule_truth[i])] = true;
    }

    const auto fired = [&](Index rule) {
      const auto it = std::find(purpose.rules.begin(), purpose.rules.end(), rule);
      if (it == purpose.rules.end() || o.insufficient_data) return false;
      return o.rule_truth[static_cast<std::size_t>(it - purpose.rules.begin())] == Truth::True;
    };
    const auto level_name = [&](Index l) {
      return l == dsl::kNone ? std::string("none (insufficient data)") : bt(program.levels[l]);
    };
    // The reasons given, by id and text: `no_absence_data` ("Fraværsdata mangler").
    const auto reasons = [&] {
      std::string out;
      for (const auto& r : o.review_reasons) {
        out += (out.empty() ? "" : "; ") + bt(review_reason_id(program, test.purpose, r)) + " (" +
               review_reason_text(program, test.purpose, o, r, Language::English) + ")";
      }
      return out;
    };
    const auto has_reason = [&](const std::string& id) {
      return std::any_of(o.review_reasons.begin(), o.review_reasons.end(), [&](const auto& r) {
        return review_reason_id(program, test.purpose, r) == id;
      });
    };
    for (const auto& st : test.decl->body) {
      const auto fail = [&](std::string expected, std::string actual) {
        result.failures.push_back({st.span, std::move(expected), std::move(actual)});
      };
      switch (st.key) {
        case Key::Given:
        case Key::Probability:
        case Key::On:
          break;
        case Key::ExpectFlag: {
          const Index r = program.find_rule(st.ident->name);
          const bool flagged = std::any_of(o.flags.begin(), o.flags.end(),
                                           [&](const FlagRaised& f) { return f.rule == r; });
          if (!fired(r)) {
            std::string why = why_not(o, purpose, r);
            const auto it = std::find(purpose.rules.begin(), purpose.rules.end(), r);
            if (it != purpose.rules.end() && !assessor->in_effect(it - purpose.rules.begin())) {
              why = "the rule is not in effect on " + base::format_iso_date(today) +
                    " (its `effective` period)";
            }
            fail("rule " + bt(st.ident->name) + " fires", why);
          } else if (!flagged && program.rules[r].flag != nullptr) {
            fail("flag " + bt(st.ident->name), "no flag was raised");
          }
          break;
        }
        case Key::ExpectNoFlag: {
          const Index r = program.find_rule(st.ident->name);
          if (fired(r)) fail("rule " + bt(st.ident->name) + " does not fire", "it fired");
          break;
        }
        case Key::ExpectLevel: {
          const Index want = program.find_level(st.ident->name);
          if (o.level != want) {
            std::string how;
            for (const LevelStep& step : o.trace) {
              how += how.empty() ? " (" : "; ";
              how += step.rule == dsl::kNone
                         ? "model band " + program.levels[step.to]
                         : bt(program.rules[step.rule].name) + " -> " + program.levels[step.to];
            }
            if (!how.empty()) how += ")";
            fail("level " + bt(st.ident->name), "level " + level_name(o.level) + how);
          }
          break;
        }
        case Key::ExpectReview:
          if (!o.review_required) {
            fail(st.ident ? "review reason " + bt(st.ident->name) : "review required",
                 "no review was required");
          } else if (st.ident && !has_reason(st.ident->name)) {
            fail("review reason " + bt(st.ident->name), "review required: " + reasons());
          }
          break;
        case Key::ExpectNoReview:
          if (st.ident ? has_reason(st.ident->name) : o.review_required) {
            fail(st.ident ? "no review reason " + bt(st.ident->name) : "no review",
                 "review required: " + reasons());
          }
          break;
        case Key::ExpectInsufficient:
          if (!o.insufficient_data) {
            fail("insufficient data", "the data sufficed (" +
                                          format_number(std::round(o.completeness * 1000) / 10) +
                                          " % of the model's features known)");
          }
          break;
        case Key::ExpectPoints:
          // Points are decimals added in binary: 0.1 + 0.2 is 0.30000000000000004.
          if (std::abs(o.points - st.number->value) >
              1e-9 * std::max(1.0, std::abs(st.number->value))) {
            fail("points " + st.number->text, "points " + format_number(o.points));
          }
          break;
      }
    }
    if (result.passed()) {
      ++report.passed;
    } else {
      ++report.failed;
    }
    report.results.push_back(std::move(result));
  }
  return report;
}

CoverageSummary summarize_coverage(const dsl::Program& program, const TestReport& report) {
  CoverageSummary summary;
  for (std::size_t i = 0; i < program.rules.size(); ++i) {
    const auto& c = report.coverage[i];
    const bool unknown_possible = program.rules[i].condition != nullptr &&
                                  dsl::ast::may_be_unknown(*program.rules[i].condition);
    summary.can_be_unknown.push_back(unknown_possible);
    summary.seen += static_cast<std::size_t>(c[0]) + static_cast<std::size_t>(c[1]) +
                    static_cast<std::size_t>(c[2] && unknown_possible);
    summary.possible += unknown_possible ? 3 : 2;
  }
  return summary;
}

}  // namespace skon::engine
