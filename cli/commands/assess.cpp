// skon assess --rules DIR --purpose P --model MODEL --data FILE -o OUT — one explained
// assessment per person, streamed; refuses to run when the purpose's constraints are broken.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <filesystem>
#include <sstream>

#include "assess_setup.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "skon/engine/assessment_writer.hpp"
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

int run_assess(AssessOptions& opt) {
  Prepared prep;
  if (const int rc = prepare_assessment(opt.in, prep); rc != kExitOk) return rc;
  const engine::Assessor& assessor = *prep.assessor;

  std::vector<models::ColumnSpec> cols = prep.columns;
  models::ReadOptions read = opt.in.data_options.to_read_options(opt.output + ".rejects.csv");
  models::CohortReader reader(opt.in.data, cols, read);

  engine::Provenance provenance;
  provenance.rules_sha256 = engine::rules_sha256(*prep.program);
  provenance.model_sha256 = prep.model_sha256;
  provenance.input_sha256 = models::sha256_file_hex(opt.in.data);
  provenance.skon_version = std::string(engine::version());
  const engine::AssessmentWriter writer(assessor, provenance, opt.top);

  models::AtomicFile out(opt.output);
  std::string buffer;
  buffer.reserve(1 << 21);
  if (opt.format == "csv") buffer += writer.csv_header();
  const bool progress = ::isatty(2) && spdlog::get_level() <= spdlog::level::info;
  const auto size = std::max<std::uintmax_t>(1, std::filesystem::file_size(opt.in.data));

  const auto t0 = std::chrono::steady_clock::now();
  std::size_t records = 0, insufficient = 0, review = 0;
  models::Row row;
  engine::Assessment a;
  std::vector<double> values(assessor.input_fields().size());
  while (reader.next(row)) {
    ++records;
    if (!pseudonymize(prep, row.texts[0], a.id)) {
      std::fprintf(stderr, "skon assess: row %zu (line %zu) has no id in column '%s'; nothing was written\n",
                   row.row, row.line, opt.in.id_column.c_str());
      return kExitInput;
    }
    std::copy(row.values.begin() + 1, row.values.end(), values.begin());
    assessor.assess(values, a);
    insufficient += a.outcome.insufficient_data ? 1 : 0;
    review += a.outcome.review_required ? 1 : 0;
    if (opt.format == "csv") writer.csv(a, buffer);
    else writer.jsonl(a, buffer);
    if (buffer.size() >= (1 << 20)) {
      out.write(buffer);
      buffer.clear();
    }
    if (progress && records % 65536 == 0) {
      std::fprintf(stderr, "\rskon assess: %zu records, %3.0f %%", records,
                   100.0 * static_cast<double>(reader.bytes_read()) / static_cast<double>(size));
    }
  }
  out.write(buffer);
  out.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress) std::fprintf(stderr, "\r%60s\r", "");
  if (spdlog::get_level() <= spdlog::level::info) {
    std::fprintf(stderr,
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
      ->check(CLI::IsMember({"jsonl", "csv"}))->capture_default_str();
  sub->add_option("--top", opt->top, "contributions listed per record")->capture_default_str();
  sub->footer("Exit codes: 0 ok, 2 usage, 3 bad rules, model, data or broken constraints (nothing written).");
  sub->callback([opt, &table] { table.selected = [opt] { return run_assess(*opt); }; });
}

}  // namespace skon::cli
