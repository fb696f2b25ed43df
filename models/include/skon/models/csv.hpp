#pragma once

// A streaming RFC 4180 tokenizer: quoted fields with embedded delimiters, quotes ("") and
// newlines, CRLF or LF line ends, a UTF-8 byte-order mark, and Windows-1252 / Latin-1 input
// converted to UTF-8. Reads in blocks, so memory does not grow with the file.

#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skon::base {
class Sha256;
}

namespace skon::models {

enum class Encoding : std::uint8_t { Utf8, Latin1, Windows1252 };

// Converts one block of Latin-1 or Windows-1252 bytes to UTF-8, appending to `out`.
void append_as_utf8(std::string_view bytes, Encoding from, std::string& out);

class CsvTokenizer {
 public:
  // Opens `path` ("-" is standard input). `delimiter` 0 means: detect from the first line
  // among ';', ',', tab and '|'. Throws InputError when the file cannot be opened.
  CsvTokenizer(const std::string& path, char delimiter, Encoding encoding);
  ~CsvTokenizer();
  CsvTokenizer(const CsvTokenizer&) = delete;
  CsvTokenizer& operator=(const CsvTokenizer&) = delete;

  // Reads the next record. The views stay valid until the next call. False at end of input.
  // Throws InputError for a quote left open at the end of the file.
  bool next(std::vector<std::string_view>& fields);

  char delimiter() const { return delimiter_; }
  // 1-based physical line where the last record returned started.
  std::size_t line() const { return record_line_; }
  // The raw text of the last record (for rejects files).
  std::string_view raw_record() const {
    return std::string_view(buf_).substr(record_begin_, record_end_ - record_begin_);
  }
  std::size_t bytes_read() const { return bytes_read_; }
  // The SHA-256 of every byte read, when the input is a stream ("" for a regular file); complete
  // once next() has returned false.
  std::string content_sha256() const;

 private:
  bool fill();  // appends the next block to buf_; false at end of file

  std::string path_;
  std::unique_ptr<base::Sha256> hash_;  // for a stream only
  mutable std::string digest_;
  std::FILE* file_ = nullptr;
  bool owns_file_ = false;
  Encoding encoding_;
  char delimiter_;
  std::string buf_;      // UTF-8 text not yet consumed
  std::size_t pos_ = 0;  // next unread byte of buf_
  bool eof_ = false;
  bool first_block_ = true;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::size_t bytes_read_ = 0;
  std::deque<std::string> unquoted_;  // fields that needed unescaping (stable addresses)
  std::size_t record_begin_ = 0, record_end_ = 0;
  std::string block_;
};

}  // namespace skon::models
