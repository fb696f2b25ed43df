// Model files: the model as JSON text and back, with every check a loaded file must pass.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "skon/base/atomic_file.hpp"
#include "skon/base/sha256.hpp"
#include "skon/models/model.hpp"

namespace skon::models {

using Json = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

Json number_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json group_json(const GroupReport& g) {
  Json j;
  j["field"] = g.field;
  j["gap_flag_rate"] = number_or_null(g.gap_flag_rate);
  j["gap_tpr"] = number_or_null(g.gap_tpr);
  j["gap_fpr"] = number_or_null(g.gap_fpr);
  j["gap_calibration"] = number_or_null(g.gap_calibration);
  j["gap_auc"] = number_or_null(g.gap_auc);
  if (g.resamples > 0) {
    j["bootstrap"] = {{"resamples", g.resamples},
                      {"sd_flag_rate", g.sd_flag_rate},
                      {"sd_tpr", g.sd_tpr},
                      {"sd_fpr", g.sd_fpr},
                      {"sd_calibration", g.sd_calibration},
                      {"sd_largest", g.sd_largest}};
  }
  j["groups"] = Json::array();
  for (const auto& m : g.groups) {
    Json r;
    r["group"] = m.group;
    r["count"] = m.count;
    r["base_rate"] = number_or_null(m.base_rate);
    r["mean_predicted"] = number_or_null(m.mean_predicted);
    r["auc"] = number_or_null(m.auc);
    r["flag_rate"] = number_or_null(m.flag_rate);
    r["tpr"] = number_or_null(m.tpr);
    r["fpr"] = number_or_null(m.fpr);
    j["groups"].push_back(std::move(r));
  }
  return j;
}

// Reading with a path in every error message.
struct Reader {
  const std::string& name;
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw base::InputError(name + ": " + where + ": " + what);
  }
  const Json& at(const Json& j, const std::string& key, const std::string& where) const {
    if (!j.is_object()) fail(where, "expected an object");
    const auto it = j.find(key);
    if (it == j.end()) fail(where, "missing key '" + key + "'");
    return *it;
  }
  double num(const Json& j, const std::string& key, const std::string& where,
             bool allow_null = false) const {
    const Json& v = at(j, key, where);
    if (allow_null && v.is_null()) return std::nan("");
    if (!v.is_number()) fail(where + "." + key, "expected a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(where + "." + key, "is not finite");
    return d;
  }
  // A whole number in lo..hi (a count, an index, points): a double outside the integer's range
  // would be undefined behaviour to convert (found by fuzz_model).
  template <typename Int>
  Int integer(const Json& j, const std::string& key, const std::string& where, double lo = 0,
              double hi = 1e15) const {
    const double d = num(j, key, where);
    if (d != std::floor(d) || d < lo || d > hi ||
        d < static_cast<double>(std::numeric_limits<Int>::lowest()) ||
        d > static_cast<double>(std::numeric_limits<Int>::max())) {
      fail(where + "." + key, "expected a whole number in range");
    }
    return static_cast<Int>(d);
  }
  bool boolean(const Json& j, const std::string& key, const std::string& where) const {
    const Json& v = at(j, key, where);
    if (!v.is_boolean()) fail(where + "." + key, "expected true or false");
    return v.get<bool>();
  }
  std::string str(const Json& j, const std::string& key, const std::string& where) const {
    const Json& v = at(j, key, where);
    if (!v.is_string()) fail(where + "." + key, "expected a string");
    return v.get<std::string>();
  }
  const Json& arr(const Json& j, const std::string& key, const std::string& where) const {
    const Json& v = at(j, key, where);
    if (!v.is_array()) fail(where + "." + key, "expected an array");
    return v;
  }
  std::vector<double> nums(const Json& j, const std::string& key, const std::string& where) const {
    std::vector<double> out;
    const Json& a = arr(j, key, where);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_number())
        fail(where + "." + key + "[" + std::to_string(i) + "]", "expected a number");
      out.push_back(a[i].get<double>());
      if (!std::isfinite(out.back()))
        fail(where + "." + key + "[" + std::to_string(i) + "]", "is not finite");
    }
    return out;
  }
};

