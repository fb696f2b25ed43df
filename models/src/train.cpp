#include "skon/models/train.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "skon/base/sha256.hpp"

namespace skon::models {

namespace {

using Rows = std::vector<std::uint32_t>;

std::size_t count_lines(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return 0;
  std::vector<char> buffer(1 << 20);
  std::size_t lines = 0, n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) {
    lines += static_cast<std::size_t>(std::count(buffer.data(), buffer.data() + n, '\n'));
  }
  std::fclose(f);
  return lines + 1;
}

struct Data {
  std::vector<std::vector<double>> raw;  // per feature
  std::vector<double> labels;
  std::vector<double> years;
  std::vector<std::vector<double>> groups;  // per group column
  std::size_t rejected = 0;
};

Data read_data(const TrainSpec& spec) {
  std::vector<ColumnSpec> cols = spec.features;
  const std::size_t target_at = cols.size();
  cols.push_back({spec.target, ColumnType::Text, {}, {}, {}, "", ""});
  std::size_t year_at = 0;
  if (!spec.year.empty()) {
    year_at = cols.size();
    cols.push_back({spec.year, ColumnType::Number, {}, {}, {}, "", ""});
  }
  const std::size_t groups_at = cols.size();
  for (const auto& g : spec.groups) cols.push_back(g);

  CohortReader reader(spec.data_path, cols, spec.read);
  Data d;
  d.raw.resize(spec.features.size());
  d.groups.resize(spec.groups.size());
  // Reserve once: columns growing by doubling would hold up to twice the data, and more while
  // they move. Counting lines is a fast pass; quoted newlines only make the estimate generous.
  const std::size_t expected = count_lines(spec.data_path);
  for (auto& c : d.raw) c.reserve(expected);
  for (auto& c : d.groups) c.reserve(expected);
  d.labels.reserve(expected);
  if (!spec.year.empty()) d.years.reserve(expected);
  Row row;
  while (reader.next(row)) {
    double y = 0;
    if (!parse_outcome(row.texts[target_at], spec.positive, y)) {
      const std::string what =
          spec.data_path + ": row " + std::to_string(row.row) + " (line " +
          std::to_string(row.line) + "), column '" + spec.target + "': expected the outcome (" +
          (spec.positive.empty() ? "1/0, true/false"
                                 : "a value; '" + spec.positive + "' means positive") +
          ")" + (row.texts[target_at].empty() ? ", found nothing" : "");
      if (!spec.read.skip_bad_rows) throw base::InputError(what);
      ++d.rejected;
      continue;
    }
    if (!spec.year.empty() && is_missing(row.values[year_at])) {
      if (!spec.read.skip_bad_rows) {
        throw base::InputError(spec.data_path + ": row " + std::to_string(row.row) + ", column '" +
                               spec.year + "': the cohort year is missing");
      }
      ++d.rejected;
      continue;
    }
    for (std::size_t f = 0; f < spec.features.size(); ++f) d.raw[f].push_back(row.values[f]);
    d.labels.push_back(y);
    if (!spec.year.empty()) d.years.push_back(row.values[year_at]);
    for (std::size_t g = 0; g < spec.groups.size(); ++g)
      d.groups[g].push_back(row.values[groups_at + g]);
  }
  d.rejected += reader.rows_rejected();
  return d;
}

struct Fitted {
  Preprocessor pre;
  LogisticFit fit;
  Calibration calibration;
  Eigen::VectorXd design_means;  // of the training rows: the explanations' reference
};

Fitted fit_on(const TrainSpec& spec, const Data& d, const Rows& train, const Rows& calib) {
  Fitted out;
  out.pre = Preprocessor::fit(spec.features, d.raw, train, spec.preprocess);
  Eigen::MatrixXd X = out.pre.transform_rows(d.raw, train);
  Eigen::VectorXd y(static_cast<Eigen::Index>(train.size()));
  for (std::size_t i = 0; i < train.size(); ++i)
    y[static_cast<Eigen::Index>(i)] = d.labels[train[i]];
  LogisticOptions opt = spec.options;
  // Direction constraints bind the numeric column of each constrained feature.
  opt.sign.assign(out.pre.width(), 0);
  for (std::size_t j = 0; j < out.pre.width(); ++j) {
    const std::size_t f = out.pre.column_feature()[j];
    const bool indicator = out.pre.column_names()[j].ends_with(":missing");
    if (f < spec.directions.size() && spec.features[f].type != ColumnType::Category && !indicator) {
      opt.sign[j] = spec.directions[f];
    }
  }
  out.fit = fit_logistic(X, y, opt);
  out.design_means = X.colwise().mean();
  X.resize(0, 0);
  if (spec.calibration != Calibration::Method::None && !calib.empty()) {
    const Eigen::MatrixXd C = out.pre.transform_rows(d.raw, calib);
    const Eigen::VectorXd eta = (C * out.fit.coef).array() + out.fit.intercept;
    std::vector<double> logits(eta.data(), eta.data() + eta.size()), labels;
    for (auto i : calib) labels.push_back(d.labels[i]);
    double pos = 0;
    for (double v : labels) pos += v;
    if (pos > 0 && pos < static_cast<double>(labels.size())) {
      if (spec.calibration == Calibration::Method::Platt) {
        out.calibration = fit_platt(logits, labels);
      } else {
        std::vector<double> probs;
        for (double l : logits) probs.push_back(sigmoid(l));
        out.calibration = fit_isotonic(probs, labels);
      }
    }
  }
  return out;
}

std::vector<double> predict(const Fitted& m, const Data& d, const Rows& rows) {
  const Eigen::MatrixXd X = m.pre.transform_rows(d.raw, rows);
  const Eigen::VectorXd eta = (X * m.fit.coef).array() + m.fit.intercept;
  std::vector<double> p(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    p[i] = m.calibration.apply(eta[static_cast<Eigen::Index>(i)]);
  return p;
}

// Seeded split of `rows` into (rest, share).
std::pair<Rows, Rows> split(Rows rows, double share, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::shuffle(rows.begin(), rows.end(), rng);
  const auto k = static_cast<std::size_t>(std::round(share * static_cast<double>(rows.size())));
  Rows part(rows.end() - static_cast<std::ptrdiff_t>(k), rows.end());
  rows.resize(rows.size() - k);
  std::sort(rows.begin(), rows.end());
  std::sort(part.begin(), part.end());
  return {rows, part};
}

std::string fmt(double v, int digits = 3) {
  if (std::isnan(v)) return "–";
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

}  // namespace

bool parse_outcome(std::string_view text, const std::string& positive, double& out) {
  if (!positive.empty()) {
    out = text == positive ? 1 : 0;
    return true;
  }
  static constexpr std::string_view kTrue[] = {"1", "true", "ja", "yes", "1.0"};
  static constexpr std::string_view kFalse[] = {"0", "false", "nej", "no", "0.0"};
  for (auto t : kTrue) {
    if (text == t) return out = 1, true;
  }
  for (auto f : kFalse) {
    if (text == f) return out = 0, true;
  }
  return false;
}

ModelMetrics evaluate_predictions(const std::vector<double>& labels,
                                  const std::vector<double>& probs,
                                  const std::vector<ColumnSpec>& groups,
                                  const std::vector<std::vector<double>>& group_values,
                                  double capacity, std::string validation) {
  ModelMetrics m;
  m.validation = std::move(validation);
  m.rows = labels.size();
  double pos = 0;
  for (double y : labels) pos += y;
  if (pos > 0 && pos < static_cast<double>(labels.size())) {
    const AucResult auc = roc_auc(labels, probs);
    m.auc = auc.auc;
    m.auc_ci_low = auc.ci_low;
    m.auc_ci_high = auc.ci_high;
    m.pr_auc = average_precision(labels, probs);
  } else {
    m.auc = m.auc_ci_low = m.auc_ci_high = m.pr_auc = std::nan("");
  }
  m.brier = brier_score(labels, probs);
  m.log_loss = log_loss(labels, probs);
  m.calibration_error = expected_calibration_error(labels, probs);
  m.reliability = reliability_table(labels, probs);
  m.capacity = capacity;
  const Confusion c = confusion_at_capacity(labels, probs, capacity, &m.capacity_threshold);
  m.capacity_precision = c.precision();
  m.capacity_recall = c.recall();
  m.capacity_flag_rate = c.flag_rate();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    m.groups.push_back(group_report(groups[g].name, groups[g].levels, group_values[g], labels,
                                    probs, m.capacity_threshold));
  }
  return m;
}

namespace {
TrainReport train_checked(const TrainSpec& spec);
}  // namespace

TrainReport train_model(const TrainSpec& given) {
  TrainSpec spec = given;
  if (spec.year.empty()) {  // a cohort year column, when the file has one, gives temporal splits
    const std::vector<std::string> headers = read_headers(spec.data_path, spec.read);
    for (const char* candidate : {"cohort_year", "year"}) {
      if (std::find(headers.begin(), headers.end(), candidate) != headers.end()) {
        spec.year = candidate;
        break;
      }
    }
  }
  try {
    return train_checked(spec);
  } catch (const std::invalid_argument& e) {
    // The fit is impossible on these data (one class only, no rows): the data's problem.
    throw base::InputError(spec.data_path + ": no model can be fitted: " + e.what());
  }
}

namespace {

// The `--C auto` grid: half-decades from 0.001 to 100.
constexpr double kCGrid[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100};

// Picks C inside the training rows only (the test rows never see it): forward-chaining over
// their years, else k-fold; the C with the lowest mean log loss of uncalibrated probabilities.
double choose_C(const TrainSpec& spec, const Data& d, const Rows& train, TrainReport& report) {
  std::set<double> years;
  for (auto i : train) years.insert(d.years.empty() ? 0 : d.years[i]);
  std::vector<std::pair<Rows, Rows>> folds;  // (fit, validate)
  if (!d.years.empty() && years.size() >= 2) {
    for (auto y = std::next(years.begin()); y != years.end(); ++y) {
      Rows before, held;  // the years before it, and the year itself
      for (auto i : train) {
        if (d.years[i] < *y) before.push_back(i);
        if (d.years[i] == *y) held.push_back(i);
      }
      folds.emplace_back(std::move(before), std::move(held));
    }
    report.c_selection = "forward-chaining over the training years " +
                         std::to_string(static_cast<int>(*years.begin())) + "–" +
                         std::to_string(static_cast<int>(*years.rbegin()));
  } else {
    const int k = std::max(2, spec.folds);
    Rows shuffled = train;
    std::mt19937_64 rng(spec.seed + 7);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (int f = 0; f < k; ++f) {
      Rows fit, held;
      for (std::size_t r = 0; r < shuffled.size(); ++r) {
        (static_cast<int>(r % static_cast<std::size_t>(k)) == f ? held : fit)
            .push_back(shuffled[r]);
      }
      std::sort(fit.begin(), fit.end());
      std::sort(held.begin(), held.end());
      folds.emplace_back(std::move(fit), std::move(held));
    }
    report.c_selection = std::to_string(k) + "-fold cross-validation of the training rows";
  }
  TrainSpec uncalibrated = spec;
  uncalibrated.calibration = Calibration::Method::None;
  double best = kCGrid[6], best_loss = INFINITY;
  for (double C : kCGrid) {
    uncalibrated.options.C = C;
    double loss = 0, auc = 0;
    std::size_t used = 0;
    for (const auto& [fit, held] : folds) {
      if (fit.empty() || held.empty()) continue;
      const Fitted m = fit_on(uncalibrated, d, fit, {});
      const std::vector<double> p = predict(m, d, held);
      std::vector<double> y;
      for (auto i : held) y.push_back(d.labels[i]);
      loss += log_loss(y, p);
      auc += roc_auc(y, p).auc;
      ++used;
    }
    if (used == 0) break;
    const CPathPoint point{C, loss / static_cast<double>(used), auc / static_cast<double>(used)};
    report.c_path.push_back(point);
    if (point.log_loss < best_loss) best_loss = point.log_loss, best = C;
  }
  char shown[32];
  std::snprintf(shown, sizeof shown, "%g", best);
  report.c_selection = "C = " + std::string(shown) + " by " + report.c_selection +
                       " (lowest mean log loss of " + std::to_string(report.c_path.size()) +
                       " values from 0.001 to 100)";
  return best;
}

TrainReport train_checked(const TrainSpec& given) {
  TrainSpec spec = given;  // `--C auto` sets its C
  Data d = read_data(spec);
  const std::size_t n = d.labels.size();
  if (n < 10)
    throw base::InputError(spec.data_path + ": only " + std::to_string(n) +
                           " usable rows; a model needs more");
  TrainReport report;
  report.rows_rejected = d.rejected;

  Rows all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = static_cast<std::uint32_t>(i);
  Rows train, calib, test;
  std::vector<double> eval_labels, eval_probs;
  std::vector<std::vector<double>> eval_groups(spec.groups.size());
  std::string validation;
  Fitted final_model;
  std::optional<int> year_min, year_max;

  // Without calibration no rows are set aside for it: they train the model.
  const bool calibrated = spec.calibration != Calibration::Method::None;
  std::set<double> years(d.years.begin(), d.years.end());
  const bool window = spec.train_years || spec.calibrate_years || spec.test_years;
  bool calibrated_on_split = false;  // calibrated on 20 % of the training rows
  if (window && years.empty()) {
    throw base::InputError(spec.data_path +
                           ": a training window (--train-years, --calibrate-years, "
                           "--test-years) needs a cohort year column");
  }
  const auto in = [](const std::optional<std::pair<int, int>>& w, double y) {
    return w && y >= w->first && y <= w->second;
  };
  if (window || years.size() >= 2) {
    const double last = *years.rbegin();
    const double second = years.size() >= 2 ? *std::next(years.rbegin()) : last;
    const auto test_year = [&](double y) {
      return spec.test_years ? in(spec.test_years, y) : y == last;
    };
    const auto calib_year = [&](double y) {
      if (!calibrated) return false;
      if (window) return in(spec.calibrate_years, y);
      return years.size() >= 3 && y == second;
    };
    for (std::uint32_t i = 0; i < n; ++i) {
      const double y = d.years[i];
      const int windows =
          test_year(y) + calib_year(y) + (spec.train_years ? in(spec.train_years, y) : 0);
      if (windows > 1) {
        throw base::UsageError(
            "cohort year " + std::to_string(static_cast<int>(y)) +
            " is in more than one of the training, calibration and test windows");
      }
      if (test_year(y))
        test.push_back(i);
      else if (calib_year(y))
        calib.push_back(i);
      else if (!spec.train_years || in(spec.train_years, y))
        train.push_back(i);
    }
    if (calibrated && calib.empty()) {
      std::tie(train, calib) = split(train, 0.2, spec.seed);
      calibrated_on_split = true;
    }
    if (train.empty() || test.empty()) {
      throw base::InputError(spec.data_path + ": the " + (train.empty() ? "training" : "test") +
                             " window holds no rows");
    }
    if (spec.auto_C) spec.options.C = choose_C(spec, d, train, report);
    final_model = fit_on(spec, d, train, calib);
    eval_probs = predict(final_model, d, test);
    for (auto i : test) {
      eval_labels.push_back(d.labels[i]);
      for (std::size_t g = 0; g < spec.groups.size(); ++g) eval_groups[g].push_back(d.groups[g][i]);
    }
  } else {
    // k-fold: out-of-fold predictions for the metrics (C chosen once, on all rows' folds: an
    // optimistic choice the card names).
    if (spec.auto_C) spec.options.C = choose_C(spec, d, all, report);
    const int k = std::max(2, spec.folds);
    Rows shuffled = all;
    std::mt19937_64 rng(spec.seed);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    eval_probs.assign(n, 0);
    for (int fold = 0; fold < k; ++fold) {
      Rows in_fold, out_fold;
      for (std::size_t r = 0; r < n; ++r) {
        (static_cast<int>(r % static_cast<std::size_t>(k)) == fold ? out_fold : in_fold)
            .push_back(shuffled[r]);
      }
      std::sort(in_fold.begin(), in_fold.end());
      std::sort(out_fold.begin(), out_fold.end());
      Rows fit_rows = in_fold, cal_rows;
      if (calibrated) {
        std::tie(fit_rows, cal_rows) =
            split(in_fold, 0.2, spec.seed + static_cast<std::uint64_t>(fold) + 1);
      }
      const Fitted m = fit_on(spec, d, fit_rows, cal_rows);
      const auto p = predict(m, d, out_fold);
      for (std::size_t i = 0; i < out_fold.size(); ++i) eval_probs[out_fold[i]] = p[i];
    }
    eval_labels = d.labels;
    eval_groups = d.groups;
    train = all;
    if (calibrated) std::tie(train, calib) = split(all, 0.2, spec.seed);
    final_model = fit_on(spec, d, train, calib);
  }
  // The years the model was fitted on — not the whole file's, whose last years validate it.
  if (!years.empty()) {
    for (auto i : train) {
      const int y = static_cast<int>(d.years[i]);
      year_min = year_min ? std::min(*year_min, y) : y;
      year_max = year_max ? std::max(*year_max, y) : y;
    }
  }
  const auto span_of = [&](const Rows& rows) {
    int lo = 0, hi = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int y = static_cast<int>(d.years[rows[r]]);
      lo = r == 0 ? y : std::min(lo, y);
      hi = r == 0 ? y : std::max(hi, y);
    }
    return std::to_string(lo) + (lo == hi ? "" : "–" + std::to_string(hi));
  };
  if (!test.empty() && !years.empty()) {
    validation = "temporal: trained on " + span_of(train) +
                 (!calibrated           ? ", not calibrated"
                  : calibrated_on_split ? ", calibrated on 20 % of it"
                                        : ", calibrated on " + span_of(calib)) +
                 ", tested on " + span_of(test);
  } else {
    validation = std::to_string(std::max(2, spec.folds)) +
                 "-fold cross-validation (no cohort year); the saved model is " +
                 (calibrated ? "trained on 80 % and calibrated on 20 %"
                             : "trained on every row, not calibrated");
  }
  // Refitted for production on the training and test years (the metrics stay the validated
  // model's, measured before the test years were seen).
  if (spec.refit_all && !test.empty() && !years.empty()) {
    Rows production = train;
    production.insert(production.end(), test.begin(), test.end());
    std::sort(production.begin(), production.end());
    final_model = fit_on(spec, d, production, calib);
    train = std::move(production);
    validation += "; then refitted on " + span_of(train) + " for production";
    year_min.reset();
    year_max.reset();
    for (auto i : train) {
      const int y = static_cast<int>(d.years[i]);
      year_min = year_min ? std::min(*year_min, y) : y;
      year_max = year_max ? std::max(*year_max, y) : y;
    }
  }

