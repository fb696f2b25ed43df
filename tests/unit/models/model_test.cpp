#include "skon/models/model.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "skon/models/calibration.hpp"
#include "skon/models/record_source.hpp"
#include "skon/models/train.hpp"
#include "support/temp_path.hpp"

using namespace skon::models;
using namespace skon::base;
namespace fs = std::filesystem;

namespace {

// A synthetic cohort with a known structure: absence raises risk, grades lower it, one category.
struct Synthetic {
  std::vector<ColumnSpec> cols = {
      {"absence_pct", ColumnType::Number, 0.0, 100.0, {}, "absence", "Fravær"},
      {"grade_avg", ColumnType::Number, -3.0, 12.0, {}, "exams", "Karakter"},
      {"track", ColumnType::Category, {}, {}, {"stx", "hhx", "eux"}, "school", "Spor"},
      {"exams_taken", ColumnType::Bool, {}, {}, {}, "exams", "Prøver"}};
  std::string path;

  explicit Synthetic(std::size_t n, bool with_years, std::uint64_t seed = 7) {
    path = skon::test::temp_path("synth_" + std::to_string(n) + (with_years ? "y" : "") + ".csv")
               .string();
    std::ofstream out(path);
    out << "absence_pct,grade_avg,track,exams_taken,outcome" << (with_years ? ",cohort_year" : "")
        << "\n";
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    const char* tracks[] = {"stx", "hhx", "eux"};
    for (std::size_t i = 0; i < n; ++i) {
      const double absence = std::min(100.0, std::floor(-std::log(1 - u(rng)) * 8));
      const double grade = std::round((2 + 10 * u(rng)) * 10) / 10;
      const int track = static_cast<int>(u(rng) * 3);
      const bool exams = u(rng) > 0.1;
      const double eta =
          -2 + 0.08 * absence - 0.25 * (grade - 7) + (track == 2 ? 0.5 : 0) + (exams ? 0 : 1.2);
      const bool y = u(rng) < 1 / (1 + std::exp(-eta));
      out << (u(rng) < 0.05 ? std::string() : std::to_string(absence)) << "," << grade << ","
          << tracks[track] << "," << (exams ? "1" : "0") << "," << (y ? 1 : 0);
      if (with_years) out << "," << 2019 + static_cast<int>(i % 5);
      out << "\n";
    }
  }
  ~Synthetic() { fs::remove(path); }

  TrainSpec spec() const {
    TrainSpec s;
    s.purpose = "early_warning";
    s.data_path = path;
    s.features = cols;
    s.directions = {1, -1, 0, 0};
    s.target = "outcome";
    s.created = "2026-11-26T00:00:00Z";
    s.tool_version = "test";
    return s;
  }
};

}  // namespace

