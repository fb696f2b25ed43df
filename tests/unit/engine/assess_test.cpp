#include <doctest/doctest.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "skon/base/date.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/assessor.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/json_text.hpp"
#include "skon/core/provenance.hpp"
#include "skon/core/record_formats.hpp"
#include "skon/models/train.hpp"
#include "support/absence_model.hpp"
#include "support/json_schema.hpp"
#include "support/rules.hpp"
#include "support/temp_path.hpp"

using namespace skon;
namespace fs = std::filesystem;

namespace {

// The prelude's purpose with rules, and a model trained for it on synthetic data.
struct World {
  test::Loaded rules;
  models::LogisticModel model;
  std::string model_sha;

  // One feature (absence) or two (absence and exams).
  explicit World(int features = 1) {
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
    model = test::train_absence_model(*rules.program, features);
    model_sha = base::sha256_hex(models::to_json_text(model));
  }
};

std::vector<double> row(std::optional<double> absence, std::optional<bool> exams,
                        std::optional<int> sex) {
  return {absence ? *absence : models::kMissing, exams ? (*exams ? 1.0 : 0.0) : models::kMissing,
          sex ? static_cast<double>(*sex) : models::kMissing};
}

}  // namespace

TEST_CASE("assess: model, rules, trace, review and exact contributions") {
  World w;
  const engine::Assessor assessor(engine::AssessorSetup{
      &*w.rules.program, 0, &w.model, engine::Language::Danish, 20454 /* 2026-01-01 */});
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
  CHECK(*a.probability ==
        doctest::Approx(
            w.model.calibration.apply((a.log_odds - w.model.calibration.b) / w.model.calibration.a))
            .epsilon(1e-12));
  if (a.model_level == 0) CHECK(a.disagreement == "rules_above_model");

  // Completeness 100 % of the features: without absence there is no score and no level.
  assessor.assess(row(std::nullopt, true, 0), a);
  CHECK(a.outcome.insufficient_data);
  CHECK_FALSE(a.probability);
  CHECK(a.contributions.empty());
}

TEST_CASE("assess: JSON lines follow docs/assessment.schema.json and are deterministic") {
  World w;
  const engine::Assessor assessor(engine::AssessorSetup{
      &*w.rules.program, 0, &w.model, engine::Language::Danish, 20454 /* 2026-01-01 */});
  engine::RunManifest run;
  run.run_id = std::string(32, 'a');
  engine::JsonRecordFormatter writer(assessor, run, 3);
  std::ifstream in(fs::path(SKON_SOURCE_DIR) / "docs/assessment.schema.json");
  const test::SchemaChecker schema(nlohmann::json::parse(in));
  std::string all, again;
  for (const auto& r : {row(25, false, 1), row(2, true, 0), row(std::nullopt, true, 0),
                        row(12, std::nullopt, std::nullopt)}) {
    engine::Assessment a;
    a.id = base::hmac_sha256_hex("a key of sixteen bytes", "0101012222");
    assessor.assess(r, a);
    std::string line;
    writer.append(a, line);
    CHECK(line.back() == '\n');
    const auto j = nlohmann::json::parse(line);
    INFO(line);
    CHECK(schema.check(j) == "");
    CHECK(line.find("0101012222") == std::string::npos);  // the raw id never appears
    all += line;
    engine::Assessment b;
    b.id = a.id;
    assessor.assess(r, b);
    writer.append(b, again);
  }
  CHECK(all == again);
}

