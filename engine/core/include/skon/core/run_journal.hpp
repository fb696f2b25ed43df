#pragma once

// What a run reports as it goes, to whoever keeps its record (the audit wing's AuditJournal):
// before anything is read, whether it may go ahead at all; when it starts; each batch of
// assessments, in input order, before that batch can be committed to the output; and its end.
// The run knows this interface only, never the log behind it.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "skon/core/assessor.hpp"
#include "skon/core/manifest.hpp"

namespace skon::engine {

struct RunInputs;

// One batch's record, built on the worker thread that assessed it.
class JournalBatch {
 public:
  virtual ~JournalBatch() = default;
  // `person` is the pseudonym (also when the output reveals ids); `record` the output record as
  // written.
  virtual void add(const Assessor& assessor, const Assessment& assessment, std::string_view person,
                   std::string_view record) = 0;
  // Called once, after the last add(), on the same thread.
  virtual void seal() = 0;
};

class RunJournal {
 public:
  virtual ~RunJournal() = default;
  // Why a run of `inputs` may not go ahead (a required approval that is missing), or nothing.
  // Asked before a single record is read.
  virtual std::optional<std::string> refusal(const RunInputs& inputs) = 0;
  // `retention_months`: how long the record of this run must be kept (the purpose's).
  virtual void start(const RunManifest& started, int retention_months) = 0;
  // A new, empty batch record; thread-safe.
  virtual std::unique_ptr<JournalBatch> new_batch(const RunManifest& run) = 0;
  // Batches in input order, from one thread. May return before the batch is durable; throws the
  // failure of an earlier one, so a run stops early.
  virtual void append(std::unique_ptr<JournalBatch> batch) = 0;
  // Every batch appended so far is durable when this returns; rethrows the first failure. The
  // run commits its output only after it.
  virtual void flush() = 0;
  // The run ended and its output is committed (without this the record shows it interrupted).
  virtual void end(const RunManifest& ended) = 0;
};

}  // namespace skon::engine