TEST_CASE("model: temporal training, explanations that add up, file round trip") {
  Synthetic data(20000, true);
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  spec.groups = {data.cols[2]};
  const TrainReport report = train_model(spec);
  const LogisticModel& m = report.model;
  CHECK(m.metrics.validation.rfind(
            "temporal: trained on 2019–2021, calibrated on 2022, tested on 2023", 0) == 0);
  CHECK(m.metrics.auc > 0.7);
  CHECK(m.metrics.auc_ci_low < m.metrics.auc);
  CHECK(m.metrics.auc_ci_high > m.metrics.auc);
  CHECK(m.training.year_min == 2019);
  CHECK(m.training.converged);
  CHECK(m.calibration.method == Calibration::Method::Platt);
  REQUIRE(m.metrics.groups.size() == 1);
  CHECK(m.metrics.groups[0].groups.size() == 3);
  // Missing absence in the data: a missing-indicator column exists.
  CHECK(m.preprocessor.column_names() ==
        std::vector<std::string>{"absence_pct", "absence_pct:missing", "grade_avg", "track=hhx",
                                 "track=eux", "exams_taken"});
  CHECK(m.direction_violations().empty());

  // Contributions plus baseline equal the log-odds the probability comes from, to 1e-9.
  std::mt19937_64 rng(1);
  std::vector<double> design(m.preprocessor.width());
  for (int i = 0; i < 500; ++i) {
    const double raw[4] = {i % 7 == 0 ? kMissing : static_cast<double>(rng() % 60),
                           static_cast<double>(rng() % 13) - 1, static_cast<double>(rng() % 3),
                           static_cast<double>(rng() % 2)};
    const Explanation e = m.explain(raw);
    double sum = e.baseline;
    for (double c : e.contributions) sum += c;
    const double calibrated_logit =
        m.calibration.a * m.log_odds(raw, design.data()) + m.calibration.b;
    CHECK(std::abs(sum - calibrated_logit) < 1e-9);
    CHECK(std::abs(e.log_odds - calibrated_logit) < 1e-9);
    CHECK(e.probability == doctest::Approx(m.probability(raw, design.data())).epsilon(1e-15));
    CHECK(std::abs(e.contributions[e.order[0]]) >= std::abs(e.contributions[e.order[1]]));
  }

  // Keeping only the top contributions gives the head of the full order.
  {
    const double raw[4] = {30, 3, 2, 0};
    Explanation all, top2;
    std::vector<double> scratch;
    m.explain_into(raw, all, scratch);
    m.explain_into(raw, top2, scratch, 2);
    REQUIRE(top2.order.size() == 2);
    CHECK(top2.order[0] == all.order[0]);
    CHECK(top2.order[1] == all.order[1]);
    CHECK(top2.log_odds == all.log_odds);
  }

  // save -> load -> save is byte-identical; the loaded model scores identically.
  const std::string path = skon::test::temp_path("model_roundtrip.json").string();
  save_model(m, path);
  std::string sha;
  const LogisticModel loaded = load_model(path, &sha);
  CHECK(sha.size() == 64);
  CHECK(to_json_text(loaded) == to_json_text(m));
  const double raw[4] = {12, 6.5, 1, 1};
  std::vector<double> d2(loaded.preprocessor.width());
  CHECK(loaded.probability(raw, d2.data()) == m.probability(raw, design.data()));
  fs::remove(path);

  // The scorecard covers every feature, with a bin for a missing value.
  REQUIRE(m.scorecard.features.size() == 4);
  CHECK(m.scorecard.features[0].bins.back().missing);
  CHECK(m.scorecard.features[2].bins.size() == 4);  // stx, hhx, eux, ukendt
  CHECK(m.scorecard.table.size() > 3);
  CHECK(model_card(m).find("## Groups by track") != std::string::npos);
}

TEST_CASE("model: k-fold when there is no year, and sign constraints hold") {
  Synthetic data(5000, false);
  TrainSpec spec = data.spec();
  spec.directions = {-1, 1, 0, 0};  // deliberately against the data: both must end at zero
  const TrainReport report = train_model(spec);
  const LogisticModel& m = report.model;
  CHECK(m.metrics.validation.rfind("5-fold", 0) == 0);
  CHECK(m.coefficients[0].value <= 0);
  CHECK(m.coefficients[0].value == 0);
  CHECK(m.coefficients[2].value == 0);
  CHECK(m.direction_violations().empty());
}

