#pragma once

// One explained assessment per person and purpose: the model's calibrated probability, the
// purpose's rules through the compiled plan (BatchPlan), and everything a professional and a
// reviewer need to see why. `skon test`, `skon explain` and `skon assess` all assess here.

#include <optional>
#include <string>
#include <vector>

#include "skon/core/batch_plan.hpp"
#include "skon/core/outcome.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"

namespace skon::engine {

struct Contribution {
  Index field = dsl::kNone;  // program field
  double log_odds = 0;
};

struct Assessment {
  std::string id;  // pseudonym (or the raw id with --reveal-ids)
  PurposeOutcome outcome;
  std::optional<double> probability;        // calibrated; absent with insufficient data or no model
  Index model_level = dsl::kNone;           // the band the probability falls in
  double baseline = 0;                      // log-odds of the training reference
  double log_odds = 0;                      // baseline + all contributions
  std::vector<Contribution> contributions;  // largest |log_odds| first (all, or AssessorSetup::top)
  double others = 0;  // the contributions not listed, summed: baseline + listed + others = log_odds
  // "rules_above_model": the model's band is the lowest but rules raised the level;
  // "model_unexplained": the model's band is the highest and no rule fired.
  std::string_view disagreement;
};

// What an assessor needs. `model` may be null when the purpose has no features (or the caller
// gives probabilities, as a rule-file test does); it must be null for a purpose that takes its
// score from a field. Program and model must outlive the assessor. Flag texts are written in
// `language`. Rules outside their `effective` period on `as_of` (days since 1970-01-01: the
// assessment date, which every caller must give) do not run.
struct AssessorSetup {
  const dsl::Program* program = nullptr;
  Index purpose = dsl::kNone;
  const models::LogisticModel* model = nullptr;
  Language language = Language::Danish;
  std::int32_t as_of = 0;
  std::size_t top = static_cast<std::size_t>(-1);  // contributions kept per assessment
};

class Assessor {
 public:
  // The one way to make an assessor: run and its workers, explain, test, impact, report and
  // monitor all build theirs from an AssessorSetup, so none can forget the date.
  explicit Assessor(const AssessorSetup& setup);

  // The columns to read: every field the purpose reads, in program field order.
  const std::vector<Index>& input_fields() const { return input_fields_; }

  // Assesses `n` records (row-major, n x input_fields().size() raw values: the models' numeric
  // encoding, NaN missing) into out[0..n). `given_probability`, when not null, holds n scores to
  // use instead of the model's (NaN: none) — what a rule-file test's `probability` states.
  void assess_batch(const double* values, std::size_t n, std::vector<Assessment>& out,
                    const double* given_probability = nullptr) const;

  // One record: a batch of one, the same path.
  void assess(const std::vector<double>& values, Assessment& out,
              std::optional<double> given_probability = std::nullopt) const;

  const dsl::Program& program() const { return program_; }
  Index purpose() const { return purpose_; }
  const models::LogisticModel* model() const { return model_; }
  Language language() const { return language_; }
  std::int32_t as_of() const { return as_of_; }
  const AssessorSetup& setup() const { return setup_; }
  // Whether the purpose's `r`-th rule is in effect on as_of().
  bool in_effect(std::size_t r) const { return plan_.in_effect(r); }

 private:
  AssessorSetup setup_;
  const dsl::Program& program_;
  Index purpose_;
  const models::LogisticModel* model_;
  Language language_;
  std::int32_t as_of_;
  std::vector<Index> input_fields_;
  BatchPlan plan_;
  std::vector<std::size_t> model_slot_;  // model feature -> position in input values
  std::vector<Index> model_field_;       // model feature -> program field
  static constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
  std::size_t score_slot_ = kNoSlot;  // `score from`: the field's position in input values
  // (value slot, consent slot) for each input field that `requires` consent.
  std::vector<std::pair<std::size_t, std::size_t>> consent_slots_;
  std::vector<std::size_t> consent_fields_;  // slots of consent fields (missing reads as false)
  std::size_t top_ = static_cast<std::size_t>(-1);
  // Per-call scratch, reused so a cohort does not allocate per record. Not thread-safe: one
  // Assessor per thread.
  mutable std::vector<double> raw_, design_, probability_, withheld_;
  mutable std::vector<std::vector<double>> columns_;
  mutable std::vector<const double*> column_pointers_;
  mutable BatchPlan::State state_;
  mutable models::Explanation explanation_;
};

}  // namespace skon::engine
