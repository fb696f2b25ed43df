#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "skon/models/logistic.hpp"
#include "skon/models/metrics.hpp"
#include "skon/models/preprocess.hpp"
#include "skon/models/record_source.hpp"

using namespace skon::models;
using namespace skon::base;
namespace fs = std::filesystem;

// Agreement with scikit-learn and statsmodels on real data no one here made. The reference is
// produced by tests/reference/make_reference.py and committed.
namespace {

struct Reference {
  nlohmann::json ref;
  Eigen::MatrixXd Z;
  Eigen::VectorXd y;
};

const Reference& reference() {
  static const Reference r = [] {
    Reference out;
    const fs::path dir = SKON_TEST_DATA_DIR;
    std::ifstream in(dir / "reference/uci697_reference.json");
    out.ref = nlohmann::json::parse(in);
    std::vector<ColumnSpec> cols;
    for (const auto& name : out.ref["features"])
      cols.push_back({name.get<std::string>(), ColumnType::Number, {}, {}, {}, "", ""});
    cols.push_back(
        {"Target", ColumnType::Category, {}, {}, {"Dropout", "Enrolled", "Graduate"}, "", ""});
    CohortReader reader((dir / "data/uci697_dropout_academic_success.csv").string(), cols, {});
    std::vector<std::vector<double>> raw(cols.size() - 1);
    std::vector<double> y;
    Row row;
    while (reader.next(row)) {
      for (std::size_t c = 0; c + 1 < cols.size(); ++c) raw[c].push_back(row.values[c]);
      y.push_back(row.values.back() == 0 ? 1.0 : 0.0);
    }
    cols.pop_back();
    const Preprocessor pre = Preprocessor::fit(cols, raw);
    out.Z = pre.transform_columns(raw);
    out.y = Eigen::Map<Eigen::VectorXd>(y.data(), static_cast<Eigen::Index>(y.size()));
    return out;
  }();
  return r;
}

void check_close(const Eigen::VectorXd& got, const nlohmann::json& want, double rel,
                 double abs_floor) {
  REQUIRE(static_cast<std::size_t>(got.size()) == want.size());
  for (Eigen::Index j = 0; j < got.size(); ++j) {
    const double w = want[static_cast<std::size_t>(j)].get<double>();
    INFO("index " << j << ": got " << got[j] << ", want " << w);
    CHECK(std::abs(got[j] - w) <= rel * std::abs(w) + abs_floor);
  }
}

}  // namespace

TEST_CASE("sklearn: L2 logistic regression, C=1, standardized features (newton-cholesky)") {
  const auto& r = reference();
  REQUIRE(r.Z.rows() == 4424);
  REQUIRE(r.Z.cols() == 36);
  LogisticOptions opt;
  opt.penalty = Penalty::L2;
  opt.C = 1.0;
  const LogisticFit fit = fit_logistic(r.Z, r.y, opt);
  CHECK(fit.converged);
  const auto& want = r.ref["l2_C1"];
  check_close(fit.coef, want["coef"], 1e-6, 1e-9);
  CHECK(std::abs(fit.intercept - want["intercept"].get<double>()) <=
        1e-6 * std::abs(want["intercept"].get<double>()));

  std::vector<double> p(static_cast<std::size_t>(r.Z.rows()));
  const Eigen::VectorXd eta = r.Z * fit.coef;
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = sigmoid(eta[static_cast<Eigen::Index>(i)] + fit.intercept);
  for (std::size_t i = 0; i < 20; ++i)
    CHECK(std::abs(p[i] - want["proba_first_20"][i].get<double>()) < 1e-8);
  const std::vector<double> y(r.y.data(), r.y.data() + r.y.size());
  CHECK(std::abs(roc_auc(y, p).auc - want["auc"].get<double>()) < 1e-9);
  CHECK(std::abs(brier_score(y, p) - want["brier"].get<double>()) < 1e-9);
  CHECK(std::abs(log_loss(y, p) - want["log_loss"].get<double>()) < 1e-8);
  CHECK(std::abs(average_precision(y, p) - want["average_precision"].get<double>()) < 1e-9);
}

TEST_CASE("sklearn: class_weight=balanced, C=0.5") {
  const auto& r = reference();
  LogisticOptions opt;
  opt.C = 0.5;
  opt.balanced = true;
  const LogisticFit fit = fit_logistic(r.Z, r.y, opt);
  const auto& want = r.ref["l2_C0.5_balanced"];
  check_close(fit.coef, want["coef"], 1e-6, 1e-9);
  CHECK(std::abs(fit.intercept - want["intercept"].get<double>()) <=
        1e-6 * std::abs(want["intercept"].get<double>()));
}

TEST_CASE("statsmodels: unpenalized fit, coefficients and standard errors") {
  const auto& r = reference();
  LogisticOptions opt;
  opt.penalty = Penalty::None;
  const LogisticFit fit = fit_logistic(r.Z, r.y, opt);
  const auto& want = r.ref["statsmodels_logit"];
  check_close(fit.coef, want["coef"], 1e-6, 1e-9);
  REQUIRE(fit.std_error.size() == 37);
  check_close(fit.std_error.head(36), want["coef_se"], 1e-6, 1e-12);
  CHECK(std::abs(fit.std_error[36] - want["intercept_se"].get<double>()) <
        1e-6 * want["intercept_se"].get<double>());
}

TEST_CASE("sklearn: metrics on fixed score vectors with ties") {
  const auto& m = reference().ref["metrics_fixed"];
  const auto y = m["labels"].get<std::vector<double>>();
  const auto s = m["scores"].get<std::vector<double>>();
  CHECK(std::abs(roc_auc(y, s).auc - m["auc"].get<double>()) < 1e-12);
  // DeLong's standard error against its direct definition (computed by the reference script).
  CHECK(std::abs(roc_auc(y, s).se - m["delong_se"].get<double>()) < 1e-12);
  CHECK(std::abs(average_precision(y, s) - m["average_precision"].get<double>()) < 1e-12);
  CHECK(std::abs(brier_score(y, s) - m["brier"].get<double>()) < 1e-12);
  CHECK(std::abs(log_loss(y, s) - m["log_loss"].get<double>()) < 1e-12);
}
