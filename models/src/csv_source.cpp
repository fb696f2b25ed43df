// CSV records: the RFC 4180 tokenizer (csv.cpp) plus the dictionary's types.

#include <filesystem>

#include "record_source_detail.hpp"

namespace skon::models {
namespace {

class CsvRecordSource final : public RecordSource {
 public:
  CsvRecordSource(const std::string& path, std::vector<ColumnSpec> columns, ReadOptions options,
                  const std::vector<bool>& required)
      : path_(path),
        columns_(std::move(columns)),
        options_(std::move(options)),
        csv_(path, options_.delimiter, options_.encoding),
        tally_(path, options_) {
    std::error_code ec;
    total_ = path == "-" ? 0 : static_cast<std::size_t>(std::filesystem::file_size(path, ec));
    if (ec) total_ = 0;
    if (!csv_.next(fields_))
      throw base::InputError(path + ": the file is empty; expected a header row");
    std::vector<std::string> headers;
    for (auto f : fields_) headers.emplace_back(detail::trim(f));
    for (std::size_t i = 0; i < headers.size(); ++i) {
      for (std::size_t j = i + 1; j < headers.size(); ++j) {
        if (headers[i] != headers[j] || headers[i].empty()) continue;
        // Which of the two would a field read? Neither: the export is ambiguous.
        throw base::InputError(path + ": the header names column '" +
                               detail::printable(headers[i]) + "' twice (fields " +
                               std::to_string(i + 1) + " and " + std::to_string(j + 1) +
                               "); rename one in the export");
      }
    }
    header_fields_ = headers.size();
    position_ = detail::bind_columns(path, headers, columns_, options_, required);
  }

  bool next(Row& row) override {
    row.values.resize(columns_.size());
    row.texts.resize(columns_.size());
    while (csv_.next(fields_)) {
      row.line = csv_.line();
      row.row = tally_.next_row();
      std::string error;
      if (fields_.size() > header_fields_) {
        error = "has " + std::to_string(fields_.size()) + " fields, but the header has " +
                std::to_string(header_fields_) + " (an unquoted delimiter in a value?)";
      }
      // Two passes: a consent-bound column after every other, so its consent is known first.
      for (std::size_t pass = 0; pass < 2; ++pass) {
        for (std::size_t c = 0; c < columns_.size(); ++c) {
          const int consent = columns_[c].consent;
          if ((consent >= 0) != (pass == 1)) continue;
          if (consent >= 0 && row.values[static_cast<std::size_t>(consent)] != 1.0) {
            row.values[c] = kMissing;  // no consent: the cell is never looked at
            row.texts[c].clear();
            continue;
          }
          const int pos = position_[c];
          if (pos < 0 || static_cast<std::size_t>(pos) >= fields_.size()) {
            if (pos >= 0 && error.empty()) {
              error = "has " + std::to_string(fields_.size()) + " fields; column '" +
                      detail::header_of(columns_[c], options_) + "' is field " +
                      std::to_string(pos + 1);
            }
            row.values[c] = kMissing;
            continue;
          }
          const std::string_view cell = fields_[static_cast<std::size_t>(pos)];
          const ColumnSpec& spec = columns_[c];
          if (spec.type == ColumnType::Text) {
            row.texts[c].assign(detail::trim(cell));
            row.values[c] = row.texts[c].empty() ? kMissing : 0;
            continue;
          }
          std::string expected;
          if (!parse_cell(cell, spec, options_, row.values[c], expected) && error.empty()) {
            error = detail::bad_cell(spec, options_, expected);
          }
        }
      }
      if (tally_.settle(error, row)) return true;
    }
    tally_.finish();
    return false;
  }

  const std::vector<ColumnSpec>& columns() const override { return columns_; }
  std::size_t rows_read() const override { return tally_.rows(); }
  std::size_t rows_rejected() const override { return tally_.rejected(); }
  std::size_t bytes_read() const override { return csv_.bytes_read(); }
  std::size_t bytes_total() const override { return total_; }
  std::string_view format() const override { return "csv"; }
  std::string content_sha256() const override { return csv_.content_sha256(); }

 private:
  std::string path_;
  std::vector<ColumnSpec> columns_;
  ReadOptions options_;
  CsvTokenizer csv_;
  detail::RowTally tally_;
  std::vector<std::string_view> fields_;
  std::vector<int> position_;  // column -> field in the file's records, -1 absent
  std::size_t header_fields_ = 0;
  std::size_t total_ = 0;
};

}  // namespace

std::unique_ptr<RecordSource> open_csv_records(const std::string& path,
                                               std::vector<ColumnSpec> columns, ReadOptions options,
                                               std::vector<bool> required) {
  return std::make_unique<CsvRecordSource>(path, std::move(columns), std::move(options), required);
}

}  // namespace skon::models
