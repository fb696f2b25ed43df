#pragma once

// Evaluation of a checked rule set for one record under one purpose, in the documented order
// (docs/language.md, "Evaluation order"):
//   1. completeness of the model's features; below the purpose's minimum the outcome is
//      insufficient data, with the gaps listed and no level;
//   2. the model's probability placed in the purpose's bands (without a probability the level
//      starts at the lowest level);
//   3. every rule of the purpose in evaluation order: flag, points, raise/cap level, review;
//      `count(flags)`, `sum(points)` and `level` see the rules before it;
//   4. the purpose's review triggers on the final level — a trigger that is unknown because of
//      missing data requires review (it fails closed);
//   5. the guidance text for the final level.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skon/dsl/program.hpp"
#include "skon/engine/value.hpp"

namespace skon::engine {

using dsl::Index;

struct LevelStep {
  Index from = dsl::kNone;  // kNone for the initial band
  Index to = dsl::kNone;
  Index rule = dsl::kNone;   // kNone: the model's band
  std::string_view because;  // the rule's text, owned by the program (no copy per record)
};

struct FlagRaised {
  Index rule = dsl::kNone;
  std::string text;  // interpolated
};

struct PurposeOutcome {
  bool insufficient_data = false;
  double completeness = 1;            // fraction of the model's features that are known
  std::vector<Index> missing_fields;  // among the fields the purpose reads
  std::optional<double> probability;
  Index level = dsl::kNone;  // final level (kNone when insufficient data)
  std::vector<LevelStep> trace;
  std::vector<FlagRaised> flags;
  double points = 0;
  bool review_required = false;
  std::vector<std::string> review_reasons;
  std::string_view guidance;      // the purpose's text for the final level, owned by the program
  std::vector<Truth> rule_truth;  // per rule of the purpose, in evaluation order

  // Back to a fresh outcome, keeping the storage (cohorts reuse one outcome per record slot).
  void reset();
};

// How a value reads in a flag text, which is written for a Danish professional: numbers shortest
// with a decimal comma (22,5), bools ja/nej, dates YYYY-MM-DD, categories by name, levels by
// label, missing as "ukendt". `field` or `let` says whose category values to use.
std::string show_value(const dsl::Program& program, const Value& v, Index field, Index let);

// The Value of a derived value's raw number (its type decides the kind).
Value let_value(const dsl::Program& program, Index let, double raw);

// The Value of a raw number (NaN = missing) for a value of `type`; what fields and lets share.
Value value_of(dsl::ValueType type, double raw);

// Evaluates expressions of a checked program against records. Holds no per-record state, so one
// evaluator serves any number of records and threads.
class RuleEvaluator {
 public:
  explicit RuleEvaluator(const dsl::Program& program) : program_(program) {}

  struct Options {
    std::optional<double> probability;  // the model's calibrated probability, when scored
    bool check_completeness = true;
  };

  // `record` has one Value per field of the program (dsl::Program::fields order).
  PurposeOutcome evaluate(Index purpose, const std::vector<Value>& record,
                          const Options& options) const;

  // The review reason for a record below the completeness minimum (Danish, decimal comma).
  static std::string insufficient_reason(double completeness, double minimum);

  // The flag text of `rule` for `record`, with its {field} values filled in.
  std::string flag_text(Index rule, const std::vector<Value>& record) const;

 private:
  struct Scratch;
  Value eval(const dsl::ast::Expr& e, Scratch& s) const;
  Truth truth(const dsl::ast::Expr& e, Scratch& s) const;
  std::string interpolate(const std::string& text, Scratch& s) const;
  std::string show(const Value& v, Index field, Index let, Scratch& s) const;

  const dsl::Program& program_;
};

}  // namespace skon::engine
