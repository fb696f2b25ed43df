#pragma once

// The audit log as a run's journal (core/run_journal.hpp): the run's row when it starts, its
// assessments a batch to a row appended on a thread of their own (so the log's inserts overlap
// the assessing), and its end. Refuses a run whose purpose's approvers have not approved its
// rule set and model in this log.

#include <memory>

#include "skon/audit/audit_log.hpp"
#include "skon/audit/audit_rows.hpp"
#include "skon/core/run_journal.hpp"

namespace skon::engine {

namespace detail {
class AuditWriter;
}

class AuditJournal final : public RunJournal {
 public:
  // `log` outlives the journal; `by` is who runs it (--operator) and the OS user.
  AuditJournal(AuditLog& log, Actor by);
  ~AuditJournal() override;

  std::optional<std::string> refusal(const RunInputs& inputs) override;
  void start(const RunManifest& started, int retention_months) override;
  std::unique_ptr<JournalBatch> new_batch(const RunManifest& run) override;
  void append(std::unique_ptr<JournalBatch> batch) override;
  void flush() override;
  void end(const RunManifest& ended) override;

 private:
  AuditLog& log_;
  Actor by_;
  std::unique_ptr<detail::AuditWriter> writer_;
};

}  // namespace skon::engine
