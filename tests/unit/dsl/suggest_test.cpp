#include "skon/dsl/suggest.hpp"

#include <doctest/doctest.h>

using namespace skon::dsl;

TEST_CASE("suggest: edit distance counts transpositions as one edit") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("absense", "absence") == 1);
  CHECK(edit_distance("chekc", "check") == 1);
}

TEST_CASE("suggest: closest_match finds plausible typos only") {
  const std::vector<std::string> fields = {"absence_pct", "grade_avg_9th", "exit_exams_taken"};
  CHECK(closest_match("absense_pct", fields) == std::optional<std::string>("absence_pct"));
  CHECK(closest_match("Grade_Avg_9th", fields) == std::optional<std::string>("grade_avg_9th"));
  CHECK_FALSE(closest_match("zzzz", fields).has_value());
  CHECK_FALSE(closest_match("x", {}).has_value());
}
