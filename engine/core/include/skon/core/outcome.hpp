#pragma once

// What evaluating a purpose's rules gives for one record, in the documented order
// (docs/language.md, "Evaluation order"):
//   1. completeness of the model's features; below the purpose's minimum the outcome is
//      insufficient data, with the gaps listed and no level;
//   2. the model's probability placed in the purpose's bands (without a probability the level
//      starts at the lowest level);
//   3. every rule of the purpose in evaluation order: flag, points, raise/cap level, review;
//      `count(flags)`, `sum(points)` and `level` see the rules before it;
//   4. the purpose's review triggers on the final level — a trigger that is unknown requires
//      review (it fails closed);
//   5. the guidance text for the final level.
// A condition is unknown when data are missing, or when a calculation in it has no value
// (division by zero, a number out of range); the outcome says which, per rule and trigger.
//
// The outcome holds indices and the program's own texts; words the engine adds are rendered
// per language by the functions below (messages.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skon/core/messages.hpp"
#include "skon/core/value.hpp"
#include "skon/dsl/program.hpp"

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

// Why a condition had no truth value.
enum class Undecided : std::uint8_t {
  MissingData,  // a field it reads is missing
  NoValue,      // a calculation had no value: division by zero, overflow
};
const char* to_string(Undecided u);  // "missing_data", "no_value"

struct UndecidedRule {
  Index rule = dsl::kNone;  // program rule
  Undecided why = Undecided::MissingData;
};

struct ReviewReason {
  // MissingScore: the purpose's `score from` field has no value, so the level rests on the
  // rules alone and a professional must look (never a made-up score).
  enum class Kind : std::uint8_t { InsufficientData, MissingScore, Rule, Trigger };
  Kind kind = Kind::Rule;
  Index index = dsl::kNone;  // Rule: program rule; Trigger: position in the purpose's reviews
  std::optional<Undecided> undecided;  // Trigger: it could not be decided, so it failed closed
};

struct PurposeOutcome {
  bool insufficient_data = false;
  double completeness = 1;            // fraction of the model's features that are known
  double completeness_required = 0;   // the purpose's minimum
  std::vector<Index> missing_fields;  // among the fields the purpose reads
  // Fields whose consent (`requires`) is not given for this person: withheld, not read, and
  // not gaps either.
  std::vector<Index> no_consent_fields;
  std::optional<double> probability;
  Index level = dsl::kNone;  // final level (kNone when insufficient data)
  std::vector<LevelStep> trace;
  std::vector<FlagRaised> flags;
  double points = 0;
  bool review_required = false;
  std::vector<ReviewReason> review_reasons;
  std::vector<UndecidedRule> undecided;  // rules whose condition was unknown, in order
  std::string_view guidance;      // the purpose's text for the final level, owned by the program
  std::vector<Truth> rule_truth;  // per rule of the purpose, in evaluation order

  // Back to a fresh outcome, keeping the storage (cohorts reuse one outcome per record slot).
  void reset();
};

// A review reason in words: the rule's or trigger's own text, or the engine's (in `language`).
std::string review_reason_text(const dsl::Program& program, Index purpose,
                               const PurposeOutcome& outcome, const ReviewReason& reason,
                               Language language);

// A review reason's stable id: the rule's name, the trigger's name (or `review_N`), or
// `insufficient_data`. Tests assert it (`expect review reason ID`); outputs carry it.
const std::string& review_reason_id(const dsl::Program& program, Index purpose,
                                    const ReviewReason& reason);

// How a value reads in a flag text or a card: numbers shortest with the language's decimal mark
// (22,5 / 22.5), bools ja/nej or yes/no, dates YYYY-MM-DD, categories by name, levels by label in
// Danish and by name in English, missing as "ukendt"/"unknown". `field` or `let` says whose
// category values to use.
std::string show_value(const dsl::Program& program, const Value& v, Index field, Index let,
                       Language language);

// The Value of a raw number (NaN = missing) for a value of `type`; what fields and lets share.
Value value_of(dsl::ValueType type, double raw);

}  // namespace skon::engine
