#include "skon/models/csv.hpp"

#include <algorithm>
#include <cstring>

#include "skon/base/sha256.hpp"
#include "skon/models/record_source.hpp"
#include "skon/models/schema.hpp"

namespace skon::models {

namespace {

constexpr std::size_t kBlock = 1 << 20;

// Windows-1252 0x80..0x9F; 0 marks bytes undefined in Windows-1252 (mapped as Latin-1 C1).
constexpr char32_t kCp1252[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_code_point(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void append_as_utf8(std::string_view bytes, Encoding from, std::string& out) {
  out.reserve(out.size() + bytes.size() + bytes.size() / 8);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (from == Encoding::Windows1252 && c < 0xA0 && kCp1252[c - 0x80] != 0) {
      append_code_point(kCp1252[c - 0x80], out);
    } else {
      append_code_point(c, out);
    }
  }
}

CsvTokenizer::CsvTokenizer(const std::string& path, char delimiter, Encoding encoding)
    : path_(path), encoding_(encoding), delimiter_(delimiter) {
  if (path == "-") {
    file_ = stdin;
  } else {
    file_ = std::fopen(path.c_str(), "rb");
    owns_file_ = true;
    if (file_ == nullptr)
      throw base::InputError("cannot open '" + path + "': " + std::strerror(errno));
  }
  if (!readable_twice(path)) hash_ = std::make_unique<base::Sha256>();
  fill();
  if (delimiter_ == 0) {
    // Count candidates on the header line, outside quotes.
    std::size_t counts[4] = {0, 0, 0, 0};
    const char candidates[4] = {';', ',', '\t', '|'};
    bool quoted = false;
    for (std::size_t i = 0; i < buf_.size() && (quoted || buf_[i] != '\n'); ++i) {
      if (buf_[i] == '"') quoted = !quoted;
      if (quoted) continue;
      for (int k = 0; k < 4; ++k) counts[k] += buf_[i] == candidates[k] ? 1 : 0;
    }
    const auto best = std::max_element(counts, counts + 4) - counts;
    delimiter_ = counts[best] > 0 ? candidates[best] : ',';
  }
}

std::string CsvTokenizer::content_sha256() const {
  if (!hash_ || !eof_) return "";
  if (digest_.empty()) digest_ = hash_->hex();
  return digest_;
}

CsvTokenizer::~CsvTokenizer() {
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
}

bool CsvTokenizer::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  // At least as much again as is unparsed: a record longer than a block (a 200 MB line) then
  // costs linear time, not a rescan per block.
  const std::size_t want = std::max(kBlock, buf_.size());
  block_.resize(want);
  const std::size_t n = std::fread(block_.data(), 1, want, file_);
  bytes_read_ += n;
  if (hash_) hash_->update(std::string_view(block_.data(), n));
  if (n < want) eof_ = true;
  std::string_view data(block_.data(), n);
  if (first_block_) {
    first_block_ = false;
    if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);  // UTF-8 byte-order mark
  }
  if (encoding_ == Encoding::Utf8) {
    buf_.append(data);
  } else {
    append_as_utf8(data, encoding_, buf_);
  }
  return n > 0 || !buf_.empty();
}

bool CsvTokenizer::next(std::vector<std::string_view>& fields) {
  for (;;) {
    fields.clear();
    unquoted_.clear();
    std::size_t p = pos_;
    std::size_t lines = 0;
    bool need_more = false;
    bool done = false;
    const std::size_t size = buf_.size();
    const std::string_view view(buf_);

    if (p >= size) {
      if (eof_) return false;
      fill();
      continue;
    }
    // Consumes a line end at q; false if more input is needed to know (a lone CR at the end).
    const auto end_line = [&](std::size_t q) {
      if (view[q] == '\r') {
        if (q + 1 >= size && !eof_) return false;
        p = (q + 1 < size && view[q + 1] == '\n') ? q + 2 : q + 1;
      } else {
        p = q + 1;
      }
      ++lines;
      done = true;
      return true;
    };

    while (!done && !need_more) {
      if (p < size && view[p] == '"') {
        std::size_t q = p + 1;
        bool escaped = false;
        std::size_t close = std::string_view::npos;
        for (;;) {
          close = view.find('"', q);
          if (close == std::string_view::npos) break;
          if (close + 1 < size && view[close + 1] == '"') {
            escaped = true;
            q = close + 2;
            continue;
          }
          if (close + 1 >= size && !eof_) close = std::string_view::npos;  // "" may follow
          break;
        }
        if (close == std::string_view::npos) {
          if (eof_) {
            throw base::InputError(path_ + ": line " + std::to_string(line_) +
                                   ": a quoted field is never closed (a \" is missing)");
          }
          need_more = true;
          break;
        }
        std::string_view content = view.substr(p + 1, close - p - 1);
        lines += static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
        if (escaped) {
          std::string& s = unquoted_.emplace_back();
          s.reserve(content.size());
          for (std::size_t i = 0; i < content.size(); ++i) {
            s += content[i];
            if (content[i] == '"') ++i;  // "" -> "
          }
          content = s;
        }
        p = close + 1;
        // Text between the closing quote and the delimiter (not RFC 4180, but exports do it):
        // kept, as spreadsheets do.
        std::size_t q2 = p;
        while (q2 < size && view[q2] != delimiter_ && view[q2] != '\n' && view[q2] != '\r') ++q2;
        if (q2 >= size && !eof_) {
          need_more = true;
          break;
        }
        if (q2 > p) {
          std::string& s = unquoted_.emplace_back(content);
          s.append(view.substr(p, q2 - p));
          content = s;
        }
        fields.push_back(content);
        if (q2 >= size) {
          p = q2;
          done = true;
        } else if (view[q2] == delimiter_) {
          p = q2 + 1;
        } else if (!end_line(q2)) {
          need_more = true;
        }
      } else {
        std::size_t q = p;
        while (q < size) {
          const char c = view[q];
          if (c == delimiter_ || c == '\n' || c == '\r') break;
          ++q;
        }
        if (q >= size && !eof_) {
          need_more = true;
          break;
        }
        fields.push_back(view.substr(p, q - p));
        if (q >= size) {
          p = q;
          done = true;
        } else if (view[q] == delimiter_) {
          p = q + 1;
          if (p >= size && eof_) {  // a trailing delimiter at the very end: one more empty field
            fields.emplace_back();
            done = true;
          }
        } else if (!end_line(q)) {
          need_more = true;
        }
      }
    }
    if (need_more) {
      const std::size_t before = buf_.size() - pos_;
      fill();
      if (buf_.size() - pos_ == before && !eof_) continue;
      continue;
    }
    record_begin_ = pos_;
    record_end_ = p;
    while (record_end_ > record_begin_ &&
           (buf_[record_end_ - 1] == '\n' || buf_[record_end_ - 1] == '\r')) {
      --record_end_;
    }
    record_line_ = line_;
    line_ += lines;
    pos_ = p;
    // A blank line is no record.
    if (fields.size() == 1 && fields[0].empty() && record_end_ == record_begin_) continue;
    return true;
  }
}

}  // namespace skon::models
