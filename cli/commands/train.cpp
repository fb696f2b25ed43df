// skon train --rules DIR --purpose P --data FILE -o MODEL — fit the purpose's model.

#include "skon/models/train.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include "command.hpp"
#include "data_options.hpp"
#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "file_checks.hpp"
#include "run_inputs.hpp"
#include "skon/base/atomic_file.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/training.hpp"
#include "skon/core/version.hpp"
#include "skon/documents/training_document.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::cli {
namespace {

// "2015..2018" or "2019" as an inclusive range of years.
std::optional<std::pair<int, int>> year_range(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  const auto dots = text.find("..");
  try {
    std::size_t used = 0;
    const int from = std::stoi(text.substr(0, dots), &used);
    if (used != (dots == std::string::npos ? text.size() : dots)) throw std::invalid_argument("");
    int to = from;
    if (dots != std::string::npos) {
      to = std::stoi(text.substr(dots + 2), &used);
      if (used != text.size() - dots - 2) throw std::invalid_argument("");
    }
    if (to < from) throw std::invalid_argument("");
    return std::pair{from, to};
  } catch (const std::exception&) {
    throw base::UsageError(std::string(option) + " '" + text +
                           "' is not a year or a range of years; give e.g. 2015..2018");
  }
}

struct TrainOptions {
  std::vector<std::string> rules;
  std::string purpose;
  std::string data;
  std::string output;
  std::string target = "outcome";
  std::string positive;
  std::string year;
  std::vector<std::string> by;
  std::string penalty = "l2";
  std::string C = "1";  // a positive number, or "auto"
  double l1_ratio = 0.5;
  std::string class_weight = "none";
  std::string calibration = "platt";
  double capacity_pct = 10;
  int folds = 5;
  std::string train_years, calibrate_years, test_years;  // "2015..2018"
  std::string impute = "mean", reference = "most-frequent", scale = "standard";
  bool refit_all = false;
  std::uint64_t seed = 2026;
  DataOptions data_options;
};

std::string card_path(const std::string& model_path) {
  const auto dot = model_path.rfind(".json");
  return (dot == std::string::npos ? model_path : model_path.substr(0, dot)) + ".card.md";
}

int run_train(const TrainOptions& opt) {
  refuse_stream_data(opt.data);
  {
    std::vector<std::string> inputs = rule_file_paths(opt.rules);
    inputs.push_back(opt.data);
    inputs.push_back(opt.data_options.mapping);
    refuse_output_over_input({opt.output, opt.output == "-" ? "" : card_path(opt.output)}, inputs);
    warn_about_stale_temporaries(opt.output);
  }
  auto program = load_checked_rules(opt.rules, "trained");
  const dsl::Index pi = find_purpose(*program, opt.purpose);
  models::TrainSpec spec;
  spec.data_path = opt.data;
  spec.read = opt.data_options.to_read_options(opt.output + ".rejects.csv");
  engine::check_column_bindings(*program, spec.read.header_for);
  engine::describe_training(*program, pi, opt.by, spec);
  spec.target = opt.target;
  spec.positive = opt.positive;
  spec.year = opt.year;
  spec.options.penalty = opt.penalty == "none"         ? models::Penalty::None
                         : opt.penalty == "l1"         ? models::Penalty::L1
                         : opt.penalty == "elasticnet" ? models::Penalty::ElasticNet
                                                       : models::Penalty::L2;
  if (opt.C == "auto") {
    spec.auto_C = true;
    if (opt.penalty == "none")
      throw base::UsageError("--C auto chooses a penalty's strength; --penalty none has none");
  } else {
    char* end = nullptr;
    spec.options.C = std::strtod(opt.C.c_str(), &end);
    if (opt.C.empty() || *end != '\0' || !(spec.options.C > 0) || !std::isfinite(spec.options.C)) {
      throw base::UsageError("--C '" + opt.C + "': give a positive number, or auto");
    }
  }
  spec.options.l1_ratio = opt.l1_ratio;
  spec.options.balanced = opt.class_weight == "balanced";
  if (!spec.options.balanced && opt.class_weight != "none") {
    // Explicit weights, as scikit-learn's class_weight={0: w0, 1: w1}: "0:1,1:3".
    double w[2] = {-1, -1};
    std::size_t at = 0;
    bool ok = true;
    while (ok && at < opt.class_weight.size()) {
      const std::size_t comma = opt.class_weight.find(',', at);
      const std::string part = opt.class_weight.substr(at, comma - at);
      const std::size_t colon = part.find(':');
      ok = colon != std::string::npos &&
           (part.substr(0, colon) == "0" || part.substr(0, colon) == "1");
      if (ok) {
        char* end = nullptr;
        const std::string number = part.substr(colon + 1);
        const double v = std::strtod(number.c_str(), &end);
        ok = !number.empty() && *end == '\0' && v > 0 && std::isfinite(v);
        if (ok) w[part[0] - '0'] = v;
      }
      at = comma == std::string::npos ? opt.class_weight.size() : comma + 1;
    }
    if (!ok || w[0] < 0 || w[1] < 0) {
      throw base::UsageError("--class-weight '" + opt.class_weight +
                             "': give none, balanced, or both classes' weights as 0:W,1:W "
                             "(e.g. 0:1,1:3)");
    }
    spec.options.weight_negative = w[0];
    spec.options.weight_positive = w[1];
  }
  spec.calibration = opt.calibration == "isotonic" ? models::Calibration::Method::Isotonic
                     : opt.calibration == "none"   ? models::Calibration::Method::None
                                                   : models::Calibration::Method::Platt;
  spec.capacity = opt.capacity_pct / 100.0;
  spec.folds = opt.folds;
  spec.train_years = year_range(opt.train_years, "--train-years");
  spec.calibrate_years = year_range(opt.calibrate_years, "--calibrate-years");
  spec.test_years = year_range(opt.test_years, "--test-years");
  spec.refit_all = opt.refit_all;
  models::PreprocessOptions& pre = spec.preprocess;
  if (opt.impute == "median") {
    pre.impute = models::PreprocessOptions::Impute::Median;
  } else if (opt.impute.starts_with("constant:")) {
    char* end = nullptr;
    const std::string value = opt.impute.substr(9);
    pre.constant = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(pre.constant)) {
      throw base::UsageError("--impute '" + opt.impute +
                             "': give constant:NUMBER, e.g. constant:0");
    }
    pre.impute = models::PreprocessOptions::Impute::Constant;
  } else if (opt.impute != "mean") {
    throw base::UsageError("--impute '" + opt.impute + "': give mean, median or constant:NUMBER");
  }
  for (std::size_t at = 0; at < opt.reference.size();) {
    const std::size_t comma = opt.reference.find(',', at);
    const std::string part = opt.reference.substr(at, comma - at);
    at = comma == std::string::npos ? opt.reference.size() : comma + 1;
    if (part == "most-frequent") continue;
    if (part == "first") {
      pre.reference = models::PreprocessOptions::Reference::First;
      continue;
    }
    const std::size_t eq = part.find('=');
    // Only a category the purpose's model uses, and one of its values.
    const auto feature =
        eq == std::string::npos
            ? spec.features.end()
            : std::find_if(spec.features.begin(), spec.features.end(), [&](const auto& c) {
                return c.name == part.substr(0, eq) && c.type == models::ColumnType::Category;
              });
    if (feature == spec.features.end()) {
      throw base::UsageError("--reference '" + part +
                             "': give most-frequent, first, or FIELD=VALUE for a category the "
                             "purpose's model uses");
    }
    if (std::find(feature->levels.begin(), feature->levels.end(), part.substr(eq + 1)) ==
        feature->levels.end()) {
      throw base::UsageError("--reference '" + part + "': " + feature->name + " has no value '" +
                             part.substr(eq + 1) + "'");
    }
    pre.reference_for[part.substr(0, eq)] = part.substr(eq + 1);
  }
  pre.scale = opt.scale != "none";
  // A yes/no declared as a category becomes a dummy against a reference value, not a 0/1 number:
  // a different model from the same data. Say so.
  for (const auto& column : spec.features) {
    if (column.type != models::ColumnType::Category || column.levels.size() != 2) continue;
    std::vector<std::string> values = column.levels;
    std::sort(values.begin(), values.end());
    for (const auto& pair : {std::pair{"false", "true"}, std::pair{"ja", "nej"},
                             std::pair{"no", "yes"}, std::pair{"0", "1"}}) {
      if (values[0] == pair.first && values[1] == pair.second) {
        spdlog::warn(
            "{} is declared as a category of two values ({}, {}): the model sees a "
            "dummy against its reference value; declare it as bool for a 0/1 number",
            column.name, column.levels[0], column.levels[1]);
      }
    }
  }
  spec.seed = opt.seed;
  spec.created = utc_timestamp();
  spec.tool_version = std::string(engine::version());

