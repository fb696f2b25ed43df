// skon check PATH... — parse and check rule files; the diagnostics are the result (stdout).

#include <cstdio>
#include <memory>

#include "command.hpp"
#include "diagnostics_output.hpp"
#include "exit_codes.hpp"
#include "skon/dsl/render.hpp"

namespace skon::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";
  bool strict = false;
  std::size_t max_errors = 50;
  ColourOption colour;
};

int run_check(const CheckOptions& opt) {
  dsl::DiagnosticBag bag;
  auto program = load_rules(opt.paths, bag, opt.max_errors);
  DiagnosticOutput out{opt.format == "json", opt.colour.mode(), opt.max_errors};
  print_diagnostics(bag, program->sources, out, stdout);
  if (!out.json) {
    std::string summary = std::to_string(program->modules.size()) + " file" +
                          (program->modules.size() == 1 ? "" : "s") +
                          " checked: " + dsl::summary_line(bag.error_count(), bag.warning_count());
    std::printf("%s\n", summary.c_str());
  }
  const bool failed = bag.has_errors() || (opt.strict && bag.warning_count() > 0);
  return failed ? kExitFindings : kExitOk;
}

}  // namespace

void setup_check(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<CheckOptions>();
  CLI::App* sub =
      app.add_subcommand("check", "parse and check rule files; diagnostics as text or JSON");
  sub->add_option("paths", opt->paths, "rule files or directories (searched for *.skon)")
      ->required();
  sub->add_option("--format", opt->format, "diagnostics as text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  sub->add_flag("--strict", opt->strict, "warnings fail the check too (exit 1)");
  sub->add_option("--max-errors", opt->max_errors, "show at most this many errors")
      ->capture_default_str();
  sub->add_option("--color", opt->colour.value,
                  "colour diagnostics: auto (on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->footer("Exit codes: 0 no errors, 1 errors (or warnings with --strict), 2 usage.");
  sub->callback([opt, &table] { table.selected = [opt] { return run_check(*opt); }; });
}

}  // namespace skon::cli
