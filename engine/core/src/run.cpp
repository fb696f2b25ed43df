#include "skon/core/run.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "duplicate_ids.hpp"
#include "skon/base/date.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/constraints.hpp"
#include "skon/core/ordered_pool.hpp"
#include "skon/core/sink.hpp"
#include "skon/core/version.hpp"

namespace skon::engine {
namespace {

// Records per batch handed to a worker: large enough to amortise the hand-over, small enough that
// the batches in flight stay a few megabytes.
constexpr std::size_t kRecordsPerBatch = 1024;

// A pseudonym is HMAC-SHA-256 truncated to its first 128 bits: 32 hex digits.
constexpr std::size_t kPseudonymDigits = 32;

// A batch of input rows and, once assessed, their output text and counts.
struct Batch {
  std::vector<std::string> ids;
  std::vector<std::uint64_t> id_hashes;  // of the ids as shown, for the duplicate check
  std::vector<double> values;            // row-major: ids.size() x fields
  std::string text;
  std::size_t insufficient = 0, review = 0;
  std::vector<std::size_t> by_level;
  std::size_t bytes_read = 0;             // of the input, after this batch: for progress
  std::unique_ptr<JournalBatch> journal;  // the batch's assessments, when the run is journalled
  std::string person;                     // scratch: one pseudonym for the journal
};

RunManifest describe(const Run& run) {
  const dsl::Program& p = *run.inputs().program;
  const dsl::PurposeInfo& purpose = p.purposes[run.inputs().purpose];
  RunManifest m;
  m.skon_version = std::string(version());
  m.purpose = purpose.name;
  m.purpose_label = purpose.label;
  m.assessment_date = base::format_iso_date(run.options().assessment_date);
  m.replay = run.options().date_given;
  m.rules_sha256 = rules_sha256(p);
  m.rule_files = rule_files(p);
  if (run.inputs().model != nullptr) {
    m.model_sha256 = run.inputs().model_sha256;
    m.base_rate = run.inputs().model->training.base_rate();
    m.baseline = run.inputs().model->baseline();
  }
  if (purpose.score_field != dsl::kNone) m.score_field = p.fields[purpose.score_field].name;
  m.options = run.options().read_options;
  m.options["top"] = std::to_string(run.options().top);
  m.options["language"] = std::string(language_code(run.options().language));
  m.options["ids"] = run.options().reveal_ids ? "revealed" : "pseudonymized (HMAC-SHA-256)";
  for (Index l = 0; l < p.levels.size(); ++l) {
    RunManifest::Level level{p.levels[l], p.level_labels[l], std::nullopt};
    if (auto it = purpose.guidance.find(l); it != purpose.guidance.end())
      level.guidance = it->second;
    m.levels.push_back(std::move(level));
  }
  const std::vector<std::string> files = rule_file_names(p);
  for (std::size_t k = 0; k < purpose.rules.size(); ++k) {
    const dsl::RuleInfo& r = p.rules[purpose.rules[k]];
    m.rules.push_back({r.name, r.label, files[r.span.file],
                       p.sources.file(r.span.file).line_col(r.span.begin).line,
                       run.assessor().in_effect(k)});
  }
  for (Index f : purpose.fields_read) {
    const dsl::FieldInfo& field = p.fields[f];
    const auto bound = run.options().column_for.find(field.name);
    m.fields.push_back({field.name, field.label,
                        field.source == dsl::kNone ? "" : p.source_infos[field.source].name,
                        bound == run.options().column_for.end() ? field.name : bound->second});
  }
  for (const dsl::ReviewTrigger& t : purpose.reviews) m.review_triggers.push_back({t.id, t.reason});
  return m;
}

}  // namespace

std::string run_id(const RunManifest& m) {
  std::string all = m.skon_version + "\n" + m.purpose + "\n" + m.rules_sha256 + "\n" +
                    m.model_sha256.value_or("") + "\n" + m.input_sha256 + "\n" + m.assessment_date +
                    "\n" + m.output_format + "\n";
  for (const auto& [k, v] : m.options) all += k + "=" + v + "\n";
  return base::sha256_hex(all).substr(0, 32);
}

Run::Run(RunInputs inputs, RunOptions options)
    : inputs_(std::move(inputs)), options_(std::move(options)) {
  assessor_ = std::make_unique<Assessor>(AssessorSetup{inputs_.program, inputs_.purpose,
                                                       inputs_.model, options_.language,
                                                       options_.assessment_date, options_.top});
  if (!options_.reveal_ids) hmac_ = std::make_unique<base::HmacSha256>(options_.id_key);
}

void Run::set_journal(RunJournal* journal) {
  if (journal != nullptr && options_.id_key.empty()) {
    throw base::UsageError(
        "the audit log records people by pseudonym: give the pseudonym key (--id-key-file or "
        "SKON_ID_KEY), also with --reveal-ids");
  }
  // A purpose that requires approval runs only what its roles approved: asked here, so no
  // caller of the engine can journal a run that skips it.
  if (journal != nullptr) {
    if (const auto why = journal->refusal(inputs_)) {
      throw base::InputError(*why + "\nnothing was assessed");
    }
  }
  journal_ = journal;
}

std::string Run::person_in_log(std::string_view id) const {
  if (options_.id_key.empty()) return "";
  std::string out = base::HmacSha256(options_.id_key).hex(id);
  out.resize(kPseudonymDigits);
  return out;
}

std::string Run::pseudonym(std::string_view id) const {
  if (!hmac_) return std::string(id);
  std::string out;
  hmac_->hex_into(id, out);
  out.resize(kPseudonymDigits);
  return out;
}

std::unique_ptr<Run> Run::prepare(RunInputs inputs, RunOptions options, dsl::DiagnosticBag& bag) {
  // A replay assesses as of a day that has been; a later one would run a purpose before its
  // approval (run_setup's assessment_date words it for the user first).
  if (options.date_given && options.assessment_date > options.today_clock->today()) {
    throw base::UsageError("the assessment date " + base::format_iso_date(options.assessment_date) +
                           " is later than today: a replay assesses as of a day that has been");
  }
  if (!enforce_constraints(*inputs.program, inputs.purpose, inputs.model, inputs.model_sha256,
                           options.assessment_date, bag)) {
    return nullptr;
  }
  options.workers = std::max<std::size_t>(1, options.workers);
  return std::unique_ptr<Run>(new Run(std::move(inputs), std::move(options)));
}

std::vector<models::ColumnSpec> Run::columns(const std::string& id_column) const {
  std::vector<models::ColumnSpec> columns;
  columns.push_back({id_column, models::ColumnType::Text, {}, {}, {}, "", ""});
  const auto& fields = assessor_->input_fields();
  for (Index f : fields) columns.push_back(column_spec(*inputs_.program, f));
  // A consent-bound field is read only where its consent is true (column 0 is the id).
  for (std::size_t k = 0; k < fields.size(); ++k) {
    const Index consent = inputs_.program->fields[fields[k]].requires_field;
    if (consent == dsl::kNone) continue;
    const auto at = std::find(fields.begin(), fields.end(), consent);
    if (at != fields.end()) columns[k + 1].consent = static_cast<int>(at - fields.begin()) + 1;
  }
  return columns;
}

RunManifest Run::execute(models::RecordSource& source, const std::string& input_sha256,
                         AssessmentSink& sink,
                         const std::function<void(const RunProgress&)>& progress,
                         const std::function<std::unique_ptr<models::RecordSource>()>& reopen) {
  const dsl::Program& program = *inputs_.program;
  // A purpose that requires approval is assessed only in a journalled run: set_journal is where
  // the approvals are checked, so a run without a journal would skip them.
  if (journal_ == nullptr && !program.purposes[inputs_.purpose].approvers.empty()) {
    throw base::UsageError("purpose " + program.purposes[inputs_.purpose].name +
                           " requires approval: its runs must be logged (an audit log with the "
                           "approvals)");
  }
  RunManifest manifest = describe(*this);
  manifest.input_sha256 = input_sha256;
  manifest.input_format = std::string(source.format());
  manifest.output_format = std::string(sink.format_name());
  if (input_sha256.empty()) {
    // An input that can be read only once is hashed while it is read, so its hash is not known
    // before the first record: the run id then carries a random part (and the run is not
    // byte-for-byte repeatable).
    std::random_device random;
    manifest.input_sha256 = "stream-" + std::to_string(random()) + std::to_string(random()) +
                            std::to_string(random()) + std::to_string(random());
  }
  manifest.run_id = run_id(manifest);
  manifest.started = options_.clock->timestamp();

  // One assessor and pseudonymizer per worker: their scratch space is not shared.
  const std::size_t workers = options_.workers;
  // (Each made from the run's own assessor's setup: the same date, model and language.)
  std::vector<std::unique_ptr<Assessor>> assessors;
  std::vector<std::unique_ptr<base::HmacSha256>> hmacs;
  std::vector<std::vector<Assessment>> scratch(workers);  // reused: no allocation per record
  RunJournal* const journal = journal_;
  for (std::size_t w = 0; w < workers; ++w) {
    // Pseudonyms for the output, and for the journal even when the output shows raw ids.
    if (!options_.reveal_ids || journal != nullptr)
      hmacs.push_back(std::make_unique<base::HmacSha256>(options_.id_key));
    assessors.push_back(std::make_unique<Assessor>(assessor_->setup()));
  }
  sink.begin(*assessor_, manifest, workers);
  if (journal != nullptr) {
    journal->start(manifest, program.purposes[inputs_.purpose].retention_months);
  }

  RunManifest::Counts counts;
  std::vector<std::size_t> by_level(program.levels.size(), 0);
  detail::DuplicateIds duplicates;
  const double total = static_cast<double>(source.bytes_total());
  OrderedPool<Batch> pool(
      workers, 2 * workers + 1,
      [&](std::size_t w, Batch& b) {
        std::vector<Assessment>& assessed = scratch[w];
        if (assessed.size() < b.ids.size()) assessed.resize(b.ids.size());
        b.id_hashes.resize(b.ids.size());
        for (std::size_t i = 0; i < b.ids.size(); ++i) {
          if (options_.reveal_ids) {
            assessed[i].id = std::move(b.ids[i]);
          } else {
            hmacs[w]->hex_into(b.ids[i], assessed[i].id);
            assessed[i].id.resize(kPseudonymDigits);
          }
          b.id_hashes[i] = detail::DuplicateIds::hash(assessed[i].id);
        }
        assessors[w]->assess_batch(b.values.data(), b.ids.size(), assessed);
        b.by_level.assign(program.levels.size(), 0);
        if (journal != nullptr) b.journal = journal->new_batch(manifest);
        for (std::size_t i = 0; i < b.ids.size(); ++i) {
          const Assessment& a = assessed[i];
          b.insufficient += a.outcome.insufficient_data ? 1 : 0;
          b.review += a.outcome.review_required ? 1 : 0;
          if (!a.outcome.insufficient_data) ++b.by_level[a.outcome.level];
          const std::size_t start = b.text.size();
          sink.format(w, a, b.text);
          if (journal != nullptr) {  // the journal's person: the pseudonym, even when ids are shown
            if (options_.reveal_ids) {
              hmacs[w]->hex_into(a.id, b.person);
              b.person.resize(kPseudonymDigits);
            }
            b.journal->add(*assessors[w], a, options_.reveal_ids ? b.person : a.id,
                           std::string_view(b.text).substr(start));
          }
        }
        if (journal != nullptr) b.journal->seal();
      },
      [&](Batch& b) {
        for (std::uint64_t h : b.id_hashes) duplicates.add(h);
        if (journal != nullptr) journal->append(std::move(b.journal));  // before any commit
        sink.write(b.text);
        counts.records += b.ids.size();
        counts.insufficient_data += b.insufficient;
        counts.review_required += b.review;
        for (std::size_t l = 0; l < by_level.size(); ++l) by_level[l] += b.by_level[l];
        if (progress) {
          progress({counts.records, total > 0 ? static_cast<double>(b.bytes_read) / total : 0.0});
        }
      });

  models::Row row;
  Batch batch;
  while (source.next(row)) {
    if (row.texts[0].empty()) {
      throw base::InputError("row " + std::to_string(row.row) + " (line " +
                             std::to_string(row.line) + ") has no id in column '" +
                             source.columns()[0].name + "'; nothing was written");
    }
    batch.ids.push_back(std::move(row.texts[0]));
    batch.values.insert(batch.values.end(), row.values.begin() + 1, row.values.end());
    if (batch.ids.size() == kRecordsPerBatch) {
      batch.bytes_read = source.bytes_read();
      batch.text.reserve(kRecordsPerBatch * 1024);
      pool.submit(std::move(batch));
      batch = Batch{};
    }
  }
  if (!batch.ids.empty()) {
    batch.bytes_read = source.bytes_read();
    pool.submit(std::move(batch));
  }
  pool.finish();
  // An id seen twice (perhaps): settled by a second pass over the input, before anything is
  // committed. Without a way to read the input again the run cannot be sure, so it refuses.
  if (duplicates.suspicious()) {
    if (!reopen) {
      throw base::InputError(
          "the input may hold an id twice, and it cannot be read again to "
          "tell; give it as a file");
    }
    const auto again = reopen();
    duplicates.confirm(*again, [this](std::string_view id) { return pseudonym(id); });
  }

  if (input_sha256.empty()) manifest.input_sha256 = source.content_sha256();
  counts.assessed = counts.records - counts.insufficient_data;
  counts.rejected = source.rows_rejected();
  for (std::size_t l = 0; l < by_level.size(); ++l) counts.levels[program.levels[l]] = by_level[l];
  manifest.counts = counts;
  manifest.ended = options_.clock->timestamp();
  if (journal != nullptr) journal->flush();  // every assessment journalled before the output exists
  sink.commit(manifest);
  // Without this row the log shows the run as interrupted.
  if (journal != nullptr) journal->end(manifest);
  return manifest;
}

}  // namespace skon::engine
