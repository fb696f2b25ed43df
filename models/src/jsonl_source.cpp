// JSON Lines records, parsed with simdjson's On-Demand API one line at a time, so that a bad line
// is reported (or skipped) on its own, with the same wording as a bad CSV row. On-Demand looks
// only at the values the purpose reads and skips the rest: twice as fast as building a DOM of
// every line (measured: 0.22 s against 0.42 s for a million 450-byte lines).

#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "record_source_detail.hpp"
#include "skon/base/sha256.hpp"

namespace skon::models {
namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kBlock = 1 << 20;

// Lines of a file, each parsed where it lies, without a copy. A regular file is mapped into
// memory; simdjson reads up to SIMDJSON_PADDING bytes past a line, which the following lines
// provide, so only the last line or two are copied into a padded buffer. Anything else (standard
// input, a pipe) is read in blocks into one buffer that keeps the padding after its data.
class LineReader {
 public:
  explicit LineReader(const std::string& path) {
    if (path != "-" && map(path)) return;
    file_ = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    owns_ = path != "-";
    if (file_ == nullptr)
      throw base::InputError("cannot open '" + path + "': " + std::strerror(errno));
    buf_.resize(kBlock + simdjson::SIMDJSON_PADDING);
  }
  ~LineReader() {
    if (map_ != nullptr) ::munmap(map_, map_size_);
    if (owns_ && file_ != nullptr) std::fclose(file_);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its line end; false at the end of the file.
  bool next(std::string_view& line) {
    if (!(map_ != nullptr ? next_mapped(line) : next_buffered(line))) return false;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_number_;
    if (line_number_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    return true;
  }

  // Bytes from `line`'s start to the end of readable memory: what simdjson may read.
  std::size_t capacity_of(std::string_view line) const {
    const std::string& holder = map_ != nullptr ? tail_ : buf_;
    if (line.data() >= holder.data() && line.data() < holder.data() + holder.size()) {
      return static_cast<std::size_t>(holder.data() + holder.size() - line.data());
    }
    return static_cast<std::size_t>(static_cast<const char*>(map_) + map_size_ - line.data());
  }
  std::size_t line_number() const { return line_number_; }
  std::size_t bytes_read() const { return consumed_; }
  // The SHA-256 of a stream's bytes once all are read; "" for a mapped (regular) file.
  std::string content_sha256() {
    if (map_ != nullptr || !eof_) return "";
    if (digest_.empty()) digest_ = hash_.hex();
    return digest_;
  }

 private:
  bool map(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* m =
          ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        map_ = m;
        map_size_ = static_cast<std::size_t>(st.st_size);
        ::madvise(map_, map_size_, MADV_SEQUENTIAL);
      }
    }
    ::close(fd);
    return map_ != nullptr;
  }

  bool next_mapped(std::string_view& line) {
    const char* data = static_cast<const char*>(map_);
    if (consumed_ >= map_size_) return false;
    const char* begin = data + consumed_;
    const void* nl = std::memchr(begin, '\n', map_size_ - consumed_);
    const char* stop = nl != nullptr ? static_cast<const char*>(nl) : data + map_size_;
    line = std::string_view(begin, static_cast<std::size_t>(stop - begin));
    consumed_ = static_cast<std::size_t>(stop - data) + (nl != nullptr ? 1 : 0);
    // Release the pages of the lines already parsed, so the process does not grow with the file.
    constexpr std::size_t kRelease = 8u << 20;
    const std::size_t line_start = static_cast<std::size_t>(begin - data);
    if (line_start >= released_ + 2 * kRelease) {
      ::madvise(static_cast<char*>(map_) + released_, kRelease, MADV_DONTNEED);
      released_ += kRelease;  // page-aligned: kRelease is a multiple of every page size
    }
    if (static_cast<std::size_t>(data + map_size_ - stop) < simdjson::SIMDJSON_PADDING) {
      tail_.assign(line);  // too near the end of the mapping for simdjson's padding
      tail_.append(simdjson::SIMDJSON_PADDING, '\0');
      line = std::string_view(tail_.data(), line.size());
    }
    return true;
  }

