#pragma once

// Cohort records, read row by row and typed by the data dictionary. A RecordSource is one small
// interface; CSV (RFC 4180, Danish dialects) and JSON Lines are its two implementations, each in
// a file of its own, so a new reader (a database, Parquet) is one new file. Memory does not grow
// with the number of rows.
//
// Errors name the file, row, line and column and what was expected — never a cell's value, which
// may be a personal identifier.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "skon/models/csv.hpp"
#include "skon/models/schema.hpp"

namespace skon::models {

struct ReadOptions {
  enum class Format : std::uint8_t { ByName, Csv, JsonLines };
  Format format = Format::ByName;  // by the file name (.jsonl/.ndjson), or as given (for "-")
  char delimiter = 0;              // 0: detect (; , tab |)
  char decimal = '.';              // ',' for Danish exports
  Encoding encoding = Encoding::Utf8;
  std::vector<std::string> missing_markers;       // besides the empty cell, e.g. "NA", "-"
  std::map<std::string, std::string> header_for;  // field -> column header in the file
  bool skip_bad_rows = false;                     // else the first bad value is an InputError
  std::string rejects_path;                       // with skip: where rejected rows and reasons go
  // The rejects file names each row by line, row and reason, never by its values. When a column
  // holds the person's id (its index among the requested columns), `reject_id` turns it into
  // what the file may show: a pseudonym (or the raw id when the user reveals ids).
  std::size_t id_column = static_cast<std::size_t>(-1);
  std::function<std::string(std::string_view)> reject_id;
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

class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // Reads the next valid row; false at the end (and then the rejects file is complete).
  // A bad value throws InputError naming file, row, line, column and what was expected — unless
  // skip_bad_rows, in which case the row is counted, written to the rejects file, and skipped.
  virtual bool next(Row& row) = 0;

  virtual const std::vector<ColumnSpec>& columns() const = 0;
  virtual std::size_t rows_read() const = 0;
  virtual std::size_t rows_rejected() const = 0;
  // Progress through the input: bytes consumed so far, of bytes_total() (0 when unknown).
  virtual std::size_t bytes_read() const = 0;
  virtual std::size_t bytes_total() const = 0;
  // "csv" or "jsonl": what a run's manifest records.
  virtual std::string_view format() const = 0;
  // For an input that can be read only once (standard input, a pipe): the SHA-256 of its bytes,
  // computed while reading, once the last row has been read. "" for a regular file (whose hash
  // the caller takes before reading).
  virtual std::string content_sha256() const { return ""; }
};

// Whether `path` can be read more than once (a regular file; not "-", a pipe or a device).
bool readable_twice(const std::string& path);

// Opens `path` (.jsonl/.ndjson: JSON Lines; else CSV; or as options.format says) and binds
// `columns` to it. A column with
// `required` false may be absent from the file (then always missing). Throws InputError for an
// unreadable file or a required column that is absent (naming the closest header).
std::unique_ptr<RecordSource> open_records(const std::string& path, std::vector<ColumnSpec> columns,
                                           ReadOptions options, std::vector<bool> required = {});

// The same as a value: what most callers hold.
class CohortReader final : public RecordSource {
 public:
  CohortReader(const std::string& path, std::vector<ColumnSpec> columns, ReadOptions options,
               std::vector<bool> required = {})
      : source_(open_records(path, std::move(columns), std::move(options), std::move(required))) {}

  bool next(Row& row) override { return source_->next(row); }
  const std::vector<ColumnSpec>& columns() const override { return source_->columns(); }
  std::size_t rows_read() const override { return source_->rows_read(); }
  std::size_t rows_rejected() const override { return source_->rows_rejected(); }
  std::size_t bytes_read() const override { return source_->bytes_read(); }
  std::size_t bytes_total() const override { return source_->bytes_total(); }
  std::string_view format() const override { return source_->format(); }
  std::string content_sha256() const override { return source_->content_sha256(); }

 private:
  std::unique_ptr<RecordSource> source_;
};

// The column headers of a CSV file (trimmed), or the keys of a JSON Lines file's first object.
std::vector<std::string> read_headers(const std::string& path, const ReadOptions& options);

// Parses one cell for `spec`; returns NaN for a missing cell. On a bad value returns false and
// sets `expected` to what the column takes.
bool parse_cell(std::string_view cell, const ColumnSpec& spec, const ReadOptions& options,
                double& out, std::string& expected);

// What a column takes, in words: "a number in 0..100", "one of female, male".
std::string expected_of(const ColumnSpec& spec);

}  // namespace skon::models
