#include <iostream>
#include <memory>

#include "command.hpp"
#include "exit_codes.hpp"
#include "skon/models/errors.hpp"

namespace skon::cli {
namespace {

struct PlannedCommand {
  const char* name;
  const char* summary;
  const char* arrives_with;
};

// DESIGN.md's CLI surface, in the order a user meets it. Entries leave this table as they are
// built.
constexpr PlannedCommand kPlanned[] = {
    {"check", "parse and check rule files; diagnostics as text or JSON", "the language issue"},
    {"fmt", "format rule files canonically (--check to verify)", "the language issue"},
    {"test", "run the test blocks in rule files", "the language issue"},
    {"generate", "generate a synthetic cohort (historical or current)", "the domain issue"},
    {"train", "fit a purpose's model on historical data; writes model file and model card",
     "the models issue"},
    {"evaluate", "metrics, calibration and group gaps of a model on a cohort", "the models issue"},
    {"assess", "one explained assessment per person and purpose", "the engine issue"},
    {"explain", "one person's explanation as a readable card", "the engine issue"},
    {"compare", "purposes and scenarios side by side: quality vs. ethical cost",
     "the compare issue"},
};

}  // namespace

constexpr const char* kPlannedGroup = "Planned (not available yet)";

bool is_planned(const CLI::App& sub) {
  return sub.get_group() == kPlannedGroup;
}

void setup_planned_commands(CLI::App& app, CommandTable& table) {
  for (const PlannedCommand& planned : kPlanned) {
    const auto existing =
        app.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == planned.name; });
    if (!existing.empty()) continue;  // already built
    CLI::App* sub = app.add_subcommand(planned.name, planned.summary);
    sub->group(kPlannedGroup);  // listed apart from the working subcommands
    sub->allow_extras();
    sub->callback([&table, planned] {
      table.selected = [planned]() -> int {
        throw models::UsageError(std::string("not available yet (arrives with ") +
                                 planned.arrives_with + ")");
      };
    });
  }
}

}  // namespace skon::cli
