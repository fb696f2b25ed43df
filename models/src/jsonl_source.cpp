// JSON Lines records, parsed with simdjson one line at a time, so that a bad line is reported (or
// skipped) on its own, with the same wording as a bad CSV row. The DOM parser is used rather
// than On-Demand: it picks the fastest kernel for the machine at run time, where On-Demand's
// inline code would be compiled for the build's baseline CPU.

#include <simdjson.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "record_source_detail.hpp"

namespace skon::models {
namespace {

namespace dom = simdjson::dom;

constexpr std::size_t kBlock = 1 << 20;

// Lines of a file, read in blocks into one buffer that always keeps simdjson's padding after the
// data, so each line can be parsed where it lies, without a copy.
class LineReader {
 public:
  explicit LineReader(const std::string& path) {
    file_ = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    owns_ = path != "-";
    if (file_ == nullptr) throw InputError("cannot open '" + path + "': " + std::strerror(errno));
    buf_.resize(kBlock + simdjson::SIMDJSON_PADDING);
  }
  ~LineReader() {
    if (owns_ && file_ != nullptr) std::fclose(file_);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its line end; false at the end of the file.
  bool next(std::string_view& line) {
    for (;;) {
      const char* begin = buf_.data() + pos_;
      const void* nl = std::memchr(begin, '\n', end_ - pos_);
      if (nl != nullptr || (eof_ && pos_ < end_)) {
        const std::size_t stop =
            nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data())
                          : end_;
        line = std::string_view(begin, stop - pos_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos_ = nl != nullptr ? stop + 1 : end_;
        consumed_ += (nl != nullptr ? stop + 1 : stop) - (begin - buf_.data());
        ++line_number_;
        if (line_number_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
        return true;
      }
      if (eof_) return false;
      fill();
    }
  }

  std::size_t line_number() const { return line_number_; }
  std::size_t bytes_read() const { return consumed_; }

 private:
  void fill() {
    // Keep the unfinished line, then read a block after it (growing for very long lines).
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
    if (buf_.size() < end_ + kBlock + simdjson::SIMDJSON_PADDING) {
      buf_.resize(end_ + kBlock + simdjson::SIMDJSON_PADDING);
    }
    const std::size_t n = std::fread(buf_.data() + end_, 1, kBlock, file_);
    end_ += n;
    if (n < kBlock) eof_ = true;
    std::memset(buf_.data() + end_, 0, simdjson::SIMDJSON_PADDING);
  }

  std::FILE* file_ = nullptr;
  bool owns_ = false;
  std::string buf_;
  std::size_t pos_ = 0, end_ = 0;  // unread data is buf_[pos_, end_)
  bool eof_ = false;
  std::size_t line_number_ = 0;
  std::size_t consumed_ = 0;
};

bool blank(std::string_view line) {
  return detail::trim(line).empty();
}

class JsonlRecordSource final : public RecordSource {
 public:
  JsonlRecordSource(const std::string& path, std::vector<ColumnSpec> columns, ReadOptions options,
                    const std::vector<bool>& required)
      : path_(path),
        columns_(std::move(columns)),
        options_(std::move(options)),
        lines_(path),
        rejects_(options_) {
    std::error_code ec;
    total_ = path == "-" ? 0 : static_cast<std::size_t>(std::filesystem::file_size(path, ec));
    if (ec) total_ = 0;
    (void)required;  // a key absent from a line is missing, so no column is required up front
    for (const ColumnSpec& c : columns_) keys_.push_back(detail::header_of(c, options_));
    seen_.resize(columns_.size());
  }

  bool next(Row& row) override {
    row.values.resize(columns_.size());
    row.texts.resize(columns_.size());
    std::string_view line;
    while (lines_.next(line)) {
      if (blank(line)) continue;
      row.line = lines_.line_number();
      row.row = rows_ + rejected_ + 1;
      const std::string error = parse(line, row);
      if (error.empty()) {
        ++rows_;
        return true;
      }
      if (!options_.skip_bad_rows) {
        throw InputError(detail::row_error(path_, row.row, row.line, error) +
                         " (--on-bad-row=skip skips such rows)");
      }
      ++rejected_;
      rejects_.add(row.line, error, line);
    }
    rejects_.finish();
    return false;
  }

  const std::vector<ColumnSpec>& columns() const override { return columns_; }
  std::size_t rows_read() const override { return rows_; }
  std::size_t rows_rejected() const override { return rejected_; }
  std::size_t bytes_read() const override { return lines_.bytes_read(); }
  std::size_t bytes_total() const override { return total_; }
  std::string_view format() const override { return "jsonl"; }

 private:
  // Fills `row` from one line; the error in words, or "" when the line is good.
  std::string parse(std::string_view line, Row& row) {
    std::fill(row.values.begin(), row.values.end(), kMissing);
    for (auto& t : row.texts) t.clear();
    std::fill(seen_.begin(), seen_.end(), false);
    dom::element doc;
    if (parser_.parse(line.data(), line.size(), false).get(doc) != simdjson::SUCCESS) {
      return "not valid JSON";
    }
    dom::object object;
    if (doc.get(object) != simdjson::SUCCESS) return "not a JSON object";
    for (const dom::key_value_pair member : object) {
      std::size_t c = 0;
      while (c < keys_.size() && keys_[c] != member.key) ++c;
      if (c == keys_.size()) continue;  // a key no field reads is never looked at
      if (seen_[c]) return "column '" + keys_[c] + "' appears twice";
      seen_[c] = true;
      if (std::string error = value(member.value, c, row); !error.empty()) return error;
    }
    return "";
  }

  std::string value(dom::element v, std::size_t c, Row& row) {
    const ColumnSpec& spec = columns_[c];
    const auto bad = [&]() { return detail::bad_cell(spec, options_, expected_of(spec)); };
    double& out = row.values[c];
    switch (v.type()) {
      case dom::element_type::NULL_VALUE:
        return "";
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: {
        if (spec.type == ColumnType::Text) {  // a numeric id, as written in integers
          if (v.type() == dom::element_type::INT64) {
            row.texts[c] = std::to_string(v.get_int64().value_unsafe());
          } else if (v.type() == dom::element_type::UINT64) {
            row.texts[c] = std::to_string(v.get_uint64().value_unsafe());
          } else {
            return bad();
          }
          out = 0;
          return "";
        }
        if (spec.type != ColumnType::Number && spec.type != ColumnType::Bool) return bad();
        const double x = v.get_double().value_unsafe();
        if (!std::isfinite(x)) return bad();
        if (spec.type == ColumnType::Bool && x != 0 && x != 1) return bad();
        if ((spec.low && x < *spec.low) || (spec.high && x > *spec.high)) return bad();
        out = x;
        return "";
      }
      case dom::element_type::BOOL: {
        const bool b = v.get_bool().value_unsafe();
        if (spec.type == ColumnType::Text) {
          row.texts[c] = b ? "true" : "false";
          out = 0;
          return "";
        }
        if (spec.type != ColumnType::Bool) return bad();
        out = b ? 1 : 0;
        return "";
      }
      case dom::element_type::STRING: {
        const std::string_view s = v.get_string().value_unsafe();
        if (spec.type == ColumnType::Text) {
          row.texts[c].assign(detail::trim(s));
          out = row.texts[c].empty() ? kMissing : 0;
          return "";
        }
        std::string expected;
        if (!parse_cell(s, spec, options_, out, expected)) {
          return detail::bad_cell(spec, options_, expected);
        }
        return "";
      }
      case dom::element_type::ARRAY:
      case dom::element_type::OBJECT:
        return bad();
    }
    return bad();
  }

  std::string path_;
  std::vector<ColumnSpec> columns_;
  ReadOptions options_;
  LineReader lines_;
  detail::Rejects rejects_;
  dom::parser parser_;
  std::vector<std::string> keys_;  // per column: its key in the file
  std::vector<bool> seen_;
  std::size_t rows_ = 0, rejected_ = 0, total_ = 0;
};

}  // namespace

std::unique_ptr<RecordSource> open_jsonl_records(const std::string& path,
                                                 std::vector<ColumnSpec> columns,
                                                 ReadOptions options, std::vector<bool> required) {
  return std::make_unique<JsonlRecordSource>(path, std::move(columns), std::move(options),
                                             required);
}

std::vector<std::string> jsonl_headers(const std::string& path) {
  LineReader lines(path);
  std::string_view line;
  std::vector<std::string> keys;
  dom::parser parser;
  while (lines.next(line)) {
    if (blank(line)) continue;
    dom::element doc;
    dom::object object;
    if (parser.parse(line.data(), line.size(), false).get(doc) != simdjson::SUCCESS ||
        doc.get(object) != simdjson::SUCCESS) {
      break;
    }
    for (const dom::key_value_pair member : object) keys.emplace_back(member.key);
    break;
  }
  return keys;
}

}  // namespace skon::models