ColumnType type_from(const std::string& s, const Reader& r, const std::string& where) {
  if (s == "number") return ColumnType::Number;
  if (s == "bool") return ColumnType::Bool;
  if (s == "category") return ColumnType::Category;
  if (s == "date") return ColumnType::Date;
  r.fail(where, "unknown type '" + s + "'");
}

}  // namespace

std::string to_json_text(const LogisticModel& m) {
  Json j;
  j["format"] = kModelFormat;
  j["format_version"] = std::to_string(kModelFormatMajor) + "." + std::to_string(kModelFormatMinor);
  j["model_type"] = "logistic_regression";
  j["purpose"] = m.purpose;
  j["created"] = m.created;
  j["tool_version"] = m.tool_version;

  Json t;
  t["target"] = m.training.target;
  t["data_sha256"] = m.training.data_sha256;
  t["rows"] = m.training.rows;
  t["positives"] = m.training.positives;
  t["base_rate"] = m.training.base_rate();
  t["year_span"] = m.training.year_min ? Json::array({*m.training.year_min, *m.training.year_max})
                                       : Json(nullptr);
  t["penalty"] = to_string(m.training.penalty);
  t["C"] = m.training.C;
  t["l1_ratio"] = m.training.l1_ratio;
  t["class_weight"] = {{"negative", m.training.weight_negative},
                       {"positive", m.training.weight_positive}};
  t["iterations"] = m.training.iterations;
  t["converged"] = m.training.converged;
  if (m.training.refit_all) t["refit_all"] = true;
  if (!m.training.C_selection.empty()) t["C_selection"] = m.training.C_selection;
  if (!m.training.preprocessing.empty()) t["preprocessing"] = m.training.preprocessing;
  j["training"] = t;

  j["features"] = Json::array();
  for (std::size_t f = 0; f < m.preprocessor.features().size(); ++f) {
    const FeatureTransform& ft = m.preprocessor.features()[f];
    Json fj;
    fj["field"] = ft.column.name;
    fj["source"] = ft.column.source;
    fj["label"] = ft.column.label;
    fj["type"] = to_string(ft.column.type);
    if (ft.column.type == ColumnType::Category) {
      fj["transform"] = {{"kind", "one_hot"},
                         {"levels", ft.levels},
                         {"reference", ft.levels.at(static_cast<std::size_t>(ft.reference))}};
    } else {
      fj["transform"] = ft.scaled
                            ? Json{{"kind", "standardize"}, {"mean", ft.mean}, {"sd", ft.scale}}
                            : Json{{"kind", "identity"}};
      if (ft.impute) fj["transform"]["impute"] = *ft.impute;
      if (ft.column.low) fj["transform"]["low"] = *ft.column.low;
      if (ft.column.high) fj["transform"]["high"] = *ft.column.high;
    }
    fj["missing_indicator"] = ft.missing_indicator;
    const int d = f < m.directions.size() ? m.directions[f] : 0;
    fj["direction"] = d > 0 ? Json("raises") : d < 0 ? Json("lowers") : Json(nullptr);
    j["features"].push_back(std::move(fj));
  }
  j["intercept"] = m.intercept;
  if (m.intercept_std_error) j["intercept_std_error"] = *m.intercept_std_error;
  j["coefficients"] = Json::array();
  for (const auto& c : m.coefficients) {
    Json cj;
    cj["name"] = c.name;
    cj["value"] = c.value;
    cj["reference"] = c.reference;
    if (c.std_error) {
      cj["std_error"] = *c.std_error;
      cj["wald_ci95"] = Json::array({c.ci_low(), c.ci_high()});
      cj["p_value"] = c.p_value();
    }
    j["coefficients"].push_back(std::move(cj));
  }
  Json cal;
  cal["method"] = to_string(m.calibration.method);
  if (m.calibration.method == Calibration::Method::Platt) {
    cal["a"] = m.calibration.a;
    cal["b"] = m.calibration.b;
  } else if (m.calibration.method == Calibration::Method::Isotonic) {
    cal["x"] = m.calibration.x;
    cal["y"] = m.calibration.y;
  }
  j["calibration"] = cal;

  const ModelMetrics& mm = m.metrics;
  Json mj;
  mj["validation"] = mm.validation;
  mj["rows"] = mm.rows;
  mj["auc"] = number_or_null(mm.auc);
  mj["auc_ci95"] = Json::array({number_or_null(mm.auc_ci_low), number_or_null(mm.auc_ci_high)});
  mj["pr_auc"] = number_or_null(mm.pr_auc);
  mj["brier"] = number_or_null(mm.brier);
  mj["log_loss"] = number_or_null(mm.log_loss);
  mj["calibration_error"] = number_or_null(mm.calibration_error);
  mj["capacity"] = {{"share", mm.capacity},
                    {"threshold", number_or_null(mm.capacity_threshold)},
                    {"precision", number_or_null(mm.capacity_precision)},
                    {"recall", number_or_null(mm.capacity_recall)},
                    {"flag_rate", number_or_null(mm.capacity_flag_rate)}};
  mj["reliability"] = Json::array();
  for (const auto& b : mm.reliability) {
    mj["reliability"].push_back({{"low", b.low},
                                 {"high", b.high},
                                 {"count", b.count},
                                 {"mean_predicted", b.mean_predicted},
                                 {"observed_rate", b.observed_rate}});
  }
  mj["groups"] = Json::array();
  for (const auto& g : mm.groups) mj["groups"].push_back(group_json(g));
  j["metrics"] = mj;

  Json sc;
  sc["points_per_log_odds"] = m.scorecard.points_per_log_odds;
  sc["base_points"] = m.scorecard.base_points;
  sc["features"] = Json::array();
  for (const auto& f : m.scorecard.features) {
    Json fj;
    fj["field"] = f.field;
    fj["bins"] = Json::array();
    for (const auto& b : f.bins) {
      Json bj;
      bj["label"] = b.label;
      if (b.low) bj["low"] = *b.low;
      if (b.high) bj["high"] = *b.high;
      if (b.level) bj["level"] = *b.level;
      if (b.missing) bj["missing"] = true;
      bj["points"] = b.points;
      fj["bins"].push_back(std::move(bj));
    }
    sc["features"].push_back(std::move(fj));
  }
  sc["table"] = Json::array();
  for (const auto& [points, p] : m.scorecard.table)
    sc["table"].push_back({{"points", points}, {"probability", p}});
  const ScorecardAgreement& ag = m.scorecard.agreement;
  sc["agreement"] = {{"rows", ag.rows},       {"tolerance", ag.tolerance},
                     {"within", ag.within},   {"mean_abs", ag.mean_abs},
                     {"max_abs", ag.max_abs}, {"top10_overlap", ag.top_overlap}};
  j["scorecard"] = sc;
  if (m.drift) {
    const DriftReference& d = *m.drift;
    Json dj;
    dj["rows"] = d.rows;
    dj["fields"] = Json::array();
    for (const auto& f : d.fields) {
      dj["fields"].push_back(
          {{"field", f.field}, {"edges", f.edges}, {"shares", f.shares}, {"missing", f.missing}});
    }
    dj["score"] = {{"rows", d.score_rows}, {"edges", d.score_edges}, {"shares", d.score_shares}};
    j["drift_reference"] = dj;
  }
  return j.dump(1) + "\n";
}

