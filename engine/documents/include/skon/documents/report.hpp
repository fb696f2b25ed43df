#pragma once

// `skon report`: what analysts and professionals look at — one self-contained HTML file (or the
// same figures as JSON) built from a run's assessments, the purpose's rules, the model and, when
// a later cohort with outcomes is given, the model measured on it.
//
// The assessments are read once and aggregated (counts per level, the probability distribution,
// how often each rule fired and where rules and model disagreed); only a sample of records is
// kept whole, for the explanation cards — so a million assessments give a report of the same size
// as a thousand.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skon/documents/document.hpp"
#include "skon/documents/patterns_document.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/evaluate.hpp"
#include "skon/models/model.hpp"

namespace skon::engine {

struct RuleFiring {
  std::string rule;
  std::size_t fired = 0;
  std::vector<std::size_t> by_level;  // per program level, of the people it fired for
};

// One pass over a run's assessments (JSON Lines as `skon assess` writes them).
struct AssessmentSummary {
  std::string run;  // the run id the records carry
  std::size_t records = 0;
  std::map<std::string, std::size_t> outcomes;  // "assessed", "insufficient_data", ...
  std::vector<std::size_t> per_level;           // per program level
  std::size_t review_required = 0;
  std::size_t with_probability = 0;
  double probability_sum = 0;
  std::vector<std::size_t> histogram;  // probabilities in 50 bins of 2 %
  std::vector<RuleFiring> rules;       // in the purpose's evaluation order
  // model level (row) x final level (column): off the diagonal, rules raised or capped it.
  std::vector<std::vector<std::size_t>> model_vs_final;
  std::vector<std::string> cards;  // the sampled records' JSON text
};

// Reads `path`; keeps up to `cards` records whole: the first of each level from the highest
// down and those requiring review, in file order. Throws InputError for a line that is not an
// assessment (named by line, never by content).
AssessmentSummary summarize_assessments(const std::string& path, const dsl::Program& program,
                                        dsl::Index purpose, std::size_t cards);

struct ReportInputs {
  const dsl::Program* program = nullptr;
  dsl::Index purpose = dsl::kNone;
  const models::LogisticModel* model = nullptr;  // null for a purpose without one
  // What the run's manifest (FILE.run.json) says of the run.
  struct Run {
    std::string assessment_date, rules_sha256, model_sha256;
    bool replay = false;
    bool has_model = false;
    double baseline_log_odds = 0, base_rate = 0;
  } run;
  AssessmentSummary assessments;
  // The model measured on a later cohort with outcomes (scores kept), and that cohort's name.
  std::optional<models::Evaluation> evaluation;
  std::string evaluation_data;
  std::optional<PatternsResult> patterns;  // with a history
  Language language = Language::Danish;
};

// What `skon report` is asked for.
struct ReportRequest {
  std::string assessments;   // JSON Lines from `skon assess`, its manifest beside it (.run.json)
  std::string evaluate_on;   // optional: a later cohort with outcomes to measure the model on
  models::ReadOptions read;  // how to read it
  std::string target = "outcome";
  std::vector<std::string> by;  // group fields for the fairness section
  std::size_t cards = 60;
  Language language = Language::Danish;
  std::string history;  // optional: historical data with outcomes, for the patterns section
};

// Reads the run's manifest and checks that `program` and `model` are the ones the assessments
// were made with (their hashes; InputError naming both when not), then reads the assessments and,
// with `evaluate_on`, measures the model on that cohort.
ReportInputs prepare_report(const dsl::Program& program, const models::LogisticModel* model,
                            const std::string& model_sha256, const ReportRequest& request);

// The report's figures as JSON text: every number the HTML shows, under the same names.
std::string report_json(const ReportInputs& in);

// The report as a document (render_html gives the self-contained file).
Document report_document(const ReportInputs& in);

}  // namespace skon::engine
