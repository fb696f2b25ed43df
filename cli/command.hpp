#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace skon::cli {

// What a subcommand's setup function hands back: the code to run once the command line is parsed.
// Setup functions declare options bound to state they own (captured by the returned function).
using CommandRun = std::function<int()>;

// Registry filled by each subcommand's setup function; app.cpp runs the selected one.
struct CommandTable {
  // Called by a subcommand's CLI11 callback to mark itself as the one to run.
  CommandRun selected;
};

// The language's subcommands (commands/check.cpp, fmt.cpp, test.cpp).
void setup_check(CLI::App& app, CommandTable& table);
void setup_fmt(CLI::App& app, CommandTable& table);
void setup_test(CLI::App& app, CommandTable& table);
// The domain's synthetic cohort (commands/generate.cpp).
void setup_generate(CLI::App& app, CommandTable& table);
// The models' subcommands (commands/train.cpp, evaluate.cpp).
void setup_train(CLI::App& app, CommandTable& table);
void setup_evaluate(CLI::App& app, CommandTable& table);
// The engine's subcommands (commands/assess.cpp, explain.cpp).
void setup_assess(CLI::App& app, CommandTable& table);
void setup_explain(CLI::App& app, CommandTable& table);
// The audit log's subcommands (commands/audit.cpp; review.cpp: review record, approve).
void setup_audit(CLI::App& app, CommandTable& table);
void setup_review(CLI::App& app, CommandTable& table);
// The legal reviewer's commands (commands/diff.cpp, doc.cpp).
void setup_diff(CLI::App& app, CommandTable& table);
void setup_doc(CLI::App& app, CommandTable& table);
// What analysts and decision makers look at (commands/report.cpp).
void setup_report(CLI::App& app, CommandTable& table);
void setup_monitor(CLI::App& app, CommandTable& table);
void setup_compare(CLI::App& app, CommandTable& table);
void setup_patterns(CLI::App& app, CommandTable& table);

}  // namespace skon::cli
