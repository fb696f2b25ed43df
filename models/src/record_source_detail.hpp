#pragma once

// What the CSV and JSON Lines sources share: binding the dictionary's columns to the file's
// headers, the wording of a bad row, and the rejects file.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skon/base/atomic_file.hpp"
#include "skon/models/record_source.hpp"

namespace skon::models::detail {

std::string_view trim(std::string_view s);
// `s` with control characters (a NUL would end a message early) written as \xNN.
std::string printable(std::string_view s);
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

// Counts the rows of a source and decides what a bad one does: stop the run (InputError naming
// row, line and column) or, with --on-bad-row=skip, go to the rejects file with its reason.
class RowTally {
 public:
  RowTally(std::string path, const ReadOptions& options);
  // The 1-based number of the row about to be read.
  std::size_t next_row() const { return rows_ + rejected_ + 1; }
  // True for a good row (`error` empty); a bad one throws, or is written to the rejects file by
  // line, row, reason and (pseudonymous) id — never its values — and gives false.
  bool settle(const std::string& error, const Row& row);
  void finish();  // at the end of the input: makes the rejects file visible
  std::size_t rows() const { return rows_; }
  std::size_t rejected() const { return rejected_; }

 private:
  std::string path_;
  bool skip_ = false;
  std::size_t id_column_;
  std::function<std::string(std::string_view)> reject_id_;
  std::unique_ptr<base::AtomicFile> rejects_;
  std::size_t rows_ = 0, rejected_ = 0;
};

}  // namespace skon::models::detail