namespace {

// What a model file says about itself is checked, not trusted: metrics in their ranges (an AUC
// of 7.5 would pass any gate), a calibration that keeps the order of the scores, and numbers a
// fitted model can have.
void validate_numbers(const LogisticModel& m, const Reader& r) {
  const auto in = [&](double v, double lo, double hi, const std::string& where) {
    if (!std::isnan(v) && (v < lo || v > hi)) {
      r.fail(where, "is " + std::to_string(v) + ", outside " + std::to_string(lo) + ".." +
                        std::to_string(hi));
    }
  };
  const ModelMetrics& mm = m.metrics;
  in(mm.auc, 0, 1, "metrics.auc");
  in(mm.auc_ci_low, 0, 1, "metrics.auc_ci95");
  in(mm.auc_ci_high, 0, 1, "metrics.auc_ci95");
  in(mm.pr_auc, 0, 1, "metrics.pr_auc");
  in(mm.brier, 0, 1, "metrics.brier");
  in(mm.log_loss, 0, 1e3, "metrics.log_loss");
  in(mm.calibration_error, 0, 1, "metrics.calibration_error");
  in(mm.capacity, 0, 1, "metrics.capacity.share");
  in(mm.capacity_precision, 0, 1, "metrics.capacity.precision");
  in(mm.capacity_recall, 0, 1, "metrics.capacity.recall");
  in(mm.capacity_flag_rate, 0, 1, "metrics.capacity.flag_rate");
  for (const GroupReport& g : mm.groups) {
    for (double gap : {g.gap_flag_rate, g.gap_tpr, g.gap_fpr, g.gap_auc}) {
      in(gap, 0, 1, "metrics.groups[" + g.field + "]");
    }
    in(g.gap_calibration, -1, 1, "metrics.groups[" + g.field + "].gap_calibration");
  }
  if (m.training.positives > m.training.rows) {
    r.fail("training.positives", "exceeds training.rows");
  }
  // Coefficients of a standardized model are a few units; 1e300 is no fitted model.
  constexpr double kLargest = 1e6;
  if (std::abs(m.intercept) > kLargest) r.fail("intercept", "is implausibly large");
  for (std::size_t k = 0; k < m.coefficients.size(); ++k) {
    const Coefficient& c = m.coefficients[k];
    if (std::abs(c.value) > kLargest || std::abs(c.reference) > kLargest) {
      r.fail("coefficients[" + std::to_string(k) + "]", "is implausibly large");
    }
  }
  for (std::size_t f = 0; f < m.preprocessor.features().size(); ++f) {
    const FeatureTransform& t = m.preprocessor.features()[f];
    if (t.column.type != ColumnType::Category && !(t.scale > 1e-9 && t.scale < 1e12)) {
      r.fail("features[" + std::to_string(f) + "].transform.sd", "must lie in 1e-9..1e12");
    }
  }
  const Calibration& cal = m.calibration;
  if (cal.method == Calibration::Method::Platt && !(cal.a > 0)) {
    r.fail("calibration.a", "must be positive: a calibration may not reverse the scores' order");
  }
  if (cal.method == Calibration::Method::Isotonic) {
    for (std::size_t i = 0; i < cal.y.size(); ++i) {
      in(cal.y[i], 0, 1, "calibration.y");
      if (i > 0 && cal.y[i] < cal.y[i - 1]) {
        r.fail("calibration.y",
               "must not decrease: a calibration may not reverse the scores' order");
      }
    }
  }
}

}  // namespace