  LogisticModel& model = report.model;
  model.purpose = spec.purpose;
  model.created = spec.created;
  model.tool_version = spec.tool_version;
  model.preprocessor = final_model.pre;
  model.intercept = final_model.fit.intercept;
  if (final_model.fit.std_error.size() > static_cast<Eigen::Index>(final_model.pre.width())) {
    model.intercept_std_error =
        final_model.fit.std_error[static_cast<Eigen::Index>(final_model.pre.width())];
  }
  model.calibration = final_model.calibration;
  model.directions = spec.directions;
  model.directions.resize(spec.features.size(), 0);
  // Reference values: the training means of the design columns.
  {
    const Eigen::VectorXd& means = final_model.design_means;
    for (std::size_t j = 0; j < final_model.pre.width(); ++j) {
      Coefficient c;
      c.name = final_model.pre.column_names()[j];
      c.value = final_model.fit.coef[static_cast<Eigen::Index>(j)];
      c.reference = means[static_cast<Eigen::Index>(j)];
      if (final_model.fit.std_error.size() > 0)
        c.std_error = final_model.fit.std_error[static_cast<Eigen::Index>(j)];
      model.coefficients.push_back(std::move(c));
    }
  }
  TrainingInfo& t = model.training;
  t.data_sha256 = base::sha256_file_hex(spec.data_path);
  t.rows = train.size();
  for (auto i : train) t.positives += d.labels[i] > 0.5 ? 1 : 0;
  t.target = spec.target + (spec.positive.empty() ? "" : " == " + spec.positive);
  t.year_min = year_min;
  t.year_max = year_max;
  t.penalty = spec.options.penalty;
  t.C = spec.options.C;
  t.l1_ratio = spec.options.l1_ratio;
  t.weight_negative = final_model.fit.weight_negative;
  t.weight_positive = final_model.fit.weight_positive;
  t.iterations = final_model.fit.iterations;
  t.converged = final_model.fit.converged;
  t.refit_all = spec.refit_all && !test.empty() && !years.empty();
  t.C_selection = report.c_selection;
  t.preprocessing = spec.preprocess.describe();
  if (!t.converged) report.notes.push_back("the fit did not converge within the iteration limit");
  // The scorecard (a search over bin widths on the training rows) and the validation metrics
  // (with their bootstrap) are independent: on two cores at once.
  auto scorecard = std::async(std::launch::async, [&model, &d, &train, &spec] {
    return spec.scorecard ? make_scorecard(model, d.raw, train) : Scorecard{};
  });
  ModelMetrics metrics = evaluate_predictions(eval_labels, eval_probs, spec.groups, eval_groups,
                                              spec.capacity, validation);
  model.scorecard = scorecard.get();
  model.metrics = std::move(metrics);
  // What `skon monitor` compares a newer cohort with: the training rows' distributions and the
  // validation rows' probabilities.
  DriftReference drift;
  drift.rows = train.size();
  std::vector<double> values(train.size());
  for (std::size_t f = 0; f < spec.features.size(); ++f) {
    for (std::size_t i = 0; i < train.size(); ++i) values[i] = d.raw[f][train[i]];
    drift.fields.push_back(field_reference(final_model.pre.features()[f], values));
  }
  score_reference(eval_probs, drift);
  model.drift = std::move(drift);
  return report;
}

}  // namespace

