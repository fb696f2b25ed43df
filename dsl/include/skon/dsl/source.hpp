#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace skon::dsl {

using FileId = std::uint32_t;

// A half-open byte range [begin, end) in one source file. Line and column are computed only
// when a diagnostic is rendered.
struct Span {
  FileId file = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  friend bool operator==(const Span&, const Span&) = default;
};

// 1-based line; 1-based column counted in Unicode code points (what an editor shows).
struct LineCol {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// One source text held in memory for the lifetime of the SourceMap, so diagnostics never re-read
// files to print a snippet.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // Line and column of a byte offset; offsets past the end map to the end of the text.
  LineCol line_col(std::uint32_t offset) const;
  // The text of a 1-based line without its line terminator.
  std::string_view line_text(std::uint32_t line) const;
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
  std::uint32_t line_start(std::uint32_t line) const { return line_starts_.at(line - 1); }

 private:
  std::string name_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// Owns every source text of one run; FileIds are indices, stable for the map's lifetime.
class SourceMap {
 public:
  FileId add(std::string name, std::string text);
  const SourceFile& file(FileId id) const { return *files_.at(id); }
  std::size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

// Number of code points in a UTF-8 byte range (continuation bytes are not counted).
std::uint32_t count_code_points(std::string_view utf8);

}  // namespace skon::dsl