  bool next_buffered(std::string_view& line) {
    for (;;) {
      const char* begin = buf_.data() + pos_;
      const void* nl = std::memchr(begin, '\n', end_ - pos_);
      if (nl != nullptr || (eof_ && pos_ < end_)) {
        const std::size_t stop =
            nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data())
                          : end_;
        line = std::string_view(begin, stop - pos_);
        consumed_ += (nl != nullptr ? stop + 1 : stop) - pos_;
        pos_ = nl != nullptr ? stop + 1 : end_;
        return true;
      }
      if (eof_) return false;
      fill();
    }
  }

  void fill() {
    // Keep the unfinished line, then read a block after it (growing for very long lines).
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
    if (buf_.size() < end_ + kBlock + simdjson::SIMDJSON_PADDING) {
      buf_.resize(end_ + kBlock + simdjson::SIMDJSON_PADDING);
    }
    const std::size_t n = std::fread(buf_.data() + end_, 1, kBlock, file_);
    hash_.update(std::string_view(buf_.data() + end_, n));
    end_ += n;
    if (n < kBlock) eof_ = true;
    std::memset(buf_.data() + end_, 0, simdjson::SIMDJSON_PADDING);
  }

  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::size_t released_ = 0;  // mapped bytes before this are released
  std::string tail_;          // the last lines of a mapped file, with padding
  base::Sha256 hash_;         // of a stream's bytes
  std::string digest_;
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
        tally_(path, options_) {
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
      row.row = tally_.next_row();
      const std::string error = parse(line, row);
      if (tally_.settle(error, row)) return true;
    }
    tally_.finish();
    return false;
  }

  const std::vector<ColumnSpec>& columns() const override { return columns_; }
  std::size_t rows_read() const override { return tally_.rows(); }
  std::size_t rows_rejected() const override { return tally_.rejected(); }
  std::size_t bytes_read() const override { return lines_.bytes_read(); }
  std::size_t bytes_total() const override { return total_; }
  std::string_view format() const override { return "jsonl"; }
  std::string content_sha256() const override { return lines_.content_sha256(); }

 private:
  // Fills `row` from one line; the error in words, or "" when the line is good.
  // An object member as field and unescaped key; false when it is not valid JSON.
  template <typename Member>
  static bool key_of(Member&& member, od::field& field, std::string_view& key) {
    return std::forward<Member>(member).get(field) == simdjson::SUCCESS &&
           field.unescaped_key().get(key) == simdjson::SUCCESS;
  }

  std::string parse(std::string_view line, Row& row) {
    std::fill(row.values.begin(), row.values.end(), kMissing);
    for (auto& t : row.texts) t.clear();
    std::fill(seen_.begin(), seen_.end(), false);
    const simdjson::padded_string_view json(line.data(), line.size(), lines_.capacity_of(line));
    od::document doc;
    od::object object;
    if (parser_.iterate(json).get(doc) != simdjson::SUCCESS) return "not valid JSON";
    if (const auto e = doc.get_object().get(object); e != simdjson::SUCCESS) {
      return e == simdjson::INCORRECT_TYPE ? "not a JSON object" : "not valid JSON";
    }
    std::size_t position = 0;
    bool deferred = false;
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (!key_of(std::move(member), field, key)) return "not valid JSON";
      const std::size_t c = column_of(key, position++);
      if (c == kNoColumn) continue;  // a key no field reads: its value is skipped, never parsed
      if (seen_[c]) return "column '" + keys_[c] + "' appears twice";
      seen_[c] = true;
      if (columns_[c].consent >= 0) {  // read after its consent is known, in a second pass
        deferred = true;
        continue;
      }
      if (std::string error = value(field.value(), c, row); !error.empty()) return error;
    }
    // Consent-bound values: parsed only where the consent is true, never looked at otherwise.
    if (deferred) {
      if (object.reset().error() != simdjson::SUCCESS) return "not valid JSON";
      for (auto member : object) {
        od::field field;
        std::string_view key;
        if (!key_of(std::move(member), field, key)) return "not valid JSON";
        const std::size_t c = column_of(key, kNoPosition);
        if (c == kNoColumn || columns_[c].consent < 0) continue;
        if (row.values[static_cast<std::size_t>(columns_[c].consent)] != 1.0) continue;
        if (std::string error = value(field.value(), c, row); !error.empty()) return error;
      }
    }
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) return "not valid JSON";
    return "";
  }

  // The column a key names, or kNoColumn. Exports write their keys in the same order on every
  // line, so the key at `position` is first compared with the one found there last time.
  static constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
  static constexpr std::size_t kNoPosition = static_cast<std::size_t>(-1);
  std::size_t column_of(std::string_view key, std::size_t position) {
    if (position == kNoPosition) {  // a lookup that must not disturb the position cache
      std::size_t c = 0;
      while (c < keys_.size() && keys_[c] != key) ++c;
      return c == keys_.size() ? kNoColumn : c;
    }
    if (position < last_keys_.size() && last_keys_[position].first == key) {
      return last_keys_[position].second;
    }
    std::size_t c = 0;
    while (c < keys_.size() && keys_[c] != key) ++c;
    const std::size_t column = c == keys_.size() ? kNoColumn : c;
    if (position >= last_keys_.size()) last_keys_.resize(position + 1);
    last_keys_[position] = {std::string(key), column};
    return column;
  }

  std::string value(od::value v, std::size_t c, Row& row) {
    const ColumnSpec& spec = columns_[c];
    const auto bad = [&]() { return detail::bad_cell(spec, options_, expected_of(spec)); };
    od::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return "not valid JSON";
    double& out = row.values[c];
    switch (type) {
      case od::json_type::null:
        return "";
      case od::json_type::number: {
        if (spec.type == ColumnType::Text) {  // a numeric id, as written
          row.texts[c].assign(detail::trim(v.raw_json_token()));
          out = 0;
          return "";
        }
        if (spec.type != ColumnType::Number && spec.type != ColumnType::Bool) return bad();
        double x = 0;
        if (v.get_double().get(x) != simdjson::SUCCESS || !std::isfinite(x)) return bad();
        if (spec.type == ColumnType::Bool && x != 0 && x != 1) return bad();
        if ((spec.low && x < *spec.low) || (spec.high && x > *spec.high)) return bad();
        out = x;
        return "";
      }
      case od::json_type::boolean: {
        bool b = false;
        if (v.get_bool().get(b) != simdjson::SUCCESS) return bad();
        if (spec.type == ColumnType::Text) {
          row.texts[c] = b ? "true" : "false";
          out = 0;
          return "";
        }
        if (spec.type != ColumnType::Bool) return bad();
        out = b ? 1 : 0;
        return "";
      }
      case od::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return bad();
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
      case od::json_type::array:
      case od::json_type::object:
        return bad();
    }
    return bad();
  }

  std::string path_;
  std::vector<ColumnSpec> columns_;
  ReadOptions options_;
  mutable LineReader lines_;
  detail::RowTally tally_;
  od::parser parser_;
  std::vector<std::pair<std::string, std::size_t>> last_keys_;  // per position: key, column
  std::vector<std::string> keys_;                               // per column: its key in the file
  std::vector<bool> seen_;
  std::size_t total_ = 0;
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
  od::parser parser;
  while (lines.next(line)) {
    if (blank(line)) continue;
    od::document doc;
    od::object object;
    const simdjson::padded_string_view json(line.data(), line.size(), lines.capacity_of(line));
    if (parser.iterate(json).get(doc) != simdjson::SUCCESS ||
        doc.get_object().get(object) != simdjson::SUCCESS) {
      break;
    }
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (std::move(member).get(field) != simdjson::SUCCESS ||
          field.unescaped_key().get(key) != simdjson::SUCCESS) {
        break;
      }
      keys.emplace_back(key);
    }
    break;
  }
  return keys;
}

}  // namespace skon::models
