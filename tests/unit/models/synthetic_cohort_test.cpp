#include "skon/models/synthetic_cohort.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

using namespace skon::models;

namespace {

struct Rate {
  double hits = 0, n = 0;
  void add(bool hit) { hits += hit ? 1 : 0, n += 1; }
  double value() const { return n > 0 ? hits / n : std::nan(""); }
};

}  // namespace

// docs/synthetic-data.md promises these rates; a large cohort must reproduce them.
TEST_CASE("synthetic cohort reproduces the published marginal rates it targets") {
  SyntheticOptions options;
  options.rows = 200000;
  options.seed = 11;
  SyntheticCohort cohort(options);
  Rate outcome, boys, girls, absence_over_10, absence_missing, no_exams, special, below_5, single,
      parents;
  Rate outcome_no_exams, outcome_exams;
  std::map<int, Rate> by_municipality;
  double absence_sum = 0, absence_n = 0;
  SyntheticPerson p;
  for (std::size_t i = 0; i < options.rows; ++i) {
    cohort.next(p);
    outcome.add(p.outcome);
    (p.male ? boys : girls).add(p.outcome);
    by_municipality[p.municipality].add(p.outcome);
    absence_missing.add(std::isnan(p.absence_pct));
    if (!std::isnan(p.absence_pct)) {
      absence_over_10.add(p.absence_pct > 10);
      absence_sum += p.absence_pct, absence_n += 1;
    }
    if (!std::isnan(p.exit_exams_taken)) {
      no_exams.add(p.exit_exams_taken == 0);
      (p.exit_exams_taken == 0 ? outcome_no_exams : outcome_exams).add(p.outcome);
    }
    if (!std::isnan(p.special_education)) special.add(p.special_education == 1);
    if (!std::isnan(p.grade_avg_9th)) below_5.add(p.grade_avg_9th < 5);
    if (!std::isnan(p.single_parent)) single.add(p.single_parent == 1);
    if (!std::isnan(p.parents_outside_labour)) parents.add(p.parents_outside_labour == 1);
  }
  CHECK(outcome.value() == doctest::Approx(0.16).epsilon(0.05));          // UVM 2017: 84 % complete
  CHECK(boys.value() == doctest::Approx(0.18).epsilon(0.10));             // 82 % of boys complete
  CHECK(girls.value() == doctest::Approx(0.12).epsilon(0.15));            // 88 % of girls complete
  CHECK(absence_over_10.value() == doctest::Approx(0.20).epsilon(0.05));  // 2022/23
  CHECK(absence_sum / absence_n == doctest::Approx(7.0).epsilon(0.05));   // mean absence 7 %
  CHECK(absence_missing.value() == doctest::Approx(0.02).epsilon(0.15));
  CHECK(no_exams.value() == doctest::Approx(0.10).epsilon(0.05));  // UVM 2021
  CHECK(special.value() == doctest::Approx(0.059).epsilon(0.08));  // 2020/21
  CHECK(below_5.value() == doctest::Approx(0.29).epsilon(0.08));   // 2007-09 leavers
  CHECK(single.value() == doctest::Approx(0.23).epsilon(0.05));    // DST 2023
  CHECK(parents.value() == doctest::Approx(0.14).epsilon(0.05));
  // Unadjusted, missing exams matter far more than the conditional OR of 5 (UVM 2021: OR 9.5).
  const double odds_no = outcome_no_exams.value() / (1 - outcome_no_exams.value());
  const double odds_yes = outcome_exams.value() / (1 - outcome_exams.value());
  CHECK(odds_no / odds_yes > 5);
  // Municipalities (UVM 2017): Gentofte and Rudersdal 92 %, Ishøj 76 %, Lolland 75 % complete.
  const auto& names = synthetic_municipalities();
  for (const auto& [index, rate] : by_municipality) {
    const std::string& name = names[static_cast<std::size_t>(index)];
    INFO(name);
    if (name == "gentofte" || name == "rudersdal")
      CHECK(rate.value() == doctest::Approx(0.08).epsilon(0.25));
    if (name == "ishøj") CHECK(rate.value() == doctest::Approx(0.24).epsilon(0.12));
    if (name == "lolland") CHECK(rate.value() == doctest::Approx(0.25).epsilon(0.12));
  }
}

TEST_CASE("synthetic cohort is deterministic per seed, and --dirty leaves the people unchanged") {
  SyntheticOptions a;
  a.seed = 3;
  SyntheticOptions dirty = a;
  dirty.dirty = true;
  SyntheticOptions other = a;
  other.seed = 4;
  SyntheticCohort x(a), y(a), d(dirty), o(other);
  std::string text_x, text_y, text_o;
  SyntheticPerson px, py, pd, po;
  std::size_t differing_rows = 0;
  for (int i = 0; i < 2000; ++i) {
    x.next(px);
    y.next(py);
    d.next(pd);
    o.next(po);
    x.append_csv(px, text_x);
    y.append_csv(py, text_y);
    o.append_csv(po, text_o);
    CHECK(pd.risk == px.risk);
    differing_rows += po.risk != px.risk ? 1 : 0;
  }
  CHECK(text_x == text_y);
  CHECK(text_x != text_o);
  CHECK(differing_rows > 1900);
}

TEST_CASE("synthetic cohort: --current has no outcome column, and years stay in range") {
  SyntheticOptions options;
  options.current = true;
  options.year_from = options.year_to = 2026;
  SyntheticCohort cohort(options);
  const std::string header = cohort.header();
  CHECK(header.find("outcome") == std::string::npos);
  std::string text;
  SyntheticPerson p;
  for (int i = 0; i < 200; ++i) {
    cohort.next(p);
    CHECK(p.cohort_year == 2026);
    text.clear();
    cohort.append_csv(p, text);
    CHECK(std::count(text.begin(), text.end(), ',') ==
          std::count(header.begin(), header.end(), ','));
  }
  options.year_from = 2020;
  options.year_to = 2019;
  CHECK_THROWS_AS(SyntheticCohort{options}, std::invalid_argument);
}
