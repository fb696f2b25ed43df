#pragma once

// Reads a cohort file row by row, typed by the data dictionary: CSV (RFC 4180, Danish dialects)
// or JSON Lines. Memory does not grow with the number of rows.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "skon/models/csv.hpp"
#include "skon/models/schema.hpp"

namespace skon::models {

struct ReadOptions {
  char delimiter = 0;  // 0: detect (; , tab |)
  char decimal = '.';  // ',' for Danish exports
  Encoding encoding = Encoding::Utf8;
  std::vector<std::string> missing_markers;       // besides the empty cell, e.g. "NA", "-"
  std::map<std::string, std::string> header_for;  // field -> column header in the file
  bool skip_bad_rows = false;                     // else the first bad value is an InputError
  std::string rejects_path;                       // with skip: where rejected rows and reasons go
};

// Reads a mapping file for exports whose headers differ from the field names: a JSON object
// {"field": "Header in file", ...}. Throws InputError.
std::map<std::string, std::string> read_header_map(const std::string& path);

// One row, in the order of the requested columns: NaN for missing; category values as their
// index; bool as 0/1; dates as days since 1970-01-01; Text columns in `texts`.
struct Row {
  std::vector<double> values;
  std::vector<std::string> texts;
  std::size_t row = 0;   // 1-based data row (header not counted)
  std::size_t line = 0;  // 1-based physical line in the file
};

class CohortReader {
 public:
  // Opens `path` (.jsonl/.ndjson: JSON Lines; else CSV) and binds `columns` to it. A column with
  // `required` false may be absent from the file (then always missing). Throws InputError for an
  // unreadable file or a required column that is absent (naming the closest header).
  CohortReader(const std::string& path, std::vector<ColumnSpec> columns, ReadOptions options,
               std::vector<bool> required = {});
  ~CohortReader();
  CohortReader(const CohortReader&) = delete;
  CohortReader& operator=(const CohortReader&) = delete;

  // Reads the next valid row; false at the end (and then the rejects file is complete).
  // A bad value throws InputError naming file, row, column and what was expected — unless
  // skip_bad_rows, in which case the row is counted, written to the rejects file, and skipped.
  bool next(Row& row);

  const std::vector<ColumnSpec>& columns() const { return columns_; }
  std::size_t rows_read() const { return rows_; }
  std::size_t rows_rejected() const { return rejected_; }
  std::size_t bytes_read() const;
  char delimiter() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<ColumnSpec> columns_;
  std::size_t rows_ = 0;
  std::size_t rejected_ = 0;
};

// The column headers of a CSV file (trimmed), or the keys of a JSON Lines file's first object.
std::vector<std::string> read_headers(const std::string& path, const ReadOptions& options);

// Parses one cell for `spec`; returns NaN for a missing cell. On a bad value returns false and
// sets `expected` to what the column takes.
bool parse_cell(std::string_view cell, const ColumnSpec& spec, const ReadOptions& options,
                double& out, std::string& expected);

}  // namespace skon::models