  const auto t0 = std::chrono::steady_clock::now();
  models::TrainReport report = models::train_model(spec);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const models::LogisticModel& m = report.model;

  // Both files are written in full before either is renamed into place; the model goes first,
  // so a kill between the two renames never leaves a new card beside an old model (the card
  // names the model's SHA-256). With -o - the model goes to standard output, without a card.
  const bool to_stdout = opt.output == "-";
  base::AtomicFile model(opt.output);  // opened first: an unwritable -o is named as given
  model.write(models::to_json_text(m));
  std::unique_ptr<base::AtomicFile> card;
  if (!to_stdout) {
    card = std::make_unique<base::AtomicFile>(card_path(opt.output));
    card->write(models::model_card(m));
  }
  model.commit();
  if (card) card->commit();
  if (to_stdout) return kExitOk;  // stdout carries the model only

  for (const auto& note : report.notes) spdlog::warn("{}", note);
  engine::TrainingHeading h{opt.output, spec.read.rejects_path, seconds};
  std::fputs(engine::training_text(h, *program, pi, report).c_str(), stdout);
  std::printf("model card: %s\n", card_path(opt.output).c_str());
  return kExitOk;
}

}  // namespace

void setup_train(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<TrainOptions>();
  CLI::App* sub = app.add_subcommand(
      "train", "fit a purpose's model on historical data; writes model file and model card");
  sub->add_option("--rules", opt->rules, "rule files or directories")->required();
  sub->add_option("--purpose", opt->purpose, "the purpose whose features and constraints apply")
      ->required();
  sub->add_option("--data", opt->data, "historical cohort with outcomes (CSV or JSON Lines)")
      ->required();
  sub->add_option("-o,--output", opt->output, "model file to write (JSON); the card goes beside it")
      ->required();
  sub->add_option("--target", opt->target, "column holding the outcome")->capture_default_str();
  sub->add_option("--positive", opt->positive,
                  "outcome value that counts as positive (default: 1/true)");
  sub->add_option(
      "--year", opt->year,
      "cohort year column for temporal validation (default: cohort_year or year if present)");
  sub->add_option("--by", opt->by, "category fields to report group metrics for")->delimiter(',');
  sub->add_option("--penalty", opt->penalty, "l2, l1, elasticnet or none")
      ->check(CLI::IsMember({"l2", "l1", "elasticnet", "none"}))
      ->capture_default_str();
  sub->add_option("--C", opt->C,
                  "inverse regularization strength (as scikit-learn), or auto: chosen by "
                  "cross-validation inside the training years")
      ->capture_default_str();
  sub->add_option("--l1-ratio", opt->l1_ratio, "elastic-net mix")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  sub->add_option("--class-weight", opt->class_weight,
                  "none, balanced, or each class's weight as 0:W,1:W (e.g. 0:1,1:3)");
  sub->add_option("--calibration", opt->calibration, "platt, isotonic or none")
      ->check(CLI::IsMember({"platt", "isotonic", "none"}))
      ->capture_default_str();
  sub->add_option("--capacity", opt->capacity_pct, "percent a municipality can follow up on")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  sub->add_option("--train-years", opt->train_years, "years to train on, e.g. 2015..2017");
  sub->add_option("--calibrate-years", opt->calibrate_years,
                  "years to calibrate on (default: 20 % of the training rows)");
  sub->add_option("--test-years", opt->test_years, "years to test on (default: the last)");
  sub->add_flag("--refit-all", opt->refit_all,
                "after validation, refit on the training and test years for production");
  sub->add_option("--impute", opt->impute,
                  "a missing number's stand-in: mean, median or constant:NUMBER")
      ->capture_default_str();
  sub->add_option("--reference", opt->reference,
                  "each category's reference value: most-frequent, first, and/or FIELD=VALUE,...")
      ->capture_default_str();
  sub->add_option("--scale", opt->scale, "standard (numbers standardized) or none")
      ->check(CLI::IsMember({"standard", "none"}))
      ->capture_default_str();
  sub->add_option("--folds", opt->folds, "folds when there is no cohort year")
      ->check(CLI::Range(2, 50))
      ->capture_default_str();
  sub->add_option("--seed", opt->seed, "seed for splits")->capture_default_str();
  opt->data_options.add_to(*sub);
  sub->callback([opt, &table] { table.selected = [opt] { return run_train(*opt); }; });
}

}  // namespace skon::cli
