#include "skon/engine/batch_plan.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "skon/engine/assessor.hpp"
#include "skon/engine/rule_eval.hpp"
#include "support/rules.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

void check_equal(const engine::PurposeOutcome& a, const engine::PurposeOutcome& b) {
  CHECK(a.insufficient_data == b.insufficient_data);
  CHECK(a.completeness == b.completeness);
  CHECK(a.missing_fields == b.missing_fields);
  CHECK(a.level == b.level);
  CHECK(a.points == b.points);
  CHECK(a.review_required == b.review_required);
  CHECK(a.review_reasons == b.review_reasons);
  CHECK(a.guidance == b.guidance);
  CHECK(a.rule_truth == b.rule_truth);
  REQUIRE(a.flags.size() == b.flags.size());
  for (std::size_t i = 0; i < a.flags.size(); ++i) {
    CHECK(a.flags[i].rule == b.flags[i].rule);
    CHECK(a.flags[i].text == b.flags[i].text);
  }
  REQUIRE(a.trace.size() == b.trace.size());
  for (std::size_t i = 0; i < a.trace.size(); ++i) {
    CHECK(a.trace[i].from == b.trace[i].from);
    CHECK(a.trace[i].to == b.trace[i].to);
    CHECK(a.trace[i].rule == b.trace[i].rule);
    CHECK(a.trace[i].because == b.trace[i].because);
  }
}

// Random records (a fifth of the values missing) through both evaluators.
void compare(const dsl::Program& program, std::uint64_t seed) {
  for (dsl::Index purpose = 0; purpose < program.purposes.size(); ++purpose) {
    const auto& fields = program.purposes[purpose].fields_read;
    const engine::BatchPlan plan(program, purpose, fields);
    const engine::RuleEvaluator evaluator(program);
    std::mt19937_64 rng(seed + purpose);
    std::uniform_real_distribution<double> u(0, 1);
    for (int round = 0; round < 6; ++round) {
      const std::size_t n =
          round == 0 ? 1 : engine::BatchPlan::kBatch - static_cast<std::size_t>(round);
      std::vector<std::vector<double>> columns(fields.size(), std::vector<double>(n));
      std::vector<double> probability(n);
      for (std::size_t i = 0; i < n; ++i) {
        probability[i] = u(rng) < 0.2 ? models::kMissing : u(rng);
        for (std::size_t c = 0; c < fields.size(); ++c) {
          const dsl::FieldInfo& f = program.fields[fields[c]];
          double v = 0;
          if (u(rng) < 0.2)
            v = models::kMissing;
          else if (f.type == dsl::ValueType::Bool)
            v = u(rng) < 0.5 ? 1 : 0;
          else if (f.type == dsl::ValueType::Category)
            v = std::floor(u(rng) * static_cast<double>(f.levels.size()));
          else
            v = std::round(
                    (f.low.value_or(0) + u(rng) * (f.high.value_or(30) - f.low.value_or(0))) * 10) /
                10;
          columns[c][i] = v;
        }
      }
      std::vector<const double*> pointers;
      for (const auto& c : columns) pointers.push_back(c.data());
      engine::BatchPlan::State state;
      plan.run(pointers.data(), probability.data(), n, state);
      for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> raw(fields.size());
        std::vector<engine::Value> record(program.fields.size());
        for (std::size_t c = 0; c < fields.size(); ++c) {
          raw[c] = columns[c][i];
          record[fields[c]] = engine::to_value(program, fields[c], raw[c]);
        }
        engine::RuleEvaluator::Options options;
        if (!std::isnan(probability[i])) options.probability = probability[i];
        const engine::PurposeOutcome want = evaluator.evaluate(purpose, record, options);
        engine::PurposeOutcome got;
        plan.replay(state, i, raw.data(), probability[i], got);
        INFO("purpose " << purpose << ", record " << i);
        check_equal(got, want);
      }
    }
  }
}

}  // namespace

TEST_CASE("batch plan: agrees with the rule evaluator on the shipped dropout rule set") {
  dsl::DiagnosticBag bag;
  auto program = dsl::load_program({fs::path(SKON_SOURCE_DIR) / "rules"}, bag);
  dsl::check_program(*program, bag);
  REQUIRE_FALSE(bag.has_errors());
  compare(*program, 11);
}

TEST_CASE("batch plan: agrees with the rule evaluator on every construct") {
  std::string prelude = test::kPrelude;
  prelude.insert(prelude.find("  guidance high"), "  justify sex \"Test\"\n");
  const auto l = test::load(prelude + R"(
field grade : number in -3..12 from absence "Karakter"
field born : date from absence "Født"

let weak = grade < 4 or missing(grade)
let weighted = absence_pct * 2 - grade / 2

rule a "A" in ew {
  when absence_pct > 10 and not exams_taken
  flag "A {absence_pct} {weighted} {sex}"
  points 2
}

rule b "B" in ew {
  when weak or sex in { male } and absence_pct not in 5..15
  flag "B {weak}"
  raise level to medium because "b"
}

rule c "C" in ew {
  when count(flags) >= 2 or sum(points) > 1 or level >= medium
  raise level to high because "c"
  require review because "c review"
}

rule d "D" in ew {
  when known(born) and born < 2011-01-01 and -grade <= -2 and weighted != 0
  cap level at medium because "d"
}

rule e "E" in ew {
  when sex != female and grade / (absence_pct - 10) > 0.5
  flag "E"
}
)");
  for (const auto& c : l.codes()) INFO(c);
  if (l.bag.has_errors()) {
    for (const auto& d : l.bag.items()) MESSAGE(d.message);
  }
  REQUIRE_FALSE(l.bag.has_errors());
  compare(*l.program, 23);
}
