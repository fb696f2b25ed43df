#pragma once

// A purpose's rules compiled for batches of records: the one evaluator behind `skon test`,
// `skon explain` and `skon assess` (a test case is a batch of one). Field references become
// column slots and every expression a short list of instructions over arrays of up to kBatch
// values, so a batch pays the interpretation cost once per instruction instead of once per record.
//
// Values are doubles. Truth is 1 or 0; unknown is NaN, in two kinds told apart by the NaN's bits:
// missing data (any NaN from the data) and "no value" (kNoValue: a calculation whose result is
// not a finite number — division by zero, overflow). Every operation with an unknown operand is
// unknown (missing data wins over no value), except that `false and unknown` is false, `true or
// unknown` is true, and missing()/known() are true/false. So NaN, infinity and division by zero
// mean one thing everywhere: unknown, with the reason kept for the trace.
//
// Rules run stratum by stratum over the whole batch (dsl::PurposeInfo::strata): first every
// condition of the stratum, then their flags and points, then their raises (the highest wins),
// then their caps (the lowest wins). A condition reads the state (flags, points, level, fired())
// that earlier strata left, so the order of the rules within a file never matters. replay() then
// builds each record's PurposeOutcome (outcome.hpp).

#include <cstdint>
#include <optional>
#include <vector>

#include "skon/core/messages.hpp"
#include "skon/core/outcome.hpp"
#include "skon/dsl/program.hpp"

namespace skon::engine {

// The NaN that marks a calculation without a value (any other NaN is missing data).
double no_value();
bool is_no_value(double v);

class BatchPlan {
 public:
  static constexpr std::size_t kBatch = 256;

  // Compiles the purpose's lets, rules and review triggers. `input_fields` lists the program
  // fields whose columns run() receives, in order; it must include every field the purpose
  // reads. Flag texts show values as `language` writes them.
  // Rules outside their `effective` period on `as_of` (days since 1970-01-01) never fire; without
  // a date every rule is in effect.
  BatchPlan(const dsl::Program& program, Index purpose, std::vector<Index> input_fields,
            Language language = Language::Danish, std::optional<std::int32_t> as_of = std::nullopt);

  struct State {
    std::vector<std::uint8_t> truth;    // rules x n, rule-major: a TruthCode
    std::vector<std::uint8_t> trigger;  // triggers x n
    std::vector<double> level, flags, points;
    std::vector<double> registers;
    std::size_t n = 0;
  };
  enum TruthCode : std::uint8_t { kFalse = 0, kTrue = 1, kUnknownMissing = 2, kUnknownNoValue = 3 };

  // Evaluates `n` (<= kBatch) records. `columns[i]` points to n values of input_fields()[i];
  // `probability` to n model probabilities (NaN: no model score).
  void run(const double* const* columns, const double* probability, std::size_t n,
           State& state) const;

  // The outcome of record `i` of the last run; `raw` holds the record's input values.
  void replay(const State& state, std::size_t i, const double* raw, double probability,
              PurposeOutcome& out) const;

  const std::vector<Index>& input_fields() const { return input_fields_; }
  std::size_t registers() const { return registers_; }
  // Whether rule `r` (a position in the purpose's rules) is in effect on the plan's date.
  bool in_effect(std::size_t r) const { return in_effect_[r]; }

 private:
  enum class Op : std::uint8_t {
    Field,
    Const,
    Flags,
    Points,
    Level,
    Fired,   // a: the rule's position in the purpose
    Subset,  // c: a subset; the sum of its rules' weights over those that fired
    Neg,
    Not,
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    InSet,
    NotInSet,
    InRange,
    NotInRange,
    Missing,
    Known,
  };
  using Reg = std::uint32_t;
  struct Instr {
    Op op;
    Reg dst = 0, a = 0, b = 0, c = 0;  // c: InRange's upper bound, or InSet's set
    double k = 0;
  };
  struct Code {
    std::vector<Instr> instrs;
    Reg result = 0;
  };

  Reg compile(const dsl::ast::Expr& e, Code& code, Reg& next);
  void execute(const Code& code, const double* const* columns, State& s) const;
  void execute_set(const Instr& in, const double* a, double* d, std::size_t n) const;

  const dsl::Program& program_;
  Index purpose_;
  Language language_;
  std::vector<Index> input_fields_;
  std::vector<int> slot_of_field_;  // program field -> input slot, -1 when not read
  std::vector<Reg> let_register_;   // program let -> its register
  std::vector<Code> lets_;          // in definition order
  std::vector<Code> rules_;         // purpose rules, evaluation order
  std::vector<bool> in_effect_;     // per purpose rule
  std::vector<Code> triggers_;
  std::vector<std::vector<std::uint64_t>> sets_;  // members of each `in {...}`, as bits
  struct Weighted {
    std::size_t position;  // in the purpose's rules
    double weight;         // 1 per flag, or the rule's points
  };
  std::vector<std::vector<Weighted>> subsets_;  // count(flags in {...}) / sum(points in {...})
  std::vector<int> position_of_rule_;           // program rule -> position, -1 when not applied
  std::vector<std::pair<std::size_t, std::size_t>> strata_;  // [begin, end) positions
  std::size_t registers_ = 0;
  // Flag texts split at their {name}s, resolved once: literal text, then a field slot or a let.
  struct TextPart {
    std::string literal;
    Index field = dsl::kNone;
    Index let = dsl::kNone;
  };
  std::vector<std::vector<TextPart>> flag_texts_;  // per purpose rule
  std::string flag_text(std::size_t rule, const State& s, std::size_t i, const double* raw) const;
};

}  // namespace skon::engine
