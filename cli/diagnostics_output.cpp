#include "diagnostics_output.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "skon/dsl/render.hpp"

namespace skon::cli {

ColourMode ColourOption::mode() const {
  if (value == "always") return ColourMode::Always;
  if (value == "never") return ColourMode::Never;
  return ColourMode::Auto;
}

void print_diagnostics(const dsl::DiagnosticBag& bag, const dsl::SourceMap& sources,
                       const DiagnosticOutput& options, std::FILE* out) {
  const std::vector<dsl::Diagnostic> all = bag.sorted();
  std::size_t errors_shown = 0, hidden = 0;
  std::vector<const dsl::Diagnostic*> shown;
  for (const auto& d : all) {
    if (d.severity == dsl::Severity::Error) {
      if (errors_shown == options.max_errors) {
        ++hidden;
        continue;
      }
      ++errors_shown;
    }
    shown.push_back(&d);
  }
  dsl::Diagnostic more;
  if (hidden > 0 || bag.stopped_early()) {
    more.code = dsl::DiagCode::E0004;
    more.message = std::to_string(hidden) + " more error" + (hidden == 1 ? "" : "s") +
                   " not shown (limit " + std::to_string(options.max_errors) + ")";
    if (bag.stopped_early()) more.message += "; parsing stopped there, so there may be more";
    more.help = "fix the errors above, or raise the limit with --max-errors";
    shown.push_back(&more);
  }

  if (options.json) {
    const std::string text =
        dsl::render_json(shown, sources, bag.error_count(), bag.warning_count());
    std::fwrite(text.data(), 1, text.size(), out);
    return;
  }
  const bool colour = options.colour == ColourMode::Always ||
                      (options.colour == ColourMode::Auto && ::isatty(::fileno(out)) != 0 &&
                       std::getenv("NO_COLOR") == nullptr);
  for (const auto* d : shown) {
    const std::string text = dsl::render_text(*d, sources, {.colour = colour});
    std::fwrite(text.data(), 1, text.size(), out);
  }
}

std::unique_ptr<dsl::Program> load_rules(const std::vector<std::string>& paths,
                                         dsl::DiagnosticBag& bag, std::size_t max_errors) {
  std::vector<std::filesystem::path> p(paths.begin(), paths.end());
  dsl::LoadOptions options;
  options.limits.max_errors = max_errors;
  auto program = dsl::load_program(p, bag, options);
  // Checking a rule set with syntax errors would only repeat them as unknown names.
  if (!bag.has_errors()) dsl::check_program(*program, bag);
  return program;
}

}  // namespace skon::cli