TEST_CASE("constraints: model purpose, features, pin, gates, directions, effective dates") {
  World w;
  dsl::DiagnosticBag bag;
  const std::int32_t day = *base::parse_iso_date("2026-11-26");
  CHECK(engine::enforce_constraints(*w.rules.program, 0, &w.model, w.model_sha, day, bag));
  CHECK(bag.error_count() == 0);

  // A purpose with gates the model cannot meet, a pin of another file and a direction it breaks.
  std::string text = test::kPrelude;
  text.insert(text.find("  roles"),
              "  model \"m.json\" sha256 \"" + std::string(64, '0') +
                  "\"\n  gate auc >= 0.99\n"
                  "  gate group_gap on sex <= 0.1\n  direction absence_pct lowers\n"
                  "");
  text.replace(text.find("  effective from"),
               std::string("  effective from 2026-01-01 to 2099-12-31").size(),
               "  effective from 2027-01-01");
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

TEST_CASE("assess: the listed contributions and the others add up to the log-odds") {
  World w(2);
  engine::Assessor assessor(engine::AssessorSetup{
      &*w.rules.program, 0, &w.model, engine::Language::Danish, 20454 /* 2026-01-01 */, 1});
  engine::RunManifest run;
  run.run_id = std::string(32, 'a');
  engine::JsonRecordFormatter writer(assessor, run, 1);
  for (const auto& r : {row(25, false, 1), row(2, true, 0), row(0, true, 1)}) {
    engine::Assessment a;
    a.id = "x";
    assessor.assess(r, a);
    REQUIRE(a.contributions.size() == 1);
    CHECK(a.others != 0);
    std::string line;
    writer.append(a, line);
    // In millionths, as written: the manifest's baseline + top + others = log_odds, exactly.
    const auto c = nlohmann::json::parse(line)["contributions"];
    REQUIRE(c["top"].size() == 1);
    const auto micro = [](const nlohmann::json& v) { return std::llround(v.get<double>() * 1e6); };
    CHECK(std::llround(w.model.baseline() * 1e6) + micro(c["top"][0]["log_odds"]) +
              micro(c["others"]) ==
          micro(c["log_odds"]));
    CHECK(c["log_odds"].get<double>() == doctest::Approx(a.log_odds).epsilon(1e-6));
  }
}

TEST_CASE("assess: rule files are named relative to the rule set, wherever it lies") {
  World w;
  const auto names = engine::rule_file_names(*w.rules.program);
  REQUIRE(names.size() == 1);
  CHECK(names[0].find('/') == std::string::npos);
  CHECK(names[0] == fs::path(w.rules.program->sources.file(0).name()).filename().string());
}

TEST_CASE(
    "assess: JSON strings escape quotes, backslashes and control characters, and nothing else") {
  std::string out;
  engine::detail::append_json_string(out, "plain æøå");
  CHECK(out == "\"plain æøå\"");
  out.clear();
  engine::detail::append_json_string(out, std::string("a\"b\\c\nd\re\tf\x01g\x1f", 14));
  CHECK(out == "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\"");
  CHECK(nlohmann::json::parse(out).get<std::string>() ==
        std::string("a\"b\\c\nd\re\tf\x01g\x1f", 14));
  out.clear();
  engine::detail::append_json_string(out, "");
  CHECK(out == "\"\"");
}

TEST_CASE("assess and evaluate compute a person's probability along one path, to the last bit") {
  World w(2);
  const engine::Assessor assessor(engine::AssessorSetup{
      &*w.rules.program, 0, &w.model, engine::Language::Danish, 20454 /* 2026-01-01 */});
  models::LogisticModel::Scratch scratch;
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> u(0, 1);
  std::size_t compared = 0;
  for (int i = 0; i < 2000; ++i) {
    const double absence = std::round(u(rng) * 400) / 10;
    const bool exams = u(rng) < 0.8;
    engine::Assessment a;
    assessor.assess(row(absence, exams, 1), a);
    REQUIRE(a.probability);
    // What `skon evaluate` computes for the same person (models::evaluate_model calls score()).
    const double raw[2] = {absence, exams ? 1.0 : 0.0};
    const double evaluated = w.model.score(raw, scratch).probability;
    CHECK(std::bit_cast<std::uint64_t>(*a.probability) == std::bit_cast<std::uint64_t>(evaluated));
    ++compared;
  }
  CHECK(compared == 2000);
}
