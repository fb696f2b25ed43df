#include "data_options.hpp"

#include <cstdlib>
#include <ctime>
#include <stdexcept>

#include "skon/base/clock.hpp"
#include "skon/base/sha256.hpp"
#include "skon/core/manifest.hpp"

namespace skon::cli {

void DataOptions::add_to(CLI::App& sub) {
  sub.add_option("--data-format", format,
                 "csv or jsonl; auto: by the file name (.jsonl, .ndjson), CSV for standard input")
      ->check(CLI::IsMember({"auto", "csv", "jsonl"}))
      ->capture_default_str();
  sub.add_option("--delimiter", delimiter, "CSV delimiter: ; , tab | (default: detect)")
      ->check(CLI::IsMember({";", ",", "tab", "|"}));
  sub.add_option("--decimal", decimal, "decimal mark in numbers: . or , (Danish exports)")
      ->check(CLI::IsMember({".", ","}))
      ->capture_default_str();
  sub.add_option("--encoding", encoding, "input encoding: utf-8, latin-1, windows-1252")
      ->check(CLI::IsMember({"utf-8", "latin-1", "windows-1252"}))
      ->capture_default_str();
  sub.add_option("--missing", missing,
                 "extra missing-value markers besides the empty cell, e.g. NA,-")
      ->delimiter(',');
  sub.add_option("--map", mapping, "JSON file mapping field names to the file's column headers");
  sub.add_option("--on-bad-row", on_bad_row, "error (stop at the first bad value) or skip")
      ->check(CLI::IsMember({"error", "skip"}))
      ->capture_default_str();
  sub.add_option("--rejects", rejects,
                 "with --on-bad-row=skip: write skipped rows and reasons here");
}

models::ReadOptions DataOptions::to_read_options(const std::string& default_rejects) const {
  models::ReadOptions r;
  r.format = format == "csv"     ? models::ReadOptions::Format::Csv
             : format == "jsonl" ? models::ReadOptions::Format::JsonLines
                                 : models::ReadOptions::Format::ByName;
  r.delimiter = delimiter.empty() ? 0 : delimiter == "tab" ? '\t' : delimiter[0];
  r.decimal = decimal[0];
  r.encoding = encoding == "latin-1"        ? models::Encoding::Latin1
               : encoding == "windows-1252" ? models::Encoding::Windows1252
                                            : models::Encoding::Utf8;
  r.missing_markers = missing;
  if (!mapping.empty()) r.header_for = models::read_header_map(mapping);
  r.skip_bad_rows = on_bad_row == "skip";
  r.rejects_path = rejects;
  if (r.skip_bad_rows && r.rejects_path.empty()) r.rejects_path = default_rejects;
  return r;
}

std::map<std::string, std::string> DataOptions::recorded() const {
  std::map<std::string, std::string> r;
  r["delimiter"] = delimiter.empty() ? "detect" : delimiter;
  r["decimal"] = decimal;
  r["encoding"] = encoding;
  std::string markers;
  for (const auto& m : missing) markers += (markers.empty() ? "" : ",") + m;
  r["missing"] = markers;
  r["map"] = mapping.empty() ? "" : mapping + " (sha256 " + base::sha256_file_hex(mapping) + ")";
  r["on_bad_row"] = on_bad_row;
  return r;
}

std::string utc_timestamp() {
  return base::output_clock().timestamp();
}

}  // namespace skon::cli
