#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "skon/dsl/diagnostic.hpp"
#include "skon/dsl/program.hpp"

namespace skon::cli {

enum class ColourMode { Auto, Always, Never };

struct DiagnosticOutput {
  bool json = false;
  ColourMode colour = ColourMode::Auto;
  std::size_t max_errors = 50;
};

// Prints diagnostics sorted by position: text (with a caret; colour when `out` is a terminal
// and allowed) or one JSON document {diagnostics: [...], errors, warnings}. Past `max_errors`
// errors the rest are counted in one final E0004 line.
void print_diagnostics(const dsl::DiagnosticBag& bag, const dsl::SourceMap& sources,
                       const DiagnosticOutput& options, std::FILE* out);

// Loads and checks the rule files at `paths`; diagnostics go to `bag`. Parsing stops past
// `max_errors` errors (the limit the diagnostics are shown with).
std::unique_ptr<dsl::Program> load_rules(const std::vector<std::string>& paths,
                                         dsl::DiagnosticBag& bag, std::size_t max_errors = 50);

// Registers --color on a subcommand.
struct ColourOption {
  std::string value = "auto";
  ColourMode mode() const;
};

}  // namespace skon::cli