TEST_CASE("model file: loading rejects what it cannot trust") {
  Synthetic data(3000, false);
  const LogisticModel m = train_model(data.spec()).model;
  const std::string good = to_json_text(m);
  const auto broken = [&](auto edit) {
    auto j = nlohmann::ordered_json::parse(good);
    edit(j);
    return j.dump();
  };
  CHECK_THROWS_WITH_AS(
      model_from_json_text(broken([](auto& j) { j["format_version"] = "2.0"; }), "m.json"),
      doctest::Contains("version 2.0 is not supported"), InputError);
  CHECK_THROWS_WITH_AS(
      model_from_json_text(broken([](auto& j) { j["coefficients"].erase(0); }), "m.json"),
      doctest::Contains("design columns"), InputError);
  CHECK_THROWS_WITH_AS(
      model_from_json_text(broken([](auto& j) { j["intercept"] = "x"; }), "m.json"),
      doctest::Contains("intercept: expected a number"), InputError);
  CHECK_THROWS_WITH_AS(
      model_from_json_text(broken([](auto& j) { j["coefficients"][0]["value"] = -5.0; }), "m.json"),
      doctest::Contains("direction constraint violated"), InputError);
  CHECK_THROWS_WITH_AS(model_from_json_text(broken([](auto& j) { j.erase("training"); }), "m.json"),
                       doctest::Contains("missing key 'training'"), InputError);
  CHECK_THROWS_AS(model_from_json_text(good.substr(0, good.size() / 2), "m.json"), InputError);
  // A scorecard's bins in a layout its points could not be read from (feature 0 is a number).
  CHECK_THROWS_WITH_AS(model_from_json_text(broken([](auto& j) {
                                              auto& bins = j["scorecard"]["features"][0]["bins"];
                                              std::swap(bins[0], bins[1]);
                                            }),
                                            "m.json"),
                       doctest::Contains("ranges that do not ascend"), InputError);
  CHECK_THROWS_WITH_AS(model_from_json_text(broken([](auto& j) {
                                              auto& bins = j["scorecard"]["features"][0]["bins"];
                                              std::swap(bins[0], bins[bins.size() - 1]);
                                            }),
                                            "m.json"),
                       doctest::Contains("a missing bin that is not last"), InputError);
  // NaN cannot even be written as JSON; a huge number overflowing to infinity is refused.
  std::string inf = good;
  inf.replace(inf.find("\"intercept\": ") + 13, 1, "1e999,\"x\":");
  CHECK_THROWS_AS(model_from_json_text(inf, "m.json"), InputError);
}

TEST_CASE("model file: what a model says about itself is checked, not trusted") {
  Synthetic data(3000, false);
  const LogisticModel m = train_model(data.spec()).model;
  const std::string good = to_json_text(m);
  const auto broken = [&](auto edit) {
    auto j = nlohmann::ordered_json::parse(good);
    edit(j);
    return j.dump();
  };
  // An AUC of 7.5 would pass any gate.
  CHECK_THROWS_WITH_AS(
      model_from_json_text(broken([](auto& j) { j["metrics"]["auc"] = 7.5; }), "m.json"),
      doctest::Contains("metrics.auc"), InputError);
  CHECK_THROWS_AS(
      model_from_json_text(broken([](auto& j) { j["metrics"]["brier"] = -0.1; }), "m.json"),
      InputError);
  // A negative calibration slope reverses every direction while the raw coefficients pass.
  CHECK_THROWS_WITH_AS(model_from_json_text(broken([](auto& j) {
                                              j["calibration"]["method"] = "platt";
                                              j["calibration"]["a"] = -1.0;
                                              j["calibration"]["b"] = 0.0;
                                            }),
                                            "m.json"),
                       doctest::Contains("calibration.a"), InputError);
  // Numbers no fitted model has.
  CHECK_THROWS_WITH_AS(
      model_from_json_text(broken([](auto& j) { j["coefficients"][0]["value"] = 1e300; }),
                           "m.json"),
      doctest::Contains("implausibly large"), InputError);
  CHECK_THROWS_WITH_AS(model_from_json_text(broken([](auto& j) {
                                              for (auto& f : j["features"]) {
                                                if (f["transform"].contains("sd"))
                                                  f["transform"]["sd"] = 1e-300;
                                              }
                                            }),
                                            "m.json"),
                       doctest::Contains("sd"), InputError);
  // A model file far larger than any model is refused before it is parsed.
  const auto big = skon::test::temp_path("big.model.json");
  {
    std::ofstream out(big);
    out << good.substr(0, good.size() - 2);
    out << std::string(65u << 20, ' ') << "}\n";
  }
  CHECK_THROWS_WITH_AS(load_model(big.string()), doctest::Contains("at most 64 MiB"), InputError);
}

