#include "app.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "exit_codes.hpp"
#include "logging.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/version.hpp"
#include "skon/dsl/suggest.hpp"

namespace skon::cli {
namespace {

constexpr const char* kFooter =
    R"(Exit codes: 0 ok, 1 findings (check errors, failed tests, failed verification),
2 usage error, 3 input or output error (bad rule file, data or model; an output that
cannot be written), 4 internal error (a bug in skon).
Run `skon SUBCOMMAND --help` for a subcommand's options.)";

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  return names;
}

// One line naming the first unexpected argument and the closest valid name.
std::string explain_extra(const CLI::App& root) {
  const CLI::App* where = &root;
  for (const CLI::App* sub : root.get_subcommands()) {
    if (!sub->remaining(false).empty()) where = sub;
  }
  const std::vector<std::string> extras = where->remaining(false);
  if (extras.empty()) return "unexpected argument";
  const std::string& word = extras.front();
  const std::string prefix = where == &root ? "skon" : "skon " + where->get_name();
  const bool is_option = word.rfind('-', 0) == 0;
  std::string message;
  std::optional<std::string> suggestion;
  if (is_option) {
    const std::string bare = word.substr(0, word.find('='));
    message = prefix + ": unknown option '" + bare + "'";
    suggestion = dsl::closest_match(bare, option_names(*where));
    if (!suggestion && where != &root) suggestion = dsl::closest_match(bare, option_names(root));
  } else if (where == &root && root.get_subcommands().empty()) {
    message = prefix + ": unknown subcommand '" + word + "'";
    suggestion = dsl::closest_match(word, subcommand_names(root));
  } else {
    message = prefix + ": unexpected argument '" + word + "'";
  }
  if (suggestion) message += "; did you mean '" + *suggestion + "'?";
  return message;
}

// `skon help [SUBCOMMAND]`: the same text as --help.
void setup_help(CLI::App& app, CommandTable& table) {
  auto topic = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("help", "show help for skon or one subcommand");
  sub->add_option("subcommand", *topic, "the subcommand to explain");
  sub->callback([&app, &table, topic] {
    table.selected = [&app, topic] {
      // The formatter, not App::help(): that would describe the selected subcommand, `help`.
      if (topic->empty()) {
        std::cout << app.get_formatter()->make_help(&app, "skon", CLI::AppFormatMode::Normal);
        return static_cast<int>(kExitOk);
      }
      for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (s->get_name() == *topic) {
          std::cout << s->get_formatter()->make_help(s, s->get_name(), CLI::AppFormatMode::Normal);
          return static_cast<int>(kExitOk);
        }
      }
      const auto suggestion = dsl::closest_match(*topic, subcommand_names(app));
      throw base::UsageError("no subcommand '" + *topic + "'" +
                             (suggestion ? "; did you mean '" + *suggestion + "'?" : ""));
    };
  });
}

}  // namespace

int run_skon(int argc, char** argv) {
  CLI::App app{
      "Skøn: explained, rule-audited risk assessments that support a professional's "
      "judgement.",
      "skon"};
  app.set_version_flag("-V,--version",
                       std::string("skon ") + std::string(engine::version_with_build()));
  app.footer(kFooter);
  app.require_subcommand(0, 1);

  std::string log_level = "info";
  bool quiet = false;
  app.add_option("--log-level", log_level, "log verbosity on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.add_flag("-q,--quiet", quiet, "only errors on stderr; no progress or summary");

  CommandTable table;
  setup_check(app, table);
  setup_fmt(app, table);
  setup_test(app, table);
  setup_generate(app, table);
  setup_train(app, table);
  setup_evaluate(app, table);
  setup_assess(app, table);
  setup_explain(app, table);
  setup_audit(app, table);
  setup_review(app, table);
  setup_diff(app, table);
  setup_doc(app, table);
  setup_report(app, table);
  setup_monitor(app, table);
  setup_compare(app, table);
  setup_patterns(app, table);
  setup_help(app, table);
  // Global options (--log-level, -q) work before or after the subcommand.
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    sub->fallthrough();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError&) {
    std::cerr << explain_extra(app) << "\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    std::cerr << "skon: " << e.what() << "\n";
    return kExitUsage;
  }

  configure_logging(log_level, quiet);
  if (!table.selected) {
    std::cerr << app.help();
    return kExitUsage;
  }
  const auto selected = app.get_subcommands();
  const std::string command = selected.empty() ? "" : selected.front()->get_name();
  try {
    return table.selected();
  } catch (...) {
    return report_current_exception(command);
  }
}

}  // namespace skon::cli
