#include <filesystem>
#include <memory>
#include <vector>

#include "skon/base/atomic_file.hpp"
#include "skon/core/record_formats.hpp"
#include "skon/core/sink.hpp"

namespace skon::engine {
namespace {

// An atomic output file plus its manifest, for any record format with header() and append().
template <typename Formatter>
class FileSink final : public AssessmentSink {
 public:
  using Make = std::function<Formatter(const Assessor&, const RunManifest&)>;
  FileSink(std::string path, std::string manifest_path, std::string_view name, Make make,
           std::string header)
      : path_(std::move(path)),
        manifest_path_(std::move(manifest_path)),
        name_(name),
        make_(std::move(make)),
        header_(std::move(header)) {}

  void begin(const Assessor& assessor, const RunManifest& run, std::size_t workers) override {
    for (std::size_t w = 0; w < workers; ++w) formatters_.push_back(make_(assessor, run));
    // Opened only now, after the run's checks: a refused run creates no file at all.
    out_ = std::make_unique<base::AtomicFile>(path_);
    out_->write(header_);
  }
  void format(std::size_t worker, const Assessment& a, std::string& out) override {
    formatters_[worker].append(a, out);
  }
  void write(std::string_view formatted) override { out_->write(formatted); }
  void commit(const RunManifest& manifest) override {
    if (!manifest_path_.empty()) {
      base::write_file_atomically(manifest_path_, manifest_json(manifest));
    }
    try {
      out_->commit();
    } catch (...) {
      // No manifest without its output.
      if (!manifest_path_.empty()) {
        std::error_code ignored;
        std::filesystem::remove(manifest_path_, ignored);
      }
      throw;
    }
  }
  std::string_view format_name() const override { return name_; }

 private:
  std::string path_, manifest_path_;
  std::string_view name_;
  Make make_;
  std::string header_;
  std::vector<Formatter> formatters_;
  std::unique_ptr<base::AtomicFile> out_;
};

}  // namespace

std::unique_ptr<AssessmentSink> jsonl_file_sink(std::string path, std::string manifest_path,
                                                std::size_t top) {
  return std::make_unique<FileSink<JsonRecordFormatter>>(
      std::move(path), std::move(manifest_path), "jsonl",
      [top](const Assessor& a, const RunManifest& run) { return JsonRecordFormatter(a, run, top); },
      "");
}

std::unique_ptr<AssessmentSink> csv_file_sink(std::string path, std::string manifest_path) {
  return std::make_unique<FileSink<CsvRecordFormatter>>(
      std::move(path), std::move(manifest_path), "csv",
      [](const Assessor& a, const RunManifest& run) { return CsvRecordFormatter(a, run); },
      CsvRecordFormatter::header());
}

std::string default_manifest_path(const std::string& output_path) {
  return output_path == "-" ? "" : output_path + ".run.json";
}

}  // namespace skon::engine