TEST_CASE("calibration: isotonic agrees with scikit-learn, Platt is monotone") {
  std::ifstream in(fs::path(SKON_TEST_DATA_DIR) / "reference/uci697_reference.json");
  const auto ref = nlohmann::json::parse(in);
  const auto y = ref["metrics_fixed"]["labels"].get<std::vector<double>>();
  const auto s = ref["metrics_fixed"]["scores"].get<std::vector<double>>();
  const Calibration iso = fit_isotonic(s, y);
  const auto probe = ref["isotonic_fixed"]["probe"].get<std::vector<double>>();
  const auto want = ref["isotonic_fixed"]["calibrated"].get<std::vector<double>>();
  for (std::size_t i = 0; i < probe.size(); ++i) {
    const double p = std::clamp(probe[i], 1e-12, 1 - 1e-12);
    INFO(probe[i]);
    CHECK(iso.apply(std::log(p / (1 - p))) == doctest::Approx(want[i]).epsilon(1e-9));
  }
  std::vector<double> logits;
  for (double v : s) {
    const double c = std::clamp(v, 1e-6, 1 - 1e-6);  // the fixed scores include 0 and 1
    logits.push_back(std::log(c / (1 - c)));
  }
  const Calibration platt = fit_platt(logits, y);
  CHECK(platt.a > 0);
  CHECK(platt.apply(0.5) > platt.apply(-0.5));
}

TEST_CASE("logistic: L1 and elastic net reach their optimality conditions") {
  Synthetic data(4000, false);
  std::vector<std::vector<double>> raw(4);
  std::vector<double> y;
  {
    CohortReader reader(data.path,
                        [&] {
                          auto c = data.cols;
                          c.push_back({"outcome", ColumnType::Number, {}, {}, {}, "", ""});
                          return c;
                        }(),
                        {});
    Row row;
    while (reader.next(row)) {
      for (int f = 0; f < 4; ++f)
        raw[static_cast<std::size_t>(f)].push_back(row.values[static_cast<std::size_t>(f)]);
      y.push_back(row.values[4]);
    }
  }
  const Preprocessor pre = Preprocessor::fit(data.cols, raw);
  const Eigen::MatrixXd X = pre.transform_columns(raw);
  const Eigen::VectorXd Y =
      Eigen::Map<Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size()));
  for (const auto penalty : {Penalty::L1, Penalty::ElasticNet}) {
    LogisticOptions opt;
    opt.penalty = penalty;
    opt.C = 0.002;
    opt.l1_ratio = 0.7;
    const LogisticFit fit = fit_logistic(X, Y, opt);
    CHECK(fit.converged);
    const double l1 = penalty == Penalty::L1 ? 1 : 0.7, l2 = penalty == Penalty::L1 ? 0 : 0.3;
    // Gradient of the smooth part.
    const Eigen::VectorXd eta = (X * fit.coef).array() + fit.intercept;
    Eigen::VectorXd r(eta.size());
    for (Eigen::Index i = 0; i < eta.size(); ++i) r[i] = sigmoid(eta[i]) - Y[i];
    const Eigen::VectorXd g = opt.C * (X.transpose() * r) + l2 * fit.coef;
    int zeros = 0;
    for (Eigen::Index j = 0; j < g.size(); ++j) {
      if (fit.coef[j] == 0) {
        ++zeros;
        CHECK(std::abs(g[j]) <= l1 + 1e-6);  // subgradient contains 0
      } else {
        CHECK(g[j] + l1 * (fit.coef[j] > 0 ? 1 : -1) == doctest::Approx(0).epsilon(1e-6).scale(1));
      }
    }
    CHECK(std::abs(opt.C * r.sum()) < 1e-6);        // intercept stationary
    if (penalty == Penalty::L1) CHECK(zeros >= 1);  // strong penalty: some coefficients vanish
  }
}

