#pragma once

// Runs the `test` blocks of a checked rule set: each test's `given` record is assessed under its
// purpose by the same Assessor and compiled plan `skon assess` uses (a test is a batch of one),
// and every expectation is compared with what happened. A test's `probability` stands in for the
// model's score; completeness is checked exactly as in production.

#include <array>
#include <string>
#include <vector>

#include "skon/base/clock.hpp"
#include "skon/core/outcome.hpp"
#include "skon/dsl/program.hpp"

namespace skon::engine {

struct ExpectationFailure {
  dsl::Span span;        // the expectation's statement
  std::string expected;  // "flag `high_absence`"
  std::string actual;    // "the rule did not fire: its condition was unknown"
};

struct TestResult {
  const dsl::TestInfo* test = nullptr;
  std::vector<ExpectationFailure> failures;
  PurposeOutcome outcome;
  bool passed() const { return failures.empty(); }
};

struct TestReport {
  std::vector<TestResult> results;
  // Per rule: whether some test saw its condition false, true, unknown (Truth order).
  std::vector<std::array<bool, 3>> coverage;
  std::size_t passed = 0;
  std::size_t failed = 0;
};

// Runs every test of `program`, which must have passed check_program without errors, as of
// the clock's day (rules outside their `effective` period do not fire).
TestReport run_tests(const dsl::Program& program, const base::Clock& clock);

// How much of the rules' outcomes the tests exercised: per rule, whether its condition can be
// unknown at all (one that reads no field, outside missing()/known(), cannot), and the outcomes
// seen out of those possible.
struct CoverageSummary {
  std::vector<bool> can_be_unknown;  // per rule
  std::size_t seen = 0, possible = 0;
};
CoverageSummary summarize_coverage(const dsl::Program& program, const TestReport& report);

}  // namespace skon::engine