std::string model_card(const LogisticModel& m) {
  std::ostringstream s;
  const ModelMetrics& mm = m.metrics;
  s << "# Model card: " << m.purpose << "\n\n";
  s << "*Logistic regression trained by skon " << m.tool_version << " on " << m.created
    << ". This card is generated with the model file (SHA-256 " << base::sha256_hex(to_json_text(m))
    << "); the numbers are the model file's.*\n\n";
  s << "## Intended use\n\n"
    << "Supports — never replaces — a professional's judgement under purpose `" << m.purpose
    << "`: it estimates the probability of the outcome `" << m.training.target
    << "` for a young person so that a professional can decide whom to talk with. Every "
       "assessment is advisory; the purpose's rules decide when a human must review.\n\n";
  s << "## Must not be used for\n\n"
    << "- automatic decisions about an individual, sanctions, or access to services;\n"
    << "- any purpose other than `" << m.purpose
    << "`, or any population unlike the training data;\n"
    << "- ranking or labelling young people outside a conversation with a professional;\n"
    << "- after the data sources, their definitions or the population change, until "
       "re-evaluated.\n\n";
  s << "## Data\n\n"
    << "| | |\n|---|---|\n"
    << "| training rows | " << m.training.rows << " |\n"
    << "| outcome rate | " << fmt(100 * m.training.base_rate(), 1) << " % (" << m.training.positives
    << " positives) |\n"
    << "| years of the training rows | "
    << (m.training.year_min
            ? std::to_string(*m.training.year_min) + "–" + std::to_string(*m.training.year_max)
            : std::string("not recorded"))
    << " |\n"
    << (m.training.refit_all
            ? "| refitted for production | yes: on the training and test years after validation; "
              "the performance below is the validated model's |\n"
            : "")
    << (m.training.preprocessing.empty() ? std::string()
                                         : "| preprocessing | " + m.training.preprocessing + " |\n")
    << "| data sha256 | `" << m.training.data_sha256 << "` |\n"
    << "| penalty | " << to_string(m.training.penalty) << ", C = " << m.training.C
    << (m.training.C_selection.empty() ? std::string(" (given)")
                                       : " (chosen: " + m.training.C_selection + ")")
    << " |\n"
    << "| class weights | negative " << fmt(m.training.weight_negative) << ", positive "
    << fmt(m.training.weight_positive) << " |\n\n";
  s << "## Features\n\n| field | source | direction |\n|---|---|---|\n";
  const auto& owner = m.preprocessor.column_feature();
  for (std::size_t f = 0; f < m.preprocessor.features().size(); ++f) {
    const auto& ft = m.preprocessor.features()[f];
    const int d = f < m.directions.size() ? m.directions[f] : 0;
    s << "| " << ft.column.name << " | " << ft.column.source << " | "
      << (d > 0   ? "may only raise risk"
          : d < 0 ? "may only lower risk"
                  : "free")
      << " |\n";
  }
  // What one unit of each coefficient is: the model works on standardized numbers and on 0/1
  // columns, so a coefficient reads only with its unit.
  s << "\n### Coefficients and their units\n\n"
    << "Each coefficient is the change in log-odds for one unit of its column. A number's unit is "
       "one standard deviation of the training rows; a category's column is 1 for that value "
       "against the reference value; a missing indicator is 1 when the value is missing (it is "
       "then imputed with the training mean).\n\n"
    << "| column | coefficient (log-odds) | per | training mean | training SD |\n"
    << "|---|---|---|---|---|\n"
    << "| intercept | " << fmt(m.intercept, 4) << " | — | — | — |\n";
  for (std::size_t j = 0; j < m.coefficients.size(); ++j) {
    const Coefficient& c = m.coefficients[j];
    const FeatureTransform& ft = m.preprocessor.features()[owner[j]];
    const bool indicator = c.name.ends_with(":missing");
    std::string per, mean = "—", sd = "—";
    if (indicator) {
      per = "missing (0/1)";
      mean = fmt(c.reference, 3) + " missing";
    } else if (ft.column.type == ColumnType::Category) {
      per = "1 = this value, vs " + ft.levels[static_cast<std::size_t>(ft.reference)];
      mean = fmt(c.reference, 3) + " share";
    } else if (!ft.scaled) {
      per = "1 unit (not scaled)";
    } else {
      per = "1 SD (" + fmt(ft.scale, 4) + ")";
      mean = fmt(ft.mean, 4);
      sd = fmt(ft.scale, 4);
    }
    s << "| " << c.name << " | " << fmt(c.value, 4) << " | " << per << " | " << mean << " | " << sd
      << " |\n";
  }
  if (!m.coefficients.empty() && m.coefficients.front().std_error) {
    s << "\n### Coefficients of the unpenalized fit (Wald statistics)\n\n"
      << "| column | coefficient | std. error | 95 % interval | p-value |\n|---|---|---|---|---|\n";
    if (m.intercept_std_error) {
      Coefficient intercept;
      intercept.value = m.intercept;
      intercept.std_error = m.intercept_std_error;
      char p[32];
      std::snprintf(p, sizeof p, "%.3g", intercept.p_value());
      s << "| intercept | " << fmt(intercept.value, 4) << " | " << fmt(*intercept.std_error, 4)
        << " | " << fmt(intercept.ci_low(), 4) << " – " << fmt(intercept.ci_high(), 4) << " | " << p
        << " |\n";
    }
    for (const auto& c : m.coefficients) {
      char p[32];
      std::snprintf(p, sizeof p, "%.3g", c.p_value());
      s << "| " << c.name << " | " << fmt(c.value, 4) << " | " << fmt(*c.std_error, 4) << " | "
        << fmt(c.ci_low(), 4) << " – " << fmt(c.ci_high(), 4) << " | " << p << " |\n";
    }
  }
  s << "\n## Performance\n\nValidation: " << mm.validation << " (" << mm.rows << " rows).\n\n"
    << "| metric | value |\n|---|---|\n"
    << "| ROC AUC (95 % DeLong interval) | " << fmt(mm.auc) << " (" << fmt(mm.auc_ci_low) << "–"
    << fmt(mm.auc_ci_high) << ") |\n"
    << "| PR AUC | " << fmt(mm.pr_auc) << " |\n"
    << "| Brier score | " << fmt(mm.brier, 4) << " |\n"
    << "| log loss | " << fmt(mm.log_loss, 4) << " |\n"
    << "| expected calibration error | " << fmt(mm.calibration_error, 4) << " |\n"
    << "| top " << fmt(100 * mm.capacity, 0) << " % flagged: precision / recall | "
    << fmt(mm.capacity_precision) << " / " << fmt(mm.capacity_recall) << " |\n\n";
  s << "## Calibration\n\nMethod: " << to_string(m.calibration.method)
    << (m.calibration.method == Calibration::Method::None
            ? " — the probabilities are the fitted model's own, not recalibrated."
            : ", fitted on rows the model was not trained on (see the validation above).")
    << "\n\n| predicted | rows | mean predicted | observed |\n|---|---|---|---|\n";
  for (const auto& b : mm.reliability) {
    if (b.count == 0) continue;
    s << "| " << fmt(b.low, 1) << "–" << fmt(b.high, 1) << " | " << b.count << " | "
      << fmt(b.mean_predicted) << " | " << fmt(b.observed_rate) << " |\n";
  }
  for (const auto& g : mm.groups) {
    s << "\n## Groups by " << g.field << "\n\nFlags at the capacity threshold ("
      << fmt(mm.capacity_threshold)
      << ").\n\n| group | rows | outcome rate | mean predicted | AUC | flag rate | TPR | FPR "
         "|\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& x : g.groups) {
      s << "| " << x.group << " | " << x.count << " | " << fmt(x.base_rate) << " | "
        << fmt(x.mean_predicted) << " | " << fmt(x.auc) << " | " << fmt(x.flag_rate) << " | "
        << fmt(x.tpr) << " | " << fmt(x.fpr) << " |\n";
    }
    s << "\nLargest gaps between groups: flag rate " << fmt(g.gap_flag_rate) << ", TPR "
      << fmt(g.gap_tpr) << ", FPR " << fmt(g.gap_fpr) << ", calibration " << fmt(g.gap_calibration)
      << ".\n";
    if (g.resamples > 0) {
      s << "Their uncertainty (standard deviation over " << g.resamples
        << " bootstrap resamples of the validation rows, at the same threshold): flag rate ± "
        << fmt(g.sd_flag_rate) << ", TPR ± " << fmt(g.sd_tpr) << ", FPR ± " << fmt(g.sd_fpr)
        << ", calibration ± " << fmt(g.sd_calibration) << "; the largest gap " << fmt(g.largest())
        << " ± " << fmt(g.sd_largest) << " (95 % interval "
        << fmt(std::max(0.0, g.largest() - 1.96 * g.sd_largest)) << "–"
        << fmt(g.largest() + 1.96 * g.sd_largest)
        << "). A purpose's `gate group_gap ... at 95 %` acts on the interval's upper bound.\n";
    }
  }
  const ScorecardAgreement& ag = m.scorecard.agreement;
  if (ag.rows > 0) {
    s << "\n## Scorecard — an approximation of the model\n\n"
      << "The model file's scorecard turns the model into points per range or value of each field "
         "("
      << std::lround(m.scorecard.points_per_log_odds * std::log(2.0))
      << " points double the odds; add them to " << m.scorecard.base_points
      << " and read the probability off its table), for reading the whole model on one page. It "
         "is not the model, and assessments never use it. On the "
      << ag.rows << " training rows its probability is within " << fmt(ag.tolerance, 2)
      << " of the model's for " << fmt(100 * ag.within, 1) << " % of them (mean difference "
      << fmt(ag.mean_abs, 4) << ", largest " << fmt(ag.max_abs, 3) << "), and its top 10 % holds "
      << fmt(100 * ag.top_overlap, 1) << " % of the model's top 10 %.\n\n"
      << "| field | points per range or value |\n|---|---|\n";
    for (const auto& f : m.scorecard.features) {
      std::string bins;
      for (const auto& b : f.bins) {
        bins += (bins.empty() ? "" : "; ") + b.label + ": " + std::to_string(b.points);
      }
      s << "| " << f.field << " | " << bins << " |\n";
    }
  }
  s << "\n## Limitations\n\n"
    << "- A logistic model is linear in its (standardized) features: interactions and thresholds "
       "are "
       "only captured by the rules.\n"
    << "- Missing values are imputed with the training mean (with a missing indicator); a young "
       "person "
       "with many gaps is scored mostly by the average. The purpose's completeness minimum guards "
       "this.\n"
    << "- The probability describes the training population; a changed population or registration "
       "practice makes it wrong without warning. Monitor it.\n"
    << "- Group gaps above show where the model treats groups differently; they are not "
       "corrected.\n";
  return s.str();
}

}  // namespace skon::models
