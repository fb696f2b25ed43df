#pragma once

// Where a run's assessments go. A sink turns assessments into its own bytes on the run's worker
// threads (format), stores them in input order on one thread (write), and makes everything visible
// at once when the run has finished (commit). A new output format is one new sink.

#include <memory>
#include <string>
#include <string_view>

#include "skon/core/assessor.hpp"
#include "skon/core/manifest.hpp"

namespace skon::engine {

class AssessmentSink {
 public:
  virtual ~AssessmentSink() = default;
  // Before the first record. `assessor` describes what is assessed, `run` the run so far (its
  // id, date, whether it is a replay); `workers` formatters are needed, one per worker index.
  virtual void begin(const Assessor& assessor, const RunManifest& run, std::size_t workers) = 0;
  // On worker `worker`'s thread: appends `a` in this sink's format.
  virtual void format(std::size_t worker, const Assessment& a, std::string& out) = 0;
  // On one thread, in input order.
  virtual void write(std::string_view formatted) = 0;
  // After the last record: makes the output and the manifest visible. Without it nothing is.
  virtual void commit(const RunManifest& manifest) = 0;
  // "jsonl", "csv": what the manifest records.
  virtual std::string_view format_name() const = 0;
};

// File sinks. The output is written to a temporary file beside `path` and renamed over it at
// commit, after the manifest has been written the same way to `manifest_path` ("" writes none);
// so an output file always has its run's manifest, and a failed run leaves neither. `path` "-" is
// standard output.
std::unique_ptr<AssessmentSink> jsonl_file_sink(std::string path, std::string manifest_path,
                                                std::size_t top);
std::unique_ptr<AssessmentSink> csv_file_sink(std::string path, std::string manifest_path);

// The manifest's usual place: "OUT.run.json" beside OUT; "" for standard output.
std::string default_manifest_path(const std::string& output_path);

}  // namespace skon::engine
