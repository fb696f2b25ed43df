#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "skon/dsl/date.hpp"
#include "skon/engine/assessment_writer.hpp"
#include "skon/engine/assessor.hpp"
#include "skon/engine/columns.hpp"
#include "skon/engine/constraints.hpp"
#include "skon/models/sha256.hpp"
#include "skon/models/train.hpp"
#include "support/json_schema.hpp"
#include "support/rules.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

// The prelude's purpose with rules, and a model trained for it on synthetic data.
struct World {
  test::Loaded rules;
  models::LogisticModel model;
  std::string model_sha;

  World() {
    std::string text = test::kPrelude;
    text += R"(
rule high_absence "Højt fravær" in ew {
  when absence_pct > 10
  flag "Fravær på {absence_pct} %"
  points 2
}

rule no_exams "Ingen afgangsprøver" in ew {
  when not exams_taken
  flag "Har ikke aflagt afgangsprøverne"
  raise level to high because "Ingen afgangsprøver"
}
)";
    rules = test::load(text);
    REQUIRE_FALSE(rules.bag.has_errors());
    const fs::path csv = fs::temp_directory_path() / "skon_assess_train.csv";
    {
      std::ofstream out(csv);
      out << "absence_pct,outcome\n";
      std::mt19937_64 rng(5);
      std::uniform_real_distribution<double> u(0, 1);
      for (int i = 0; i < 4000; ++i) {
        const double a = std::floor(u(rng) * 40);
        out << a << "," << (u(rng) < 1 / (1 + std::exp(-(-3 + 0.1 * a))) ? 1 : 0) << "\n";
      }
    }
    models::TrainSpec spec;
    spec.purpose = "ew";
    spec.data_path = csv.string();
    spec.features = {engine::column_spec(*rules.program, 0)};
    spec.directions = {0};
    spec.target = "outcome";
    spec.created = "2026-11-26T00:00:00Z";
    spec.tool_version = "test";
    model = models::train_model(spec).model;
    model_sha = models::sha256_hex(models::to_json_text(model));
    fs::remove(csv);
  }
};

std::vector<double> row(std::optional<double> absence, std::optional<bool> exams, std::optional<int> sex) {
  return {absence ? *absence : models::kMissing, exams ? (*exams ? 1.0 : 0.0) : models::kMissing,
          sex ? static_cast<double>(*sex) : models::kMissing};
}

}  // namespace

TEST_CASE("assess: model, rules, trace, review and exact contributions") {
  World w;
  const engine::Assessor assessor(*w.rules.program, 0, &w.model);
  REQUIRE(assessor.input_fields() == std::vector<dsl::Index>{0, 1, 2});
  engine::Assessment a;
  assessor.assess(row(25, false, 1), a);
  CHECK_FALSE(a.outcome.insufficient_data);
  REQUIRE(a.probability);
  CHECK(a.outcome.level == 2);
  REQUIRE(a.outcome.flags.size() == 2);
  CHECK(a.outcome.flags[0].text == "Fravær på 25 %");
  CHECK(a.outcome.review_required);
  double sum = a.baseline;
  for (const auto& c : a.contributions) sum += c.log_odds;
  CHECK(std::abs(sum - a.log_odds) < 1e-9);
  CHECK(*a.probability == doctest::Approx(w.model.calibration.apply((a.log_odds - w.model.calibration.b) / w.model.calibration.a)).epsilon(1e-12));
  if (a.model_level == 0) CHECK(a.disagreement == "rules_above_model");

  // Completeness 100 % of the features: without absence there is no score and no level.
  assessor.assess(row(std::nullopt, true, 0), a);
  CHECK(a.outcome.insufficient_data);
  CHECK_FALSE(a.probability);
  CHECK(a.contributions.empty());
}

TEST_CASE("assess: JSON lines follow docs/assessment.schema.json and are deterministic") {
  World w;
  const engine::Assessor assessor(*w.rules.program, 0, &w.model);
  engine::Provenance prov{engine::rules_sha256(*w.rules.program), w.model_sha, std::string(64, 'a'), "0.1.0"};
  const engine::AssessmentWriter writer(assessor, prov, 3);
  std::ifstream in(fs::path(SKON_SOURCE_DIR) / "docs/assessment.schema.json");
  const test::SchemaChecker schema(nlohmann::json::parse(in));
  std::string all, again;
  for (const auto& r : {row(25, false, 1), row(2, true, 0), row(std::nullopt, true, 0), row(12, std::nullopt, std::nullopt)}) {
    engine::Assessment a;
    a.id = models::hmac_sha256_hex("a key of sixteen bytes", "0101012222");
    assessor.assess(r, a);
    std::string line;
    writer.jsonl(a, line);
    CHECK(line.back() == '\n');
    const auto j = nlohmann::json::parse(line);
    INFO(line);
    CHECK(schema.check(j) == "");
    CHECK(line.find("0101012222") == std::string::npos);  // the raw id never appears
    all += line;
    engine::Assessment b;
    b.id = a.id;
    assessor.assess(r, b);
    writer.jsonl(b, again);
  }
  CHECK(all == again);
}

TEST_CASE("constraints: model purpose, features, pin, gates, directions, effective dates") {
  World w;
  dsl::DiagnosticBag bag;
  const std::int32_t day = *dsl::parse_iso_date("2026-11-26");
  CHECK(engine::enforce_constraints(*w.rules.program, 0, &w.model, w.model_sha, day, bag));
  CHECK(bag.error_count() == 0);

  // A purpose with gates the model cannot meet, a pin of another file and a direction it breaks.
  std::string text = test::kPrelude;
  text.insert(text.find("  roles"),
              "  model \"m.json\" sha256 \"" + std::string(64, '0') + "\"\n  gate auc >= 0.99\n"
              "  gate group_gap on sex <= 0.1\n  direction absence_pct lowers\n"
              "  effective from 2027-01-01\n");
  auto strict = test::load(text);
  REQUIRE_FALSE(strict.bag.has_errors());
  dsl::DiagnosticBag found;
  CHECK_FALSE(engine::enforce_constraints(*strict.program, 0, &w.model, w.model_sha, day, found));
  std::set<std::string> codes;
  for (const auto& d : found.items()) codes.insert(std::string(dsl::info(d.code).id));
  CHECK(codes == std::set<std::string>{"E0306", "E0309", "E0310", "E0311"});

  models::LogisticModel other = w.model;
  other.purpose = "another";
  dsl::DiagnosticBag mismatch;
  CHECK_FALSE(engine::enforce_constraints(*w.rules.program, 0, &other, w.model_sha, day, mismatch));
  CHECK(mismatch.items().at(0).code == dsl::DiagCode::E0308);
  dsl::DiagnosticBag no_model;
  CHECK_FALSE(engine::enforce_constraints(*w.rules.program, 0, nullptr, "", day, no_model));
}