// docs/model-file.schema.json and the writer must not drift apart: every key the schema requires
// is present in a written model (no JSON-Schema validator is among the dependencies, so this
// walks the schema's `required` lists, `properties` and array `items`).
namespace {
void check_required(const nlohmann::json& schema, const nlohmann::json& value,
                    const std::string& path) {
  if (schema.contains("required")) {
    for (const auto& key : schema["required"]) {
      INFO(path);
      CHECK_MESSAGE(value.contains(key.get<std::string>()), "missing " << path << "." << key);
    }
  }
  if (schema.contains("properties") && value.is_object()) {
    for (const auto& [key, sub] : schema["properties"].items()) {
      if (value.contains(key)) check_required(sub, value[key], path + "." + key);
    }
  }
  if (schema.contains("items") && value.is_array()) {
    for (const auto& item : value) check_required(schema["items"], item, path + "[]");
  }
}
}  // namespace

TEST_CASE("model file: a written model has every key docs/model-file.schema.json requires") {
  Synthetic data(3000, true);
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  spec.groups = {data.cols[2]};
  spec.options.penalty = Penalty::None;
  const auto model = nlohmann::json::parse(to_json_text(train_model(spec).model));
  std::ifstream in(fs::path(SKON_SOURCE_DIR) / "docs/model-file.schema.json");
  const auto schema = nlohmann::json::parse(in);
  check_required(schema, model, "");
  CHECK(model["coefficients"][0].contains("p_value"));
}

TEST_CASE("model: the scorecard reproduces the model within its stated agreement") {
  Synthetic data(20000, true);
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  const LogisticModel m = train_model(spec).model;
  const ScorecardAgreement& a = m.scorecard.agreement;
  CHECK(a.rows == m.training.rows);
  CHECK(a.within >= 0.99);
  CHECK(a.mean_abs < 0.01);
  CHECK(a.top_overlap > 0.9);
  // Across the range, the extremes included (the open-ended top bin used to flatten the strongest
  // predictor), the points give nearly the model's probability.
  std::vector<double> design(m.preprocessor.width());
  double worst = 0;
  // (Within the training rows' range: beyond it the end bins hold, where the model extrapolates.)
  for (double absence : {0.0, 5.0, 20.0, 45.0, 60.0}) {
    for (double grade : {2.0, 4.5, 7.0, 12.0}) {
      const double raw[4] = {absence, grade, 2, 0};
      const double model_p = m.probability(raw, design.data());
      const double card_p = m.scorecard.probability(m.scorecard.points(raw), m.calibration);
      worst = std::max(worst, std::abs(model_p - card_p));
    }
  }
  CHECK(worst < 0.03);
  const double missing[4] = {kMissing, 7, 0, 1};  // a missing value: the model's imputation
  CHECK(std::abs(m.probability(missing, design.data()) -
                 m.scorecard.probability(m.scorecard.points(missing), m.calibration)) < 0.03);
  const std::string card = model_card(m);
  CHECK(card.find("## Scorecard — an approximation of the model") != std::string::npos);
  CHECK(card.find("It is not the model") != std::string::npos);
}

TEST_CASE("model: the scorecard's stated agreement is a count over every training row") {
  // Large enough that candidate scorecards are tried on a sample first.
  Synthetic data(150000, true);
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  spec.calibration = Calibration::Method::None;  // every row but the test year's trains
  const LogisticModel m = train_model(spec).model;
  const ScorecardAgreement& a = m.scorecard.agreement;
  REQUIRE(a.rows == m.training.rows);
  CHECK(a.rows > 100000);
  std::vector<ColumnSpec> cols = data.cols;
  cols.push_back({"cohort_year", ColumnType::Number, {}, {}, {}, "", ""});
  CohortReader reader(data.path, cols, {});
  Row row;
  std::vector<double> design(m.preprocessor.width());
  std::size_t rows = 0, within = 0;
  double worst = 0;
  while (reader.next(row)) {
    if (row.values[4] == 2023) continue;  // the test year
    const double d =
        std::abs(m.probability(row.values.data(), design.data()) -
                 m.scorecard.probability(m.scorecard.points(row.values.data()), m.calibration));
    ++rows;
    within += d <= a.tolerance ? 1 : 0;
    worst = std::max(worst, d);
  }
  CHECK(rows == a.rows);
  CHECK(static_cast<double>(within) / static_cast<double>(rows) == doctest::Approx(a.within));
  CHECK(worst == doctest::Approx(a.max_abs));
}

