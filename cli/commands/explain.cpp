// skon explain — one person's assessment as a card a professional can read (Danish by default,
// --lang en). The numbers are the ones `skon assess` writes, rounded for reading.

#include "skon/engine/explain.hpp"

#include <cstdio>
#include <memory>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"

namespace skon::cli {
namespace {

struct ExplainOptions {
  RunArguments args;
  std::string data;
  std::string id;
  std::vector<std::string> set;
};

int run_explain(const ExplainOptions& opt) {
  // The professional asks by id; the card names the person by pseudonym, as the assessments do
  // (the raw id only with --reveal-ids): a printed card carries no identifier.
  engine::RunOptions options;
  options.top = static_cast<std::size_t>(-1);  // the card lists every feature's contribution
  const LoadedRun loaded = load_run(opt.args, options, /*with_key=*/true);
  const engine::Run& run = *loaded.run;
  const models::ReadOptions read = opt.args.data_options.to_read_options("");
  std::vector<double> values;
  std::string person;
  if (!opt.set.empty()) {
    values = engine::record_from_assignments(run, opt.set, read);
    person = std::string(engine::text(run.options().language, engine::Msg::CardValuesGiven));
  } else {
    if (opt.data.empty() || opt.id.empty()) {
      throw models::UsageError("give --data FILE --id ID, or --set FIELD=VALUE ...");
    }
    models::CohortReader source(opt.data, run.columns(opt.args.id_column), read);
    auto found = engine::find_record(source, opt.id);
    if (!found) {
      throw models::InputError("no row in " + opt.data + " has the given id in column '" +
                               opt.args.id_column + "'");
    }
    values = std::move(*found);
    person = run.pseudonym(opt.id);
  }
  std::fputs(engine::explain_record(run, values, person).c_str(), stdout);
  return kExitOk;
}

}  // namespace

void setup_explain(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<ExplainOptions>();
  CLI::App* sub = app.add_subcommand("explain", "one person's explanation as a readable card");
  add_run_arguments(*sub, opt->args);
  sub->add_option("--data", opt->data, "cohort file to find the person in");
  sub->add_option("--id", opt->id, "the person's id in --id-column");
  sub->add_option("--set", opt->set, "FIELD=VALUE instead of a data file (repeatable)");
  sub->callback([opt, &table] { table.selected = [opt] { return run_explain(*opt); }; });
}

}  // namespace skon::cli
