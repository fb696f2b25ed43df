#pragma once

// What the CSV and JSON Lines sources share: binding the dictionary's columns to the file's
// headers, the wording of a bad row, and the rejects file.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skon/models/atomic_file.hpp"
#include "skon/models/record_source.hpp"

namespace skon::models::detail {

std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// The header in the file for `column` (the mapping file's, or the field's own name).
const std::string& header_of(const ColumnSpec& column, const ReadOptions& options);

// Position of each column among `headers`, -1 when absent. Throws InputError for an absent
// required column, naming the closest header.
std::vector<int> bind_columns(const std::string& path, const std::vector<std::string>& headers,
                              const std::vector<ColumnSpec>& columns, const ReadOptions& options,
                              const std::vector<bool>& required);

// "PATH: row N (line L), column 'x': WHAT" — how every bad row reads, in both formats.
std::string row_error(const std::string& path, std::size_t row, std::size_t line,
                      const std::string& what);

// "column 'KEY': expected WHAT" — never the value found.
std::string bad_cell(const ColumnSpec& column, const ReadOptions& options,
                     const std::string& expected);

// Skipped rows and why, written atomically beside the data (with --on-bad-row=skip).
class Rejects {
 public:
  explicit Rejects(const ReadOptions& options);
  void add(std::size_t line, const std::string& reason, std::string_view raw);
  void finish();  // makes the file visible

 private:
  std::unique_ptr<AtomicFile> file_;
};

}  // namespace skon::models::detail
