// skon assess --rules DIR --purpose P --model MODEL --data FILE -o OUT — one explained
// assessment per person, streamed; refuses to run when the purpose's constraints are broken.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "assess_setup.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "skon/engine/assessment_writer.hpp"
#include "skon/engine/ordered_pool.hpp"
#include "skon/models/atomic_file.hpp"
#include "skon/models/sha256.hpp"

namespace skon::cli {
namespace {

struct AssessOptions {
  AssessInputs in;
  std::string output;
  std::string format = "jsonl";
  std::size_t top = 5;
};

// A batch of input rows and, once assessed, their output text and counts.
struct Batch {
  std::vector<std::string> ids;
  std::vector<double> values;  // row-major: ids.size() x fields
  std::string text;
  std::size_t insufficient = 0, review = 0;
  std::size_t bytes_read = 0;  // of the input, after this batch: for the progress bar
};

int run_assess(AssessOptions& opt) {
  Prepared prep;
  if (const int rc = prepare_assessment(opt.in, prep); rc != kExitOk) return rc;

  models::ReadOptions read = opt.in.data_options.to_read_options(opt.output + ".rejects.csv");
  models::CohortReader reader(opt.in.data, prep.columns, read);

  engine::Provenance provenance;
  provenance.rules_sha256 = engine::rules_sha256(*prep.program);
  provenance.model_sha256 = prep.model_sha256;
  provenance.input_sha256 = models::sha256_file_hex(opt.in.data);
  provenance.skon_version = std::string(engine::version());

  // One assessor and writer per worker: their scratch space is not shared.
  const std::size_t workers = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<engine::Assessor>> assessors;
  std::vector<std::unique_ptr<engine::AssessmentWriter>> writers;
  // Pseudonyms are made by the workers too, each with its own keyed state.
  std::vector<std::unique_ptr<models::HmacSha256>> hmacs;
  std::vector<std::vector<engine::Assessment>> scratch(
      workers);  // reused: no allocation per record
  for (std::size_t w = 0; w < workers; ++w) {
    if (!opt.in.reveal_ids) hmacs.push_back(std::make_unique<models::HmacSha256>(opt.in.id_key));
    assessors.push_back(
        std::make_unique<engine::Assessor>(*prep.program, prep.purpose, prep.model.get()));
    assessors.back()->set_top(opt.top);
    writers.push_back(
        std::make_unique<engine::AssessmentWriter>(*assessors.back(), provenance, opt.top));
  }
  const bool csv = opt.format == "csv";

  models::AtomicFile out(opt.output);
  if (csv) out.write(writers[0]->csv_header());
  const bool progress = ::isatty(2) && spdlog::get_level() <= spdlog::level::info;
  const auto size = std::max<std::uintmax_t>(1, std::filesystem::file_size(opt.in.data));
  std::size_t records = 0, insufficient = 0, review = 0;

  engine::OrderedPool<Batch> pool(
      workers, 2 * workers + 1,
      [&](std::size_t w, Batch& b) {
        std::vector<engine::Assessment>& assessed = scratch[w];
        if (assessed.size() < b.ids.size()) assessed.resize(b.ids.size());
        for (std::size_t i = 0; i < b.ids.size(); ++i) {
          if (hmacs.empty())
            assessed[i].id = std::move(b.ids[i]);
          else
            hmacs[w]->hex_into(b.ids[i], assessed[i].id);
        }
        assessors[w]->assess_batch(b.values.data(), b.ids.size(), assessed);
        b.text.reserve(b.ids.size() * 2048);  // a full record is about 1.5 KB
        for (std::size_t i = 0; i < b.ids.size(); ++i) {
          const engine::Assessment& a = assessed[i];
          b.insufficient += a.outcome.insufficient_data ? 1 : 0;
          b.review += a.outcome.review_required ? 1 : 0;
          if (csv)
            writers[w]->csv(a, b.text);
          else
            writers[w]->jsonl(a, b.text);
        }
      },
      [&](Batch& b) {
        out.write(b.text);
        records += b.ids.size();
        insufficient += b.insufficient;
        review += b.review;
        if (progress) {
          std::fprintf(stderr, "\rskon assess: %zu records, %3.0f %%", records,
                       100.0 * static_cast<double>(b.bytes_read) / static_cast<double>(size));
        }
      });

  const auto t0 = std::chrono::steady_clock::now();
  constexpr std::size_t kBatch = 1024;
  models::Row row;
  Batch batch;
  while (reader.next(row)) {
    if (row.texts[0].empty()) {
      std::fprintf(
          stderr, "skon assess: row %zu (line %zu) has no id in column '%s'; nothing was written\n",
          row.row, row.line, opt.in.id_column.c_str());
      return kExitInput;
    }
    batch.ids.push_back(row.texts[0]);
    batch.values.insert(batch.values.end(), row.values.begin() + 1, row.values.end());
    if (batch.ids.size() == kBatch) {
      batch.bytes_read = reader.bytes_read();
      pool.submit(std::move(batch));
      batch = Batch{};
    }
  }
  if (!batch.ids.empty()) pool.submit(std::move(batch));
  pool.finish();
  out.commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress) std::fprintf(stderr, "\r%60s\r", "");
  if (spdlog::get_level() <= spdlog::level::info) {
    std::fprintf(
        stderr,
        "skon assess: %zu records: %zu assessed, %zu insufficient data, %zu review required, "
        "%zu rejected; %.2f s -> %s\n",
        records + reader.rows_rejected(), records - insufficient, insufficient, review,
        reader.rows_rejected(), seconds, opt.output.c_str());
  }
  return kExitOk;
}

}  // namespace

void setup_assess(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<AssessOptions>();
  CLI::App* sub = app.add_subcommand("assess", "one explained assessment per person and purpose");
  add_assess_inputs(*sub, opt->in);
  sub->add_option("--data", opt->in.data, "the cohort to assess (CSV or JSON Lines)")->required();
  sub->add_option("-o,--output", opt->output, "assessments to write (atomically)")->required();
  sub->add_option("--format", opt->format, "jsonl (full records) or csv (flat summary)")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->capture_default_str();
  sub->add_option("--top", opt->top, "contributions listed per record")->capture_default_str();
  sub->footer(
      "Exit codes: 0 ok, 2 usage, 3 bad rules, model, data or broken constraints (nothing "
      "written).");
  sub->callback([opt, &table] { table.selected = [opt] { return run_assess(*opt); }; });
}

}  // namespace skon::cli
