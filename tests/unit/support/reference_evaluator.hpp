#pragma once

// The oracle for the compiled plan: a direct walk over the AST, written for clarity rather than
// speed, following docs/language.md's semantics step by step (three-valued logic with short
// circuits, unknown as missing data or as a calculation without a value). It lives only in the
// tests: `skon test`, `explain` and `assess` all run the compiled plan, and the differential test
// checks that the plan gives exactly what this gives.

#include <optional>
#include <vector>

#include "skon/core/outcome.hpp"
#include "skon/dsl/program.hpp"

namespace skon::test {

class ReferenceEvaluator {
 public:
  explicit ReferenceEvaluator(const dsl::Program& program) : program_(program) {}

  // `record` holds one raw value per program field (NaN missing); `probability` the model's
  // score, when there is one.
  engine::PurposeOutcome evaluate(dsl::Index purpose, const std::vector<double>& record,
                                  std::optional<double> probability) const;

 private:
  const dsl::Program& program_;
};

}  // namespace skon::test
