// skon test PATH... — run the `test` blocks in rule files; ends with `N passed, N failed`.

#include <cstdio>
#include <memory>

#include "command.hpp"
#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "skon/base/clock.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/run_setup.hpp"
#include "skon/core/test_runner.hpp"

namespace skon::cli {
namespace {

struct TestOptions {
  std::vector<std::string> paths;
  bool coverage = false;
  bool quiet_passes = false;
  std::string today;  // the day tests without `on DATE` assume (default: the clock's)
};

std::string where(const dsl::SourceMap& sources, const dsl::Span& span) {
  const dsl::SourceFile& f = sources.file(span.file);
  const dsl::LineCol lc = f.line_col(span.begin);
  return f.name() + ":" + std::to_string(lc.line);
}

void print_coverage(const dsl::Program& program, const engine::TestReport& report) {
  std::printf("\ncoverage of rule outcomes (true / false / unknown):\n");
  const engine::CoverageSummary summary = engine::summarize_coverage(program, report);
  std::size_t width = 4;
  for (const auto& r : program.rules) width = std::max(width, r.name.size());
  for (std::size_t i = 0; i < program.rules.size(); ++i) {
    const auto& c = report.coverage[i];
    const auto mark = [](bool b) { return b ? "yes" : "NO "; };
    const bool can_be_unknown = summary.can_be_unknown[i];
    std::printf("  %-*s  true %s  false %s  unknown %s%s\n", static_cast<int>(width),
                program.rules[i].name.c_str(), mark(c[1]), mark(c[0]),
                can_be_unknown ? mark(c[2]) : "n/a",
                c[2] || !can_be_unknown ? "" : "   <- untested with missing data");
  }
  const std::size_t seen = summary.seen, total = summary.possible;
  std::printf("  %zu of %zu outcomes exercised (%.0f %%)\n", seen, total,
              total == 0 ? 100.0 : 100.0 * static_cast<double>(seen) / static_cast<double>(total));
}

int run_test(const TestOptions& opt) {
  dsl::DiagnosticBag bag;
  auto program = load_rules(opt.paths, bag);
  if (bag.has_errors()) {
    print_diagnostics(bag, program->sources, DiagnosticOutput{}, stderr);
    throw base::InputError("the rule files have errors; no test was run");
  }
  // A test without `on DATE` runs as of --today, else the clock's day.
  const base::FixedClock on_day =
      base::FixedClock::at_day(engine::assessment_date(opt.today, base::system_clock()));
  const engine::TestReport report = engine::run_tests(*program, on_day);
  for (const auto& result : report.results) {
    const std::string at = where(program->sources, result.test->decl->span);
    const std::string& name = result.test->decl->name.value;
    if (result.passed()) {
      if (!opt.quiet_passes) std::printf("PASS %s  %s\n", at.c_str(), name.c_str());
      continue;
    }
    std::printf("FAIL %s  %s\n", at.c_str(), name.c_str());
    for (const auto& f : result.failures) {
      std::printf("  %s: expected %s\n", where(program->sources, f.span).c_str(),
                  f.expected.c_str());
      std::printf("  %*s  actual: %s\n", 0, "", f.actual.c_str());
    }
  }
  if (opt.coverage) print_coverage(*program, report);
  std::printf("%zu passed, %zu failed\n", report.passed, report.failed);
  return report.failed == 0 ? kExitOk : kExitFindings;
}

}  // namespace

void setup_test(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<TestOptions>();
  CLI::App* sub = app.add_subcommand("test", "run the test blocks in rule files");
  sub->add_option("paths", opt->paths, "rule files or directories (searched for *.skon)")
      ->required();
  sub->add_flag("--coverage", opt->coverage,
                "report, per rule, whether tests saw its condition true, false and unknown");
  sub->add_flag("--failures-only", opt->quiet_passes, "list only failing tests");
  sub->add_option("--today", opt->today,
                  "YYYY-MM-DD: the day tests without `on DATE` assume (default: today)");
  sub->footer("Exit codes: 0 all passed, 1 a test failed, 3 the rule files have errors.");
  sub->callback([opt, &table] { table.selected = [opt] { return run_test(*opt); }; });
}

}  // namespace skon::cli