namespace {
LogisticModel parse_model(const std::string& text, const std::string& name);
}  // namespace

LogisticModel model_from_json_text(const std::string& text, const std::string& name) {
  try {
    return parse_model(text, name);
  } catch (const nlohmann::json::exception& e) {
    // A value of the wrong JSON type anywhere the reader did not look for one.
    throw base::InputError(name + ": not a valid model file (" + std::string(e.what()) + ")");
  }
}

namespace {

// The layout Scorecard::feature_points relies on: values (categories) or ascending ranges, the
// last range open above, and at most one missing bin, last.
void check_bin_layout(const ScorecardFeature& f, const Reader& r) {
  const std::string where = "scorecard.features '" + f.field + "'";
  const auto& bins = f.bins;
  const std::size_t values = bins.empty() || !bins.back().missing ? bins.size() : bins.size() - 1;
  for (std::size_t b = 0; b < bins.size(); ++b) {
    if (bins[b].missing && b + 1 != bins.size()) r.fail(where, "a missing bin that is not last");
  }
  if (values == 0) return;
  if (bins.front().level) {
    for (std::size_t b = 0; b < values; ++b) {
      if (!bins[b].level) r.fail(where, "a range among category values");
    }
    return;
  }
  // Ranges ascend; only the last may be open above (files written before the open top bin close
  // it too: a value above it scores no points, as it always did).
  for (std::size_t b = 0; b < values; ++b) {
    if (bins[b].level) r.fail(where, "a category value among ranges");
    if (b + 1 < values && !bins[b].high) r.fail(where, "only the last range may be open above");
    if (b > 0 && bins[b].high && !(*bins[b - 1].high < *bins[b].high)) {
      r.fail(where, "ranges that do not ascend");
    }
  }
}

// `drift_reference` (1.1): per feature the training distribution, and the validation scores'.
// Shares lie in [0, 1] and, with the missing share, add up to 1; edges ascend.
DriftReference read_drift_reference(const Json& j, const LogisticModel& m, const Reader& r) {
  const Json& dj = r.at(j, "drift_reference", "(top)");
  DriftReference d;
  d.rows = r.integer<std::size_t>(dj, "rows", "drift_reference", 0, 1e12);
  const auto numbers = [&](const Json& o, const char* key, const std::string& where) {
    std::vector<double> out;
    for (const auto& v : r.arr(o, key, where)) {
      if (!v.is_number()) r.fail(where + "." + key, "expected numbers");
      out.push_back(v.get<double>());
    }
    return out;
  };
  const auto check = [&](const std::vector<double>& edges, const std::vector<double>& shares,
                         double missing, const std::string& where) {
    double sum = missing;
    for (double s : shares) {
      if (!(s >= 0 && s <= 1)) r.fail(where, "a share outside [0, 1]");
      sum += s;
    }
    if (!shares.empty() && std::abs(sum - 1) > 1e-6)
      r.fail(where, "shares that do not add up to 1");
    for (std::size_t i = 1; i < edges.size(); ++i) {
      if (!(edges[i - 1] < edges[i])) r.fail(where, "edges that do not ascend");
    }
  };
  const auto& features = m.preprocessor.features();
  const auto& fields = r.arr(dj, "fields", "drift_reference");
  if (fields.size() != features.size())
    r.fail("drift_reference.fields", "one per feature expected");
  for (std::size_t f = 0; f < fields.size(); ++f) {
    FieldReference fr;
    const std::string where = "drift_reference.fields[" + std::to_string(f) + "]";
    fr.field = r.str(fields[f], "field", where);
    if (fr.field != features[f].column.name) r.fail(where, "not the feature in that place");
    fr.edges = numbers(fields[f], "edges", where);
    fr.shares = numbers(fields[f], "shares", where);
    fr.missing = r.num(fields[f], "missing", where);
    const std::size_t bins = features[f].column.type == ColumnType::Category
                                 ? features[f].levels.size()
                             : features[f].column.type == ColumnType::Bool ? 2
                                                                           : fr.edges.size() + 1;
    if (fr.shares.size() != bins) r.fail(where, "a share per bin expected");
    check(fr.edges, fr.shares, fr.missing, where);
    d.fields.push_back(std::move(fr));
  }
  const Json& score = r.at(dj, "score", "drift_reference");
  d.score_rows = r.integer<std::size_t>(score, "rows", "drift_reference.score", 0, 1e12);
  d.score_edges = numbers(score, "edges", "drift_reference.score");
  d.score_shares = numbers(score, "shares", "drift_reference.score");
  if (!d.score_shares.empty() && d.score_shares.size() != d.score_edges.size() + 1) {
    r.fail("drift_reference.score", "a share per bin expected");
  }
  check(d.score_edges, d.score_shares, 0, "drift_reference.score");
  return d;
}

LogisticModel parse_model(const std::string& text, const std::string& name) {
  Reader r{name};
  Json j;
  try {
    j = Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw base::InputError(name + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) r.fail("(top)", "expected an object");
  if (r.str(j, "format", "(top)") != kModelFormat) r.fail("format", "not a Skøn model file");
  const std::string version = r.str(j, "format_version", "(top)");
  const int major = std::atoi(version.c_str());
  if (major != kModelFormatMajor) {
    r.fail("format_version", "version " + version + " is not supported; this skon reads " +
                                 std::to_string(kModelFormatMajor) + ".x");
  }
  if (r.str(j, "model_type", "(top)") != "logistic_regression")
    r.fail("model_type", "unknown model type");
  LogisticModel m;
  m.purpose = r.str(j, "purpose", "(top)");
  m.created = r.str(j, "created", "(top)");
  m.tool_version = r.str(j, "tool_version", "(top)");

  const Json& t = r.at(j, "training", "(top)");
  m.training.target = r.str(t, "target", "training");
  m.training.data_sha256 = r.str(t, "data_sha256", "training");
  m.training.rows = r.integer<std::size_t>(t, "rows", "training");
  m.training.positives = r.integer<std::size_t>(t, "positives", "training");
  const Json& span = r.at(t, "year_span", "training");
  if (span.is_array() && span.size() == 2) {
    m.training.year_min = span[0].get<int>();
    m.training.year_max = span[1].get<int>();
  }
  const std::string pen = r.str(t, "penalty", "training");
  m.training.penalty = pen == "none"         ? Penalty::None
                       : pen == "l1"         ? Penalty::L1
                       : pen == "elasticnet" ? Penalty::ElasticNet
                                             : Penalty::L2;
  m.training.C = r.num(t, "C", "training");
  m.training.l1_ratio = r.num(t, "l1_ratio", "training");
  m.training.weight_negative =
      r.num(r.at(t, "class_weight", "training"), "negative", "training.class_weight");
  m.training.weight_positive =
      r.num(r.at(t, "class_weight", "training"), "positive", "training.class_weight");
  m.training.iterations = r.integer<int>(t, "iterations", "training", -1e6, 1e6);
  m.training.converged = r.boolean(t, "converged", "training");
  m.training.refit_all = t.contains("refit_all") && r.boolean(t, "refit_all", "training");
  if (t.contains("C_selection")) m.training.C_selection = r.str(t, "C_selection", "training");
  if (t.contains("preprocessing")) {
    m.training.preprocessing = r.str(t, "preprocessing", "training");
  }

  std::vector<FeatureTransform> features;
  const Json& fa = r.arr(j, "features", "(top)");
  for (std::size_t f = 0; f < fa.size(); ++f) {
    const std::string where = "features[" + std::to_string(f) + "]";
    const Json& fj = fa[f];
    FeatureTransform ft;
    ft.column.name = r.str(fj, "field", where);
    ft.column.source = r.str(fj, "source", where);
    ft.column.label = r.str(fj, "label", where);
    ft.column.type = type_from(r.str(fj, "type", where), r, where + ".type");
    const Json& tr = r.at(fj, "transform", where);
    const std::string kind = r.str(tr, "kind", where + ".transform");
    if (ft.column.type == ColumnType::Category) {
      if (kind != "one_hot") r.fail(where + ".transform.kind", "a category needs one_hot");
      ft.levels = r.at(tr, "levels", where + ".transform").get<std::vector<std::string>>();
      ft.column.levels = ft.levels;
      const std::string ref = r.str(tr, "reference", where + ".transform");
      const auto it = std::find(ft.levels.begin(), ft.levels.end(), ref);
      if (it == ft.levels.end()) r.fail(where + ".transform.reference", "not one of the levels");
      ft.reference = static_cast<int>(it - ft.levels.begin());
    } else {
      if (kind != "standardize" && kind != "identity") {
        r.fail(where + ".transform.kind", "expected standardize or identity");
      }
      ft.scaled = kind == "standardize";
      if (ft.scaled) {
        ft.mean = r.num(tr, "mean", where + ".transform");
        ft.scale = r.num(tr, "sd", where + ".transform");
        if (!(ft.scale > 0)) r.fail(where + ".transform.sd", "must be positive");
      }
      if (tr.contains("impute")) ft.impute = r.num(tr, "impute", where + ".transform");
      if (tr.contains("low")) ft.column.low = r.num(tr, "low", where + ".transform");
      if (tr.contains("high")) ft.column.high = r.num(tr, "high", where + ".transform");
    }
    ft.missing_indicator = r.boolean(fj, "missing_indicator", where);
    const Json& dir = r.at(fj, "direction", where);
    m.directions.push_back(
        dir.is_null()     ? 0
        : dir == "raises" ? 1
        : dir == "lowers" ? -1
                          : (r.fail(where + ".direction", "expected raises, lowers or null"), 0));
    features.push_back(std::move(ft));
  }
  m.preprocessor = Preprocessor(std::move(features));
  m.intercept = r.num(j, "intercept", "(top)");
  if (j.contains("intercept_std_error"))
    m.intercept_std_error = r.num(j, "intercept_std_error", "(top)");
  const Json& ca = r.arr(j, "coefficients", "(top)");
  if (ca.size() != m.preprocessor.width()) {
    r.fail("coefficients", "has " + std::to_string(ca.size()) + " entries but the features make " +
                               std::to_string(m.preprocessor.width()) + " design columns");
  }
  for (std::size_t k = 0; k < ca.size(); ++k) {
    const std::string where = "coefficients[" + std::to_string(k) + "]";
    Coefficient c;
    c.name = r.str(ca[k], "name", where);
    if (c.name != m.preprocessor.column_names()[k]) {
      r.fail(where + ".name",
             "expected '" + m.preprocessor.column_names()[k] + "', found '" + c.name + "'");
    }
    c.value = r.num(ca[k], "value", where);
    c.reference = r.num(ca[k], "reference", where);
    if (ca[k].contains("std_error")) c.std_error = r.num(ca[k], "std_error", where);
    m.coefficients.push_back(std::move(c));
  }
  const Json& cal = r.at(j, "calibration", "(top)");
  const std::string method = r.str(cal, "method", "calibration");
  if (method == "platt") {
    m.calibration.method = Calibration::Method::Platt;
    m.calibration.a = r.num(cal, "a", "calibration");
    m.calibration.b = r.num(cal, "b", "calibration");
  } else if (method == "isotonic") {
    m.calibration.method = Calibration::Method::Isotonic;
    m.calibration.x = r.nums(cal, "x", "calibration");
    m.calibration.y = r.nums(cal, "y", "calibration");
    if (m.calibration.x.size() != m.calibration.y.size() || m.calibration.x.empty() ||
        !std::is_sorted(m.calibration.x.begin(), m.calibration.x.end())) {
      r.fail("calibration", "isotonic x and y must be equally long, non-empty, x increasing");
    }
  } else if (method != "none") {
    r.fail("calibration.method", "expected none, platt or isotonic");
  }

  const Json& mj = r.at(j, "metrics", "(top)");
  ModelMetrics& mm = m.metrics;
  mm.validation = r.str(mj, "validation", "metrics");
  mm.rows = r.integer<std::size_t>(mj, "rows", "metrics");
  mm.auc = r.num(mj, "auc", "metrics", true);
  const Json& ci = r.arr(mj, "auc_ci95", "metrics");
  if (ci.size() == 2) {
    mm.auc_ci_low = ci[0].is_number() ? ci[0].get<double>() : std::nan("");
    mm.auc_ci_high = ci[1].is_number() ? ci[1].get<double>() : std::nan("");
  }
  mm.pr_auc = r.num(mj, "pr_auc", "metrics", true);
  mm.brier = r.num(mj, "brier", "metrics", true);
  mm.log_loss = r.num(mj, "log_loss", "metrics", true);
  mm.calibration_error = r.num(mj, "calibration_error", "metrics", true);
  const Json& cap = r.at(mj, "capacity", "metrics");
  mm.capacity = r.num(cap, "share", "metrics.capacity");
  mm.capacity_threshold = r.num(cap, "threshold", "metrics.capacity", true);
  mm.capacity_precision = r.num(cap, "precision", "metrics.capacity", true);
  mm.capacity_recall = r.num(cap, "recall", "metrics.capacity", true);
  mm.capacity_flag_rate = r.num(cap, "flag_rate", "metrics.capacity", true);
  for (const auto& b : r.arr(mj, "reliability", "metrics")) {
    mm.reliability.push_back({r.num(b, "low", "metrics.reliability"),
                              r.num(b, "high", "metrics.reliability"),
                              r.integer<std::size_t>(b, "count", "metrics.reliability"),
                              r.num(b, "mean_predicted", "metrics.reliability"),
                              r.num(b, "observed_rate", "metrics.reliability")});
  }
  for (const auto& g : r.arr(mj, "groups", "metrics")) {
    GroupReport gr;
    gr.field = r.str(g, "field", "metrics.groups");
    gr.gap_flag_rate = r.num(g, "gap_flag_rate", "metrics.groups", true);
    gr.gap_tpr = r.num(g, "gap_tpr", "metrics.groups", true);
    gr.gap_fpr = r.num(g, "gap_fpr", "metrics.groups", true);
    gr.gap_calibration = r.num(g, "gap_calibration", "metrics.groups", true);
    gr.gap_auc = r.num(g, "gap_auc", "metrics.groups", true);
    if (g.contains("bootstrap")) {  // model files before the second edition have none
      const Json& bs = r.at(g, "bootstrap", "metrics.groups");
      gr.resamples = r.integer<int>(bs, "resamples", "metrics.groups.bootstrap", 0, 1e6);
      gr.sd_flag_rate = r.num(bs, "sd_flag_rate", "metrics.groups.bootstrap");
      gr.sd_tpr = r.num(bs, "sd_tpr", "metrics.groups.bootstrap");
      gr.sd_fpr = r.num(bs, "sd_fpr", "metrics.groups.bootstrap");
      gr.sd_calibration = r.num(bs, "sd_calibration", "metrics.groups.bootstrap");
      gr.sd_largest = r.num(bs, "sd_largest", "metrics.groups.bootstrap");
    }
    for (const auto& x : r.arr(g, "groups", "metrics.groups")) {
      GroupMetrics gm;
      gm.group = r.str(x, "group", "metrics.groups.groups");
      gm.count = r.integer<std::size_t>(x, "count", "metrics.groups.groups");
      gm.base_rate = r.num(x, "base_rate", "metrics.groups.groups", true);
      gm.mean_predicted = r.num(x, "mean_predicted", "metrics.groups.groups", true);
      gm.auc = r.num(x, "auc", "metrics.groups.groups", true);
      gm.flag_rate = r.num(x, "flag_rate", "metrics.groups.groups", true);
      gm.tpr = r.num(x, "tpr", "metrics.groups.groups", true);
      gm.fpr = r.num(x, "fpr", "metrics.groups.groups", true);
      gr.groups.push_back(gm);
    }
    mm.groups.push_back(std::move(gr));
  }

  const Json& sc = r.at(j, "scorecard", "(top)");
  m.scorecard.points_per_log_odds = r.num(sc, "points_per_log_odds", "scorecard");
  m.scorecard.base_points = r.integer<int>(sc, "base_points", "scorecard", -1e6, 1e6);
  for (const auto& f : r.arr(sc, "features", "scorecard")) {
    ScorecardFeature sf;
    sf.field = r.str(f, "field", "scorecard.features");
    for (const auto& b : r.arr(f, "bins", "scorecard.features")) {
      ScorecardBin sb;
      sb.label = r.str(b, "label", "scorecard.bins");
      if (b.contains("low")) sb.low = r.num(b, "low", "scorecard.bins");
      if (b.contains("high")) sb.high = r.num(b, "high", "scorecard.bins");
      if (b.contains("level")) sb.level = r.integer<std::size_t>(b, "level", "scorecard.bins");
      sb.missing = b.contains("missing") && r.boolean(b, "missing", "scorecard.bins");
      sb.points = r.integer<int>(b, "points", "scorecard.bins", -1e6, 1e6);
      sf.bins.push_back(std::move(sb));
    }
    check_bin_layout(sf, r);
    m.scorecard.features.push_back(std::move(sf));
  }
  for (const auto& row : r.arr(sc, "table", "scorecard")) {
    m.scorecard.table.emplace_back(r.integer<int>(row, "points", "scorecard.table", -1e6, 1e6),
                                   r.num(row, "probability", "scorecard.table"));
  }
  if (sc.contains("agreement")) {  // model files before the second edition have none
    const Json& ag = r.at(sc, "agreement", "scorecard");
    ScorecardAgreement& a = m.scorecard.agreement;
    a.rows = r.integer<std::size_t>(ag, "rows", "scorecard.agreement", 0, 1e12);
    a.tolerance = r.num(ag, "tolerance", "scorecard.agreement");
    a.within = r.num(ag, "within", "scorecard.agreement");
    a.mean_abs = r.num(ag, "mean_abs", "scorecard.agreement");
    a.max_abs = r.num(ag, "max_abs", "scorecard.agreement");
    a.top_overlap = r.num(ag, "top10_overlap", "scorecard.agreement");
  }

  if (j.contains("drift_reference")) m.drift = read_drift_reference(j, m, r);

  validate_numbers(m, r);
  // A model must keep the promises its purpose made: verified on every load.
  const auto violations = m.direction_violations();
  if (!violations.empty())
    r.fail("coefficients", "direction constraint violated: " + violations.front());
  return m;
}

}  // namespace

LogisticModel load_model(const std::string& path, std::string* sha256) {
  // A model file is a few hundred kilobytes; a much larger one is no model (and parsing it would
  // take gigabytes of memory).
  constexpr std::uintmax_t kLargestModelFile = 64u << 20;
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kLargestModelFile) {
    throw base::InputError("model file '" + path + "' is " + std::to_string(size >> 20) +
                           " MiB; a model file is at most 64 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw base::InputError("cannot open model file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (sha256 != nullptr) *sha256 = base::sha256_hex(text);
  return model_from_json_text(text, path);
}

void save_model(const LogisticModel& model, const std::string& path) {
  base::write_file_atomically(path, to_json_text(model));
}

}  // namespace skon::models
