#pragma once

// A synthetic cohort of young people for the dropout domain in rules/: risk factors, data gaps
// and the outcome (no completed youth education by age 25) drawn so that their rates follow
// published Danish figures. Every parameter and its source is in docs/synthetic-data.md; the
// constants in synthetic_cohort.cpp carry the same names. No real person is behind any row.

#include <cstdint>
#include <string>
#include <vector>

namespace skon::models {

struct SyntheticOptions {
  std::size_t rows = 10000;
  std::uint64_t seed = 1;
  int year_from = 2015, year_to = 2019;  // the year each young person finished 9th grade
  bool current = false;                  // leave out the outcome: a cohort to assess
  bool dirty = false;                    // inject the errors real exports have (see the docs)
};

// One young person, clean. Numbers are NaN where the source has no value (a data gap).
struct SyntheticPerson {
  std::size_t index = 0;
  int cohort_year = 0;
  int municipality = 0;  // index into synthetic_municipalities()
  bool male = false;
  double age = 0;
  double absence_pct = 0;
  double grade_avg_8th = 0, grade_avg_9th = 0, danish_grade = 0, math_grade = 0;
  double exit_exams_taken = 0;  // 1/0, NaN when unknown
  double exam_avg = 0;
  double reading_score = 0, math_score = 0;
  double wellbeing_index = 0;
  double hv_concern = 0, daycare_support_needed = 0, ppr_referral = 0, special_education = 0;
  double parents_outside_labour = 0, single_parent = 0;
  int programme = 0;  // index into synthetic_programmes(); -1 when unknown
  double us_absence_pct = 0;
  double risk = 0;  // the true probability of the outcome
  bool outcome = false;
};

const std::vector<std::string>& synthetic_municipalities();
const std::vector<std::string>& synthetic_programmes();

class SyntheticCohort {
 public:
  explicit SyntheticCohort(SyntheticOptions options);

  // The next person; deterministic per seed and independent of `dirty`.
  void next(SyntheticPerson& person);

  // The CSV header and one person's row (with the injected errors when `dirty`). A dirty row may
  // be written twice (a duplicated export line).
  std::string header() const;
  void append_csv(const SyntheticPerson& person, std::string& out);

  const SyntheticOptions& options() const { return options_; }
  double intercept() const { return intercept_; }  // of the outcome model, fitted to the base rate

 private:
  SyntheticOptions options_;
  std::uint64_t state_[4];  // xoshiro256** for the people
  std::uint64_t dirt_[4];   // a separate stream for the errors, so clean rows stay the same
  double intercept_ = 0;
};

// Writes `options.rows` people to `path` atomically: CSV, or JSON Lines when the name ends in
// .jsonl or .ndjson (the same values, for tests and benchmarks of that reader). Throws
// OutputError when it cannot.
void write_synthetic_cohort(const SyntheticOptions& options, const std::string& path);

}  // namespace skon::models
