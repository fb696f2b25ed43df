#pragma once

// Setting up what every front end needs before a record is read — the CLI's nine commands and a
// service alike: rules loaded and checked, the purpose found (with the closest name when it is
// not), the model loaded with its hash, the assessment date (the replay rule), the pseudonym key
// (base/keys.hpp), the column bindings and the prepared Run. A front end presents the
// diagnostics (`show`) and the errors; it decides nothing here.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "skon/base/clock.hpp"
#include "skon/core/run.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

// How a front end presents diagnostics (the CLI prints them; a service returns them).
using ShowDiagnostics =
    std::function<void(const dsl::DiagnosticBag& bag, const dsl::SourceMap& sources)>;

// Loads and checks rule files: shows the diagnostics when there are errors and throws InputError
// ("the rule files have errors; nothing was <verb>").
std::unique_ptr<dsl::Program> load_checked_rules(const std::vector<std::string>& paths,
                                                 std::string_view verb,
                                                 const ShowDiagnostics& show);

// The purpose named `name`; InputError (with the closest name) when there is none.
dsl::Index find_purpose(const dsl::Program& program, const std::string& name);

// Rules, one purpose of them and (when `model_path` is given) its model.
struct LoadedPurpose {
  std::unique_ptr<dsl::Program> program;
  dsl::Index purpose = dsl::kNone;
  std::unique_ptr<models::LogisticModel> model;  // null without a model file
  std::string model_sha256;                      // of the model file's bytes
};
LoadedPurpose load_purpose(const std::vector<std::string>& rules, const std::string& purpose,
                           const std::string& model_path, std::string_view verb,
                           const ShowDiagnostics& show);

// The assessment date: `given` (YYYY-MM-DD, a replay) or the clock's day. UsageError for a date
// that is not one, or one later than the clock's day (a replay assesses as of a day that has
// been; a future day would run a purpose before its approval).
std::int32_t assessment_date(const std::string& given, const base::Clock& clock);

struct RunSetup {
  std::vector<std::string> rules;
  std::string purpose;
  std::string model;    // "" for a purpose without one
  std::string mapping;  // a header map file (field -> column), or ""
  std::string today;    // YYYY-MM-DD (a replay), or "" for the clock's day
  std::string language = "da";
  bool reveal_ids = false;  // raw ids in the output
  std::string id_key;       // the pseudonym key; checked by the key policy when given
};

// What a prepared run refers to, owned together, outliving the run.
struct LoadedRun {
  std::unique_ptr<dsl::Program> program;
  std::unique_ptr<models::LogisticModel> model;
  std::unique_ptr<Run> run;
};

// Everything before the first record: loads, checks and prepares (constraints included). Shows
// diagnostics and throws InputError when the rules have errors or the purpose may not be
// assessed; UsageError for a bad date, an unknown language or a weak key. `options` gives the
// rest (workers, top, read options, clocks).
LoadedRun prepare_run(const RunSetup& setup, RunOptions options, const ShowDiagnostics& show);

// Assesses the cohort at `data` (a file, standard input "-" or a pipe; CSV or JSON Lines) with
// `run` into `sink`, with the two choices every front end must make the same way: a row that is
// skipped is named by its pseudonym, never by its values; a file is hashed before it is read
// (the run id depends on it) and can be read again for the duplicate-id check, a stream is hashed
// while it is read and cannot.
RunManifest assess_cohort(Run& run, const std::string& data, models::ReadOptions read,
                          const std::string& id_column, AssessmentSink& sink,
                          const std::function<void(const RunProgress&)>& progress = {});

}  // namespace skon::engine
