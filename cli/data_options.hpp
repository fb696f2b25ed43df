#pragma once

// The options every command that reads a cohort shares: dialect, encoding, missing markers,
// header mapping and what to do with bad rows.

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "skon/models/record_source.hpp"

namespace skon::cli {

struct DataOptions {
  std::string format = "auto";  // auto (by the name), csv, jsonl
  std::string delimiter;        // "" detect, ";", ",", "tab", "|"
  std::string decimal = ".";
  std::string encoding = "utf-8";
  std::vector<std::string> missing;
  std::string mapping;
  std::string on_bad_row = "error";
  std::string rejects;

  void add_to(CLI::App& sub);
  // Throws base::InputError for a bad mapping file.
  models::ReadOptions to_read_options(const std::string& default_rejects) const;
  // The options that change what is read, for a run's manifest (the mapping file by its hash).
  std::map<std::string, std::string> recorded() const;
};

// "2026-11-26T13:34:12Z", or SOURCE_DATE_EPOCH's time when set (reproducible builds and tests).
std::string utc_timestamp();

}  // namespace skon::cli
