#pragma once

// A run: one cohort assessed under one purpose, as one unit. What `skon assess` does, and what the
// audit log, `report`, `compare`, `monitor` and a later service mode build on:
//
//   auto run = Run::prepare(inputs, options, bag);   // constraints checked; no record read yet
//   auto source = models::open_records(path, run->columns("id"), read_options);
//   auto sink = jsonl_sink("out.jsonl", "out.jsonl.run.json");
//   RunManifest manifest = run->execute(*source, input_sha256, *sink, on_progress);
//
// Records are assessed in batches by worker threads and reach the sink in input order, so the
// output is byte-identical to a single-threaded run. Nothing is visible until the sink commits:
// a bad record, an unwritable output or an interrupted run leaves no output behind.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "skon/base/clock.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/assessor.hpp"
#include "skon/core/manifest.hpp"
#include "skon/core/messages.hpp"
#include "skon/core/run_journal.hpp"
#include "skon/dsl/program.hpp"
#include "skon/models/model.hpp"
#include "skon/models/record_source.hpp"

namespace skon::engine {

class AssessmentSink;

struct RunInputs {
  const dsl::Program* program = nullptr;  // checked, without errors; outlives the run
  Index purpose = dsl::kNone;
  const models::LogisticModel* model = nullptr;  // null for a purpose without model features
  std::string model_sha256;                      // of the model file's bytes
};

struct RunOptions {
  std::int32_t assessment_date = 0;  // days since 1970-01-01: the purpose must be in effect then
  bool date_given = false;           // set by the user rather than the clock: a replay
  std::size_t top = 5;               // contributions listed per record
  Language language = Language::Danish;  // of flag texts and of the reasons the engine words
  bool reveal_ids = false;               // raw ids instead of pseudonyms
  std::string id_key;                    // HMAC-SHA-256 key for pseudonyms (unless revealed)
  std::size_t workers = 2;
  // Options of the reading that change what is assessed (mapping, markers, dialect, bad rows),
  // as the caller words them: recorded in the manifest.
  std::map<std::string, std::string> read_options;
  // Which column each field is read from, where a mapping file says (check_column_bindings).
  std::map<std::string, std::string> column_for;
  // The clock the manifest's start and end are read from, and the one that says what day it is
  // (a replay's date may not be later); both outlive the run.
  const base::Clock* clock = &base::output_clock();
  const base::Clock* today_clock = &base::system_clock();
};

struct RunProgress {
  std::size_t records = 0;  // written so far
  double fraction = 0;      // of the input read, 0..1 (0 when the size is unknown)
};

class Run {
 public:
  // Checks what must hold before a single record is read: the purpose is in effect on the
  // assessment date, and the model belongs to it, is the pinned one, meets its quality gates and
  // keeps its direction constraints. Returns null, with the findings in `bag`, when the purpose
  // may not be assessed.
  static std::unique_ptr<Run> prepare(RunInputs inputs, RunOptions options,
                                      dsl::DiagnosticBag& bag);

  // The columns a record source must provide: `id_column` (text) first, then every field the
  // purpose reads, in program order.
  std::vector<models::ColumnSpec> columns(const std::string& id_column) const;

  // Assesses every record of `source` (opened with columns()) into `sink` and commits it with the
  // run's manifest, which it returns. `input_sha256` identifies the input (of the file's bytes).
  // Ids must be unique: when one may repeat, `reopen` gives the input again to settle it (a second
  // pass, rarely needed). Throws base::InputError for a record without an id, a bad value or a
  // repeated id (nothing is committed) and base::OutputError when the sink cannot write.
  RunManifest execute(models::RecordSource& source, const std::string& input_sha256,
                      AssessmentSink& sink,
                      const std::function<void(const RunProgress&)>& progress = {},
                      const std::function<std::unique_ptr<models::RecordSource>()>& reopen = {});

  // The id as outputs show it: its pseudonym (the first 128 bits of HMAC-SHA-256 under the
  // run's key, in hex), or the id itself when ids are revealed. Thread-safe.
  std::string pseudonym(std::string_view id) const;

  // Reports the run and each assessment to `journal` (null: none — refused by execute() for a
  // purpose that requires approval). Assessments are journalled, in batches, before the output
  // is committed: an output exists only if its every record is in the journal, which holds
  // pseudonyms even with reveal_ids. Throws UsageError without a pseudonym key, and InputError
  // when the journal refuses the run (a purpose whose approvers have not approved this rule set
  // and model, saying what changed since their last approval). `journal` outlives the run.
  void set_journal(RunJournal* journal);

  // The person as the audit log names them: always the pseudonym (empty without a key).
  std::string person_in_log(std::string_view id) const;

  // For one record at a time (`skon explain`): the same assessor the workers use.
  const Assessor& assessor() const { return *assessor_; }
  const RunInputs& inputs() const { return inputs_; }
  const RunOptions& options() const { return options_; }

 private:
  Run(RunInputs inputs, RunOptions options);
  RunInputs inputs_;
  RunOptions options_;
  std::unique_ptr<Assessor> assessor_;
  RunJournal* journal_ = nullptr;
  std::unique_ptr<base::HmacSha256> hmac_;  // null when ids are revealed
};

// The run's id: the first 128 bits (hex) of a SHA-256 over everything that determines its
// results — skon's version, the purpose, the rule set, the model, the input, the assessment date
// and the options. The same run repeated has the same id and byte-identical records.
std::string run_id(const RunManifest& manifest);

}  // namespace skon::engine
