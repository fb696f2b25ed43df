#include "skon/models/record_source.hpp"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dates.hpp"
#include "read_ahead.hpp"
#include "record_source_detail.hpp"

namespace skon::models {

// Each format's source, in a file of its own (csv_source.cpp, jsonl_source.cpp).
std::unique_ptr<RecordSource> open_csv_records(const std::string& path,
                                               std::vector<ColumnSpec> columns, ReadOptions options,
                                               std::vector<bool> required);
std::unique_ptr<RecordSource> open_jsonl_records(const std::string& path,
                                                 std::vector<ColumnSpec> columns,
                                                 ReadOptions options, std::vector<bool> required);
std::vector<std::string> jsonl_headers(const std::string& path);

const char* to_string(ColumnType t) {
  switch (t) {
    case ColumnType::Number:
      return "number";
    case ColumnType::Bool:
      return "bool";
    case ColumnType::Category:
      return "category";
    case ColumnType::Date:
      return "date";
    case ColumnType::Text:
      return "text";
  }
  return "text";
}

namespace {

bool is_jsonl(const std::string& path) {
  return path.ends_with(".jsonl") || path.ends_with(".ndjson");
}

std::string format_bound(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

// Edit distance for "did you mean" on headers (small strings only).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

namespace detail {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[(c >> 4) & 0xF];
    out += kHex[c & 0xF];
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // ASCII case folding inline: what std::tolower does in the C locale, without a call per byte
  // (it showed as 7.5 % of `skon train` in bool parsing). Bytes of UTF-8 letters are compared
  // as they are, as before.
  const auto lower = [](unsigned char c) {
    return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

const std::string& header_of(const ColumnSpec& column, const ReadOptions& options) {
  const auto it = options.header_for.find(column.name);
  return it == options.header_for.end() ? column.name : it->second;
}

std::vector<int> bind_columns(const std::string& path, const std::vector<std::string>& headers,
                              const std::vector<ColumnSpec>& columns, const ReadOptions& options,
                              const std::vector<bool>& required) {
  std::vector<int> position(columns.size(), -1);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::string& key = header_of(columns[c], options);
    const auto it = std::find(headers.begin(), headers.end(), key);
    if (it != headers.end()) {
      position[c] = static_cast<int>(it - headers.begin());
      continue;
    }
    if (c < required.size() && !required[c]) continue;
    std::string message = path + ": no column '" + key + "' for field '" + columns[c].name + "'";
    std::size_t best = key.size() / 3 + 2;
    std::string suggestion;
    for (const auto& h : headers) {
      const std::size_t d = distance(h, key);
      if (d < best) best = d, suggestion = h;
    }
    if (!suggestion.empty()) {
      message +=
          "; did you mean '" + printable(suggestion) + "'? (a mapping file maps fields to headers)";
    }
    throw base::InputError(message);
  }
  return position;
}

std::string row_error(const std::string& path, std::size_t row, std::size_t line,
                      const std::string& what) {
  return path + ": row " + std::to_string(row) + " (line " + std::to_string(line) + "), " + what;
}

std::string bad_cell(const ColumnSpec& column, const ReadOptions& options,
                     const std::string& expected) {
  return "column '" + header_of(column, options) + "': expected " + expected;
}

RowTally::RowTally(std::string path, const ReadOptions& options)
    : path_(std::move(path)),
      skip_(options.skip_bad_rows),
      id_column_(options.id_column),
      reject_id_(options.reject_id) {
  if (!skip_ || options.rejects_path.empty()) return;
  rejects_ = std::make_unique<base::AtomicFile>(options.rejects_path);
  rejects_->write("line,row,reason,id\n");
}

bool RowTally::settle(const std::string& error, const Row& row) {
  if (error.empty()) {
    ++rows_;
    return true;
  }
  if (!skip_) {
    throw base::InputError(row_error(path_, row.row, row.line, error) +
                           " (--on-bad-row=skip skips such rows)");
  }
  ++rejected_;
  if (rejects_) {
    const auto quoted = [](std::string_view field) {
      std::string q = "\"";
      for (char c : field) q += c == '"' ? std::string_view("\"\"") : std::string_view(&c, 1);
      return q + '"';
    };
    std::string id;
    if (reject_id_ && id_column_ < row.texts.size() && !row.texts[id_column_].empty()) {
      id = reject_id_(row.texts[id_column_]);
    }
    rejects_->write(std::to_string(row.line) + "," + std::to_string(row.row) + "," + quoted(error) +
                    "," + quoted(id) + "\n");
  }
  return false;
}

void RowTally::finish() {
  if (!rejects_) return;
  rejects_->commit();
  rejects_.reset();
}

}  // namespace detail

std::string expected_of(const ColumnSpec& spec) {
  switch (spec.type) {
    case ColumnType::Number:
      if (spec.low || spec.high) {
        return "a number in " + (spec.low ? format_bound(*spec.low) : std::string("…")) + ".." +
               (spec.high ? format_bound(*spec.high) : std::string("…"));
      }
      return "a number";
    case ColumnType::Bool:
      return "true/false (or 1/0, ja/nej)";
    case ColumnType::Date:
      return "a date (YYYY-MM-DD)";
    case ColumnType::Text:
      return "text";
    case ColumnType::Category: {
      std::string s = "one of ";
      for (std::size_t i = 0; i < spec.levels.size(); ++i) s += (i ? ", " : "") + spec.levels[i];
      return s;
    }
  }
  return "a value";
}

bool parse_cell(std::string_view cell, const ColumnSpec& spec, const ReadOptions& options,
                double& out, std::string& expected) {
  cell = detail::trim(cell);
  if (cell.empty()) {
    out = kMissing;
    return true;
  }
  for (const auto& marker : options.missing_markers) {
    if (cell == marker) {
      out = kMissing;
      return true;
    }
  }
  switch (spec.type) {
    case ColumnType::Number: {
      char buffer[64];
      std::string_view text = cell;
      if (options.decimal != '.' && cell.size() < sizeof buffer) {
        std::copy(cell.begin(), cell.end(), buffer);
        std::replace(buffer, buffer + cell.size(), options.decimal, '.');
        text = std::string_view(buffer, cell.size());
      }
      const char* b = text.data();
      if (!text.empty() && *b == '+') ++b;
      const auto r = fast_float::from_chars(b, text.data() + text.size(), out);
      if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(out) ||
          (spec.low && out < *spec.low) || (spec.high && out > *spec.high)) {
        expected = expected_of(spec);
        return false;
      }
      return true;
    }
    case ColumnType::Bool: {
      static constexpr std::string_view kTrue[] = {"true", "1", "yes", "ja", "sand", "j", "y"};
      static constexpr std::string_view kFalse[] = {"false", "0", "no", "nej", "falsk", "n"};
      for (auto t : kTrue) {
        if (detail::iequals(cell, t)) return out = 1, true;
      }
      for (auto f : kFalse) {
        if (detail::iequals(cell, f)) return out = 0, true;
      }
      expected = expected_of(spec);
      return false;
    }
    case ColumnType::Category: {
      for (std::size_t i = 0; i < spec.levels.size(); ++i) {
        if (cell == spec.levels[i]) return out = static_cast<double>(i), true;
      }
      for (std::size_t i = 0; i < spec.levels.size(); ++i) {
        if (detail::iequals(cell, spec.levels[i])) return out = static_cast<double>(i), true;
      }
      expected = expected_of(spec);
      return false;
    }
    case ColumnType::Date: {
      if (const auto d = detail::parse_day(cell)) return out = *d, true;
      expected = expected_of(spec);
      return false;
    }
    case ColumnType::Text:
      out = 0;
      return true;
  }
  return false;
}

std::map<std::string, std::string> read_header_map(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw base::InputError("cannot open mapping file '" + path + "'");
  std::map<std::string, std::string> out;
  try {
    const auto j = nlohmann::json::parse(in);
    if (!j.is_object())
      throw base::InputError(path + ": expected a JSON object {\"field\": \"header\"}");
    for (const auto& [k, v] : j.items()) {
      if (!v.is_string())
        throw base::InputError(path + ": the header for '" + k + "' must be a string");
      out[k] = v.get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
    throw base::InputError(path +
                           ": not valid JSON; expected an object {\"field\": \"header\", ...}");
  }
  return out;
}

std::vector<std::string> read_headers(const std::string& path, const ReadOptions& options) {
  if (is_jsonl(path)) return jsonl_headers(path);
  std::vector<std::string> out;
  CsvTokenizer t(path, options.delimiter, options.encoding);
  std::vector<std::string_view> fields;
  if (t.next(fields)) {
    for (auto f : fields) out.emplace_back(detail::trim(f));
  }
  return out;
}

bool readable_twice(const std::string& path) {
  std::error_code ec;
  return path != "-" && std::filesystem::is_regular_file(path, ec);
}

std::unique_ptr<RecordSource> open_records(const std::string& path, std::vector<ColumnSpec> columns,
                                           ReadOptions options, std::vector<bool> required) {
  const bool jsonl = options.format == ReadOptions::Format::ByName
                         ? is_jsonl(path)
                         : options.format == ReadOptions::Format::JsonLines;
  if (jsonl) {
    // Both formats are parsed on a thread of their own, ahead of their reader.
    return std::make_unique<detail::ReadAhead>(
        open_jsonl_records(path, std::move(columns), std::move(options), std::move(required)));
  }
  return std::make_unique<detail::ReadAhead>(
      open_csv_records(path, std::move(columns), std::move(options), std::move(required)));
}

}  // namespace skon::models