TEST_CASE(
    "model: the card says what the model was fitted on, in units, and claims no calibration "
    "it lacks") {
  Synthetic data(20000, true);
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  {
    const LogisticModel m = train_model(spec).model;
    CHECK(m.training.year_min == 2019);
    CHECK(m.training.year_max == 2021);  // the training rows' years, not the file's (to 2023)
    CHECK(model_card(m).find("| years of the training rows | 2019–2021 |") != std::string::npos);
  }
  spec.calibration = Calibration::Method::None;
  spec.options.penalty = Penalty::None;  // an unpenalized fit has Wald statistics
  const LogisticModel m = train_model(spec).model;
  // Without calibration the year it would have used trains the model.
  CHECK(m.metrics.validation.rfind("temporal: trained on 2019–2022, not calibrated, tested on 2023",
                                   0) == 0);
  CHECK(m.training.year_max == 2022);
  const std::string card = model_card(m);
  CHECK(card.find("Method: none — the probabilities are the fitted model's own") !=
        std::string::npos);
  CHECK(card.find("not trained on") == std::string::npos);
  // Units beside each coefficient, and the intercept in both tables.
  CHECK(card.find("| absence_pct | ") != std::string::npos);
  CHECK(card.find(" | 1 SD (") != std::string::npos);
  const auto& track = m.preprocessor.features()[2];  // its reference: the most frequent value
  CHECK(card.find("| track=") != std::string::npos);
  CHECK(card.find("1 = this value, vs " +
                  track.levels[static_cast<std::size_t>(track.reference)]) != std::string::npos);
  CHECK(card.find("| absence_pct:missing | ") != std::string::npos);
  CHECK(card.find("missing (0/1)") != std::string::npos);
  REQUIRE(m.intercept_std_error);
  const auto wald = card.find("### Coefficients of the unpenalized fit");
  REQUIRE(wald != std::string::npos);
  CHECK(card.find("| intercept | ", wald) != std::string::npos);
}

TEST_CASE("model: a training window of the analyst's choosing, and refitting for production") {
  Synthetic data(20000, true);  // years 2019..2023
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  spec.train_years = std::pair{2019, 2020};
  spec.calibrate_years = std::pair{2021, 2021};
  spec.test_years = std::pair{2022, 2023};
  const LogisticModel windowed = train_model(spec).model;
  CHECK(windowed.metrics.validation ==
        "temporal: trained on 2019–2020, calibrated on 2021, tested on 2022–2023");
  CHECK(windowed.training.year_max == 2020);
  CHECK(windowed.metrics.rows == 8000);  // two test years of 4,000
  // Refit for production: the same validation, then the model fitted on training and test years.
  spec.refit_all = true;
  const LogisticModel refit = train_model(spec).model;
  CHECK(refit.metrics.auc == windowed.metrics.auc);  // measured before the test years were seen
  CHECK(refit.training.refit_all);
  CHECK(refit.training.year_max == 2023);
  CHECK(refit.training.rows == 16000);
  CHECK(refit.metrics.validation.ends_with("; then refitted on 2019–2023 for production"));
  CHECK(model_card(refit).find("| refitted for production | yes") != std::string::npos);
  // Overlapping windows are a usage error.
  spec.test_years = std::pair{2020, 2023};
  CHECK_THROWS_AS(train_model(spec), skon::base::UsageError);
}

