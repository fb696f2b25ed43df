// skon generate --rows N --seed S [--years A..B] [--current] [--dirty] -o FILE — a synthetic
// cohort for the dropout domain, its rates following published Danish figures
// (docs/synthetic-data.md).

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "command.hpp"
#include "exit_codes.hpp"
#include "file_checks.hpp"
#include "skon/base/clock.hpp"
#include "skon/base/date.hpp"
#include "skon/base/errors.hpp"
#include "skon/models/synthetic_cohort.hpp"

namespace skon::cli {
namespace {

struct GenerateOptions {
  models::SyntheticOptions cohort;
  std::string years;
  std::string output;
};

// "2015..2019" or a single year "2026".
bool parse_years(const std::string& text, int& from, int& to) {
  const auto dots = text.find("..");
  try {
    std::size_t used = 0;
    if (dots == std::string::npos) {
      from = to = std::stoi(text, &used);
      return used == text.size();
    }
    from = std::stoi(text.substr(0, dots), &used);
    if (used != dots) return false;
    const std::string rest = text.substr(dots + 2);
    to = std::stoi(rest, &used);
    return used == rest.size() && from <= to;
  } catch (const std::exception&) {
    return false;
  }
}

int run_generate(GenerateOptions& opt) {
  if (!opt.years.empty()) {
    if (!parse_years(opt.years, opt.cohort.year_from, opt.cohort.year_to) ||
        opt.cohort.year_from < 1900 || opt.cohort.year_to > 2200) {
      throw base::UsageError("--years takes FIRST..LAST, e.g. 2015..2019 (got '" + opt.years +
                             "')");
    }
  } else if (opt.cohort.current) {
    const std::string today = base::format_iso_date(base::system_clock().today());
    opt.cohort.year_from = opt.cohort.year_to = std::stoi(today.substr(0, 4));
  }
  const auto t0 = std::chrono::steady_clock::now();
  warn_about_stale_temporaries(opt.output);
  models::write_synthetic_cohort(opt.cohort, opt.output);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (spdlog::get_level() <= spdlog::level::info) {
    std::fprintf(
        stderr, "skon generate: %zu synthetic young people, %s %d–%d%s, seed %llu; %.2f s -> %s\n",
        opt.cohort.rows, opt.cohort.current ? "current cohort (no outcome)," : "9th grade in",
        opt.cohort.year_from, opt.cohort.year_to, opt.cohort.dirty ? ", with export errors" : "",
        static_cast<unsigned long long>(opt.cohort.seed), seconds, opt.output.c_str());
  }
  return kExitOk;
}

}  // namespace

void setup_generate(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<GenerateOptions>();
  CLI::App* sub =
      app.add_subcommand("generate", "generate a synthetic cohort (historical or current)");
  sub->add_option("--rows", opt->cohort.rows, "number of young people")
      ->required()
      ->check(CLI::Range(1ul, 100000000ul));
  sub->add_option("--seed", opt->cohort.seed, "random seed: the same seed gives the same file")
      ->capture_default_str();
  sub->add_option(
      "--years", opt->years,
      "years of finishing 9th grade, FIRST..LAST (default 2015..2019; with --current this year)");
  sub->add_flag("--current", opt->cohort.current, "leave out the outcome: a cohort to assess");
  sub->add_flag("--dirty", opt->cohort.dirty,
                "inject the errors real exports have (about 1 % of rows)");
  sub->add_option(
         "-o,--output", opt->output,
         "file to write, atomically: CSV, or JSON Lines for .jsonl (- for standard output)")
      ->required();
  sub->footer(
      "Every rate and its source: docs/synthetic-data.md. No row describes a real person.\n"
      "Exit codes: 0 ok, 2 usage, 3 cannot write.");
  sub->callback([opt, &table] { table.selected = [opt] { return run_generate(*opt); }; });
}

}  // namespace skon::cli
