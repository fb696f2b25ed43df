#include "skon/audit/audit_journal.hpp"

#include "audit_writer.hpp"
#include "skon/audit/approvals.hpp"
#include "skon/core/run.hpp"

namespace skon::engine {
namespace {

class AuditBatch final : public JournalBatch {
 public:
  explicit AuditBatch(const RunManifest& run) { start_assessment_batch(run, row); }
  void add(const Assessor& assessor, const Assessment& a, std::string_view person,
           std::string_view record) override {
    add_assessment(assessor, a, person, record, row);
  }
  void seal() override { seal_assessment_batch(row); }
  AuditRow row;
};

}  // namespace

AuditJournal::AuditJournal(AuditLog& log, Actor by) : log_(log), by_(std::move(by)) {}
AuditJournal::~AuditJournal() = default;

std::optional<std::string> AuditJournal::refusal(const RunInputs& inputs) {
  return missing_approvals(log_, *inputs.program, inputs.purpose, inputs.model_sha256);
}

void AuditJournal::start(const RunManifest& started, int retention_months) {
  std::vector<AuditRow> row{audit_run_row(started, by_, retention_months)};
  log_.append(row);
  writer_ = std::make_unique<detail::AuditWriter>(log_);
}

std::unique_ptr<JournalBatch> AuditJournal::new_batch(const RunManifest& run) {
  return std::make_unique<AuditBatch>(run);
}

void AuditJournal::append(std::unique_ptr<JournalBatch> batch) {
  writer_->push(std::move(static_cast<AuditBatch&>(*batch).row));
}

void AuditJournal::flush() {
  if (writer_) writer_->finish();
}

void AuditJournal::end(const RunManifest& ended) {
  std::vector<AuditRow> row{audit_run_end_row(ended)};
  log_.append(row);
}

}  // namespace skon::engine
