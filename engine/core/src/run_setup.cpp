#include "skon/core/run_setup.hpp"

#include "skon/base/date.hpp"
#include "skon/base/errors.hpp"
#include "skon/base/keys.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/columns.hpp"
#include "skon/dsl/suggest.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

std::unique_ptr<dsl::Program> load_checked_rules(const std::vector<std::string>& paths,
                                                 std::string_view verb,
                                                 const ShowDiagnostics& show) {
  dsl::DiagnosticBag bag;
  const std::vector<std::filesystem::path> p(paths.begin(), paths.end());
  dsl::LoadOptions options;
  options.limits.max_errors = 50;  // as many as `skon check` shows by default
  auto program = dsl::load_program(p, bag, options);
  // Checking a rule set with syntax errors would only repeat them as unknown names.
  if (!bag.has_errors()) dsl::check_program(*program, bag);
  if (bag.has_errors()) {
    if (show) show(bag, program->sources);
    throw base::InputError("the rule files have errors; nothing was " + std::string(verb));
  }
  return program;
}

dsl::Index find_purpose(const dsl::Program& program, const std::string& name) {
  const dsl::Index pi = program.find_purpose(name);
  if (pi != dsl::kNone) return pi;
  std::vector<std::string> names;
  for (const auto& p : program.purposes) names.push_back(p.name);
  const auto s = dsl::closest_match(name, names);
  throw base::InputError("no purpose '" + name + "' in the rule files" +
                         (s ? "; did you mean '" + *s + "'?" : std::string()));
}

LoadedPurpose load_purpose(const std::vector<std::string>& rules, const std::string& purpose,
                           const std::string& model_path, std::string_view verb,
                           const ShowDiagnostics& show) {
  LoadedPurpose l;
  l.program = load_checked_rules(rules, verb, show);
  l.purpose = find_purpose(*l.program, purpose);
  if (!model_path.empty()) {
    l.model =
        std::make_unique<models::LogisticModel>(models::load_model(model_path, &l.model_sha256));
  }
  return l;
}

std::int32_t assessment_date(const std::string& given, const base::Clock& clock) {
  const std::int32_t today = clock.today();
  if (given.empty()) return today;
  const auto d = base::parse_iso_date(given);
  if (!d) {
    throw base::UsageError("--today: '" + given +
                           "' is not a date; give it as YYYY-MM-DD, e.g. 2026-08-15");
  }
  if (*d > today) {
    throw base::UsageError("--today " + given + " is later than today (" +
                           base::format_iso_date(today) +
                           "): a replay assesses as of a day that has been");
  }
  return *d;
}

LoadedRun prepare_run(const RunSetup& setup, RunOptions options, const ShowDiagnostics& show) {
  options.assessment_date = assessment_date(setup.today, *options.today_clock);
  options.date_given = !setup.today.empty();
  const auto language = parse_language(setup.language);
  if (!language) throw base::UsageError("--lang " + setup.language + ": give da or en");
  options.language = *language;
  options.reveal_ids = setup.reveal_ids;
  if (!setup.id_key.empty()) base::check_secret_key(setup.id_key, "the pseudonymization key");
  options.id_key = setup.id_key;

  LoadedRun loaded;
  loaded.program = load_checked_rules(setup.rules, "assessed", show);
  // Column bindings come from the reviewed rule files; a mapping file may rename headers but
  // never point a field at another field's column.
  if (!setup.mapping.empty()) {
    const auto header_for = models::read_header_map(setup.mapping);
    check_column_bindings(*loaded.program, header_for);
    options.column_for = header_for;
  }
  RunInputs inputs;
  inputs.program = loaded.program.get();
  inputs.purpose = find_purpose(*loaded.program, setup.purpose);
  if (!setup.model.empty()) {
    loaded.model = std::make_unique<models::LogisticModel>(
        models::load_model(setup.model, &inputs.model_sha256));
    inputs.model = loaded.model.get();
  }
  dsl::DiagnosticBag constraints;
  loaded.run = Run::prepare(std::move(inputs), std::move(options), constraints);
  if (!loaded.run) {
    if (show) show(constraints, loaded.program->sources);
    throw base::InputError("purpose '" + setup.purpose +
                           "' may not be assessed; nothing was written");
  }
  return loaded;
}

RunManifest assess_cohort(Run& run, const std::string& data, models::ReadOptions read,
                          const std::string& id_column, AssessmentSink& sink,
                          const std::function<void(const RunProgress&)>& progress) {
  read.id_column = 0;
  read.reject_id = [&run](std::string_view id) { return run.pseudonym(id); };
  models::CohortReader source(data, run.columns(id_column), read);
  const auto reopen = [&] {  // the duplicate-id check's second pass: no rejects file again
    models::ReadOptions again = read;
    again.rejects_path.clear();
    return std::make_unique<models::CohortReader>(data, run.columns(id_column), again);
  };
  const bool file = models::readable_twice(data);
  return run.execute(
      source, file ? base::sha256_file_hex(data) : "", sink, progress,
      file ? std::function<std::unique_ptr<models::RecordSource>()>(reopen) : nullptr);
}

}  // namespace skon::engine
