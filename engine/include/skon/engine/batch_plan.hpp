#pragma once

// A purpose's rules compiled for batches of records. Field references become column slots and
// every expression a short list of instructions over arrays of up to kBatch values, so a batch
// pays the interpretation cost once per instruction instead of once per record. Values are
// doubles with NaN for missing; truth is 1, 0, or NaN for unknown (three-valued logic).
//
// Rules run in evaluation order over the whole batch, each updating the per-record state
// (flags, points, level) that later conditions may read. replay() then builds, per record, the
// same PurposeOutcome as RuleEvaluator::evaluate (tests check they agree).

#include <cstdint>
#include <vector>

#include "skon/dsl/program.hpp"
#include "skon/engine/rule_eval.hpp"

namespace skon::engine {

class BatchPlan {
 public:
  static constexpr std::size_t kBatch = 256;

  // Compiles the purpose's lets, rules and review triggers. `input_fields` lists the program
  // fields whose columns run() receives, in order.
  BatchPlan(const dsl::Program& program, Index purpose, std::vector<Index> input_fields);

  struct State {
    std::vector<std::uint8_t> truth;    // rules x n: 0 false, 1 true, 2 unknown (rule-major)
    std::vector<std::uint8_t> trigger;  // triggers x n
    std::vector<double> level, flags, points;
    std::vector<double> registers;
    std::size_t n = 0;
  };

  // Evaluates `n` (<= kBatch) records. `columns[i]` points to n values of input_fields()[i];
  // `probability` to n model probabilities (NaN: no model score).
  void run(const double* const* columns, const double* probability, std::size_t n,
           State& state) const;

  // The outcome of record `i` of the last run, as RuleEvaluator would give it; `raw` holds the
  // record's input values.
  void replay(const State& state, std::size_t i, const double* raw, double probability,
              PurposeOutcome& out) const;

  const std::vector<Index>& input_fields() const { return input_fields_; }

 private:
  enum class Op : std::uint8_t {
    Field,
    Const,
    Flags,
    Points,
    Level,
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
  struct Instr {
    Op op;
    std::uint16_t dst = 0, a = 0, b = 0, c = 0;
    double k = 0;
    std::uint64_t mask = 0;
  };
  struct Code {
    std::vector<Instr> instrs;
    std::uint16_t result = 0;
  };

  std::uint16_t compile(const dsl::ast::Expr& e, Code& code, std::uint16_t& next) const;
  void execute(const Code& code, const double* const* columns, State& s) const;

  const dsl::Program& program_;
  Index purpose_;
  std::vector<Index> input_fields_;
  std::vector<int> slot_of_field_;           // program field -> input slot, -1 when not read
  std::vector<std::uint16_t> let_register_;  // program let -> its register
  std::vector<Code> lets_;                   // in definition order
  std::vector<Code> rules_;                  // purpose rules, evaluation order
  std::vector<Code> triggers_;
  std::uint16_t registers_ = 0;
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
