// skon explain — one person's assessment as a card a professional can read (Danish by default,
// --lang en). The numbers are the ones `skon assess` writes, rounded for reading.

#include "skon/documents/explain.hpp"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "audit_options.hpp"
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
  AuditOption audit;  // given: the decisions recorded for the person are shown
};

// What professionals have decided about this person, from the audit log: every decision, in order.
void print_decisions(const ExplainOptions& opt, const engine::Run& run) {
  const auto log = engine::AuditLog::open(opt.audit.path, /*create=*/false);
  const std::string person = run.person_in_log(opt.id);
  const bool danish = run.options().language == engine::Language::Danish;
  std::string text;
  log->rows("decision", "", person, [&](const engine::StoredRow& s) {
    if (s.purged) return;
    const auto j = nlohmann::json::parse(s.row.body, nullptr, false);
    if (!j.is_object()) return;
    text += "  " + s.row.time.substr(0, 10) + "  " + j.value("decision", "") + "  (" +
            j.value("by", "") + ", run " + s.row.run.substr(0, 8) + ")";
    const std::string note = j.value("note", "");
    if (!note.empty()) text += ": " + note;
    text += "\n";
  });
  std::printf("\n%s:\n%s", danish ? "Beslutninger i revisionsloggen" : "Decisions in the audit log",
              text.empty() ? (danish ? "  ingen endnu\n" : "  none yet\n") : text.c_str());
}

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
      throw base::UsageError("give --data FILE --id ID, or --set FIELD=VALUE ...");
    }
    models::CohortReader source(opt.data, run.columns(opt.args.id_column), read);
    auto found = engine::find_record(source, opt.id);
    if (!found) {
      throw base::InputError("no row in " + opt.data + " has the given id in column '" +
                             opt.args.id_column + "'");
    }
    values = std::move(*found);
    person = run.pseudonym(opt.id);
  }
  std::fputs(engine::explain_record(run, values, person).c_str(), stdout);
  if (!opt.audit.path.empty() && !opt.id.empty()) print_decisions(opt, run);
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
  sub->add_option("--audit", opt->audit.path,
                  "an audit log: show the decisions recorded for the person");
  sub->callback([opt, &table] { table.selected = [opt] { return run_explain(*opt); }; });
}

}  // namespace skon::cli