TEST_CASE("model: --C auto chooses C inside the training years, never looking at the test year") {
  Synthetic data(20000, true);  // years 2019..2023: trained on 2019-2021, tested on 2023
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  spec.auto_C = true;
  const TrainReport report = train_model(spec);
  REQUIRE(report.c_path.size() == 11);
  CHECK(report.c_path.front().C == 0.001);
  const auto best = std::min_element(
      report.c_path.begin(), report.c_path.end(),
      [](const CPathPoint& a, const CPathPoint& b) { return a.log_loss < b.log_loss; });
  CHECK(report.model.training.C == best->C);
  CHECK(report.model.training.C_selection.find("forward-chaining over the training years "
                                               "2019–2021") != std::string::npos);
  // The same rows with the test year's outcomes turned around choose along the same path.
  const std::string flipped = skon::test::temp_path("synth_flipped.csv").string();
  {
    std::ifstream in(data.path);
    std::ofstream out(flipped);
    std::string line;
    std::getline(in, line);
    out << line << "\n";
    while (std::getline(in, line)) {
      if (line.ends_with(",2023")) {
        const auto comma = line.rfind(',', line.size() - 6);
        line[comma + 1] = line[comma + 1] == '1' ? '0' : '1';
      }
      out << line << "\n";
    }
  }
  spec.data_path = flipped;
  const TrainReport other = train_model(spec);
  REQUIRE(other.c_path.size() == report.c_path.size());
  for (std::size_t i = 0; i < other.c_path.size(); ++i) {
    CHECK(other.c_path[i].log_loss == report.c_path[i].log_loss);
  }
  CHECK(other.model.metrics.auc < report.model.metrics.auc);  // the test year did change
  fs::remove(flipped);
}

TEST_CASE("model: preprocessing as the analyst chooses it, recorded in the model file") {
  Synthetic data(20000, true);
  TrainSpec spec = data.spec();
  spec.year = "cohort_year";
  spec.preprocess.impute = PreprocessOptions::Impute::Median;
  spec.preprocess.scale = false;
  spec.preprocess.reference_for["track"] = "eux";
  const LogisticModel m = train_model(spec).model;
  const FeatureTransform& absence = m.preprocessor.features()[0];
  CHECK_FALSE(absence.scaled);
  REQUIRE(absence.impute);
  CHECK(*absence.impute == std::floor(*absence.impute));  // the median of whole percentages
  const FeatureTransform& track = m.preprocessor.features()[2];
  CHECK(track.levels[static_cast<std::size_t>(track.reference)] == "eux");
  // A missing absence is scored as its median, plus the missing indicator's own coefficient.
  std::vector<double> design(m.preprocessor.width());
  const double missing[4] = {kMissing, 7, 0, 1};
  m.preprocessor.transform(missing, design.data());
  CHECK(design[0] == *absence.impute);
  CHECK(design[1] == 1.0);
  const std::string card = model_card(m);
  CHECK(card.find("imputed with the training median") != std::string::npos);
  CHECK(card.find("1 unit (not scaled)") != std::string::npos);
  // The file keeps it: a round trip scores alike.
  const std::string path = skon::test::temp_path("model_preprocess.json").string();
  save_model(m, path);
  const LogisticModel loaded = load_model(path);
  CHECK(to_json_text(loaded) == to_json_text(m));
  CHECK(loaded.probability(missing, design.data()) == m.probability(missing, design.data()));
  fs::remove(path);
  // A constant stand-in, and the first declared value as every category's reference.
  spec.preprocess = {};
  spec.preprocess.impute = PreprocessOptions::Impute::Constant;
  spec.preprocess.constant = 0;
  spec.preprocess.reference = PreprocessOptions::Reference::First;
  const LogisticModel c = train_model(spec).model;
  CHECK(*c.preprocessor.features()[0].impute == 0);
  CHECK(c.preprocessor.features()[2].reference == 0);
}
