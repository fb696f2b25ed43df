#include "skon/models/cohort_reader.hpp"

#include <fast_float/fast_float.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dates.hpp"
#include "skon/models/atomic_file.hpp"

namespace skon::models {

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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string format_bound(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

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

// Edit distance for "did you mean" on headers (small strings only).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1,
                         prev[j - 1] + (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                                std::tolower(static_cast<unsigned char>(b[j - 1]))
                                            ? 0
                                            : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string shown(std::string_view value) {
  std::string v(value.substr(0, 30));
  if (value.size() > 30) v += "…";
  return v;
}

}  // namespace

bool parse_cell(std::string_view cell, const ColumnSpec& spec, const ReadOptions& options,
                double& out, std::string& expected) {
  cell = trim(cell);
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
        if (iequals(cell, t)) return out = 1, true;
      }
      for (auto f : kFalse) {
        if (iequals(cell, f)) return out = 0, true;
      }
      expected = expected_of(spec);
      return false;
    }
    case ColumnType::Category: {
      for (std::size_t i = 0; i < spec.levels.size(); ++i) {
        if (cell == spec.levels[i]) return out = static_cast<double>(i), true;
      }
      for (std::size_t i = 0; i < spec.levels.size(); ++i) {
        if (iequals(cell, spec.levels[i])) return out = static_cast<double>(i), true;
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
  if (!in) throw InputError("cannot open mapping file '" + path + "'");
  std::map<std::string, std::string> out;
  try {
    const auto j = nlohmann::json::parse(in);
    if (!j.is_object()) throw InputError(path + ": expected a JSON object {\"field\": \"header\"}");
    for (const auto& [k, v] : j.items()) {
      if (!v.is_string()) throw InputError(path + ": the header for '" + k + "' must be a string");
      out[k] = v.get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
  return out;
}

std::vector<std::string> read_headers(const std::string& path, const ReadOptions& options) {
  std::vector<std::string> out;
  if (path.ends_with(".jsonl") || path.ends_with(".ndjson")) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (trim(line).empty()) continue;
      try {
        const auto j = nlohmann::json::parse(line);
        if (j.is_object()) {
          for (const auto& [k, v] : j.items()) out.push_back(k);
        }
      } catch (const nlohmann::json::exception&) {
      }
      break;
    }
    return out;
  }
  CsvTokenizer t(path, options.delimiter, options.encoding);
  std::vector<std::string_view> fields;
  if (t.next(fields)) {
    for (auto f : fields) out.emplace_back(trim(f));
  }
  return out;
}

struct CohortReader::Impl {
  std::string path;
  ReadOptions options;
  bool jsonl = false;
  std::unique_ptr<CsvTokenizer> csv;
  std::ifstream json_in;
  std::size_t json_line = 0;
  std::vector<int> position;  // column -> index in the file's records, -1 absent
  std::vector<std::string_view> fields;
  std::string line;
  std::string current_raw;
  std::unique_ptr<AtomicFile> rejects;
  std::size_t bytes = 0;

  std::string key(const ColumnSpec& c) const {
    const auto it = options.header_for.find(c.name);
    return it == options.header_for.end() ? c.name : it->second;
  }

  void reject(std::size_t row_line, const std::string& reason, std::string_view raw) {
    if (!rejects) return;
    const auto quoted = [](std::string_view field) {
      std::string q = "\"";
      for (char c : field) q += c == '"' ? std::string_view("\"\"") : std::string_view(&c, 1);
      return q + '"';
    };
    rejects->write(std::to_string(row_line) + "," + quoted(reason) + "," + quoted(raw) + "\n");
  }
};

CohortReader::CohortReader(const std::string& path, std::vector<ColumnSpec> columns,
                           ReadOptions options, std::vector<bool> required)
    : impl_(std::make_unique<Impl>()), columns_(std::move(columns)) {
  Impl& m = *impl_;
  m.path = path;
  m.options = std::move(options);
  required.resize(columns_.size(), true);
  const auto ends_with = [&](std::string_view s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  m.jsonl = ends_with(".jsonl") || ends_with(".ndjson");
  m.position.assign(columns_.size(), -1);

  std::vector<std::string> headers;
  if (m.jsonl) {
    m.json_in.open(path, std::ios::binary);
    if (!m.json_in) throw InputError("cannot open '" + path + "'");
  } else {
    m.csv = std::make_unique<CsvTokenizer>(path, m.options.delimiter, m.options.encoding);
    if (!m.csv->next(m.fields))
      throw InputError(path + ": the file is empty; expected a header row");
    for (auto f : m.fields) headers.emplace_back(trim(f));
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string k = m.key(columns_[c]);
      const auto it = std::find(headers.begin(), headers.end(), k);
      if (it != headers.end()) {
        m.position[c] = static_cast<int>(it - headers.begin());
        continue;
      }
      if (!required[c]) continue;
      std::string message = path + ": no column '" + k + "' for field '" + columns_[c].name + "'";
      std::size_t best = k.size() / 3 + 2;
      std::string suggestion;
      for (const auto& h : headers) {
        const std::size_t d = distance(h, k);
        if (d < best) best = d, suggestion = h;
      }
      if (!suggestion.empty()) {
        message += "; did you mean '" + suggestion + "'? (a mapping file maps fields to headers)";
      }
      throw InputError(message);
    }
  }
  if (m.options.skip_bad_rows && !m.options.rejects_path.empty()) {
    m.rejects = std::make_unique<AtomicFile>(m.options.rejects_path);
    m.rejects->write("line,reason,record\n");
  }
}

CohortReader::~CohortReader() = default;

std::size_t CohortReader::bytes_read() const {
  return impl_->csv ? impl_->csv->bytes_read() : impl_->bytes;
}

char CohortReader::delimiter() const {
  return impl_->csv ? impl_->csv->delimiter() : 0;
}

bool CohortReader::next(Row& row) {
  Impl& m = *impl_;
  row.values.resize(columns_.size());
  row.texts.resize(columns_.size());
  for (;;) {
    std::string error;
    if (m.jsonl) {
      if (!std::getline(m.json_in, m.line)) break;
      ++m.json_line;
      m.bytes += m.line.size() + 1;
      if (trim(m.line).empty()) continue;
      row.line = m.json_line;
      row.row = rows_ + rejected_ + 1;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(m.line);
      } catch (const nlohmann::json::exception&) {
        error = "not a valid JSON object";
      }
      if (error.empty() && !j.is_object()) error = "not a JSON object";
      for (std::size_t c = 0; error.empty() && c < columns_.size(); ++c) {
        const ColumnSpec& spec = columns_[c];
        const auto it = j.find(m.key(spec));
        double v = kMissing;
        if (it == j.end() || it->is_null()) {
          // missing
        } else if (spec.type == ColumnType::Text) {
          row.texts[c] = it->is_string() ? it->get<std::string>() : it->dump();
          v = 0;
        } else if (it->is_boolean() && spec.type == ColumnType::Bool) {
          v = it->get<bool>() ? 1 : 0;
        } else if (it->is_number() &&
                   (spec.type == ColumnType::Number || spec.type == ColumnType::Bool)) {
          v = it->get<double>();
          if (spec.type == ColumnType::Bool && v != 0 && v != 1) {
            error = "field '" + spec.name + "': expected " + expected_of(spec);
          } else if ((spec.low && v < *spec.low) || (spec.high && v > *spec.high)) {
            error = "field '" + spec.name + "': expected " + expected_of(spec) + ", found " +
                    it->dump();
          }
        } else if (it->is_string()) {
          std::string expected;
          const std::string s = it->get<std::string>();
          if (!parse_cell(s, spec, m.options, v, expected)) {
            error =
                "field '" + spec.name + "': expected " + expected + ", found '" + shown(s) + "'";
          }
        } else {
          error = "field '" + spec.name + "': expected " + expected_of(spec) + ", found " +
                  shown(it->dump());
        }
        row.values[c] = v;
      }
      if (error.empty()) {
        ++rows_;
        return true;
      }
      const std::string where = m.path + ": line " + std::to_string(m.json_line) + ": " + error;
      if (!m.options.skip_bad_rows) throw InputError(where);
      ++rejected_;
      m.reject(m.json_line, error, m.line);
      continue;
    }

    if (!m.csv->next(m.fields)) break;
    row.line = m.csv->line();
    row.row = rows_ + rejected_ + 1;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const int pos = m.position[c];
      if (pos < 0 || static_cast<std::size_t>(pos) >= m.fields.size()) {
        if (pos >= 0 && error.empty()) {
          error = "has " + std::to_string(m.fields.size()) + " fields; column '" +
                  m.key(columns_[c]) + "' is field " + std::to_string(pos + 1);
        }
        row.values[c] = kMissing;
        continue;
      }
      const std::string_view cell = m.fields[static_cast<std::size_t>(pos)];
      const ColumnSpec& spec = columns_[c];
      if (spec.type == ColumnType::Text) {
        row.texts[c].assign(trim(cell));
        row.values[c] = row.texts[c].empty() ? kMissing : 0;
        continue;
      }
      std::string expected;
      if (!parse_cell(cell, spec, m.options, row.values[c], expected) && error.empty()) {
        error = "column '" + m.key(spec) + "': expected " + expected + ", found '" +
                shown(trim(cell)) + "'";
      }
    }
    if (error.empty()) {
      ++rows_;
      return true;
    }
    const std::string where = m.path + ": row " + std::to_string(row.row) + " (line " +
                              std::to_string(row.line) + "), " + error;
    if (!m.options.skip_bad_rows) {
      throw InputError(where +
                       (m.options.skip_bad_rows ? "" : " (--on-bad-row=skip skips such rows)"));
    }
    ++rejected_;
    m.reject(row.line, error, m.csv->raw_record());
  }
  if (m.rejects) {
    m.rejects->commit();
    m.rejects.reset();
  }
  return false;
}

}  // namespace skon::models
