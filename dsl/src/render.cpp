#include "skon/dsl/render.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "skon/dsl/parse.hpp"

namespace skon::dsl {
namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kRed = "\x1b[1;31m";
constexpr const char* kYellow = "\x1b[1;33m";
constexpr const char* kBlue = "\x1b[1;34m";
constexpr const char* kCyan = "\x1b[1;36m";

struct Painter {
  bool on;
  std::string operator()(const char* style, std::string_view text) const {
    if (!on) return std::string(text);
    return std::string(style) + std::string(text) + kReset;
  }
};

const char* severity_colour(Severity s) {
  switch (s) {
    case Severity::Error:
      return kRed;
    case Severity::Warning:
      return kYellow;
    case Severity::Note:
      return kCyan;
  }
  return kRed;
}

// Invalid UTF-8 in a source line is shown as U+FFFD, so the snippet never corrupts a terminal.
std::string printable(std::string_view line) {
  std::string out;
  while (!line.empty()) {
    const std::size_t bad = find_invalid_utf8(line);
    if (bad == std::string_view::npos) {
      out += line;
      break;
    }
    out += line.substr(0, bad);
    out += "\xEF\xBF\xBD";
    line.remove_prefix(bad + 1);
    while (!line.empty() && (static_cast<unsigned char>(line.front()) & 0xC0) == 0x80) {
      line.remove_prefix(1);
    }
  }
  return out;
}

std::string location(const SourceMap& sources, const Span& span) {
  const SourceFile& f = sources.file(span.file);
  const LineCol lc = f.line_col(span.begin);
  return f.name() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

// The source line and a caret line under `span` (clipped to the first line of the span).
void append_snippet(std::string& out, const SourceMap& sources, const Span& span,
                    const Painter& paint, const char* caret_colour) {
  const SourceFile& f = sources.file(span.file);
  const LineCol lc = f.line_col(span.begin);
  const std::string_view raw_line = f.line_text(lc.line);
  std::string line = printable(raw_line);
  std::replace(line.begin(), line.end(), '\t', ' ');
  const std::string number = std::to_string(lc.line);
  const std::string gutter(number.size(), ' ');
  const std::uint32_t line_end =
      f.line_start(lc.line) + static_cast<std::uint32_t>(raw_line.size());
  const std::uint32_t end = std::clamp(span.end, span.begin, line_end);
  const std::string_view text = f.text();
  std::uint32_t width = count_code_points(text.substr(span.begin, end - span.begin));
  if (width == 0) width = 1;
  out += paint(kBlue, gutter + " |") + "\n";
  out += paint(kBlue, number + " |") + " " + line + "\n";
  out += paint(kBlue, gutter + " |") + " " + std::string(lc.column - 1, ' ') +
         paint(caret_colour, std::string(width, '^')) + "\n";
}

}  // namespace

std::string render_text(const Diagnostic& d, const SourceMap& sources, RenderOptions options) {
  const Painter paint{options.colour};
  std::string out;
  if (d.primary) out += paint(kBold, location(sources, *d.primary) + ": ");
  const std::string head =
      std::string(to_string(d.severity)) + "[" + std::string(info(d.code).id) + "]";
  out += paint(severity_colour(d.severity), head) + paint(kBold, ": " + d.message) + "\n";
  if (d.primary) append_snippet(out, sources, *d.primary, paint, severity_colour(d.severity));
  for (const Label& note : d.notes) {
    out += paint(kBold, location(sources, note.span) + ": ") + paint(kCyan, "note") + ": " +
           note.message + "\n";
    append_snippet(out, sources, note.span, paint, kCyan);
  }
  if (d.help) out += paint(kCyan, "help") + ": " + *d.help + "\n";
  return out;
}

namespace {

nlohmann::json to_json(const Diagnostic& d, const SourceMap& sources) {
  nlohmann::json j;
  j["code"] = std::string(info(d.code).id);
  j["severity"] = std::string(to_string(d.severity));
  j["message"] = d.message;
  const auto put_span = [&](nlohmann::json& into, const Span& span) {
    const SourceFile& f = sources.file(span.file);
    const LineCol b = f.line_col(span.begin);
    const LineCol e = f.line_col(span.end);
    into["file"] = f.name();
    into["line"] = b.line;
    into["column"] = b.column;
    into["end_line"] = e.line;
    into["end_column"] = e.column;
  };
  if (d.primary) put_span(j, *d.primary);
  j["notes"] = nlohmann::json::array();
  for (const Label& note : d.notes) {
    nlohmann::json n;
    n["message"] = note.message;
    put_span(n, note.span);
    j["notes"].push_back(std::move(n));
  }
  if (d.help) j["help"] = *d.help;
  if (d.fix) {
    nlohmann::json f;
    put_span(f, d.fix->span);
    f["replacement"] = d.fix->replacement;
    j["fix"] = std::move(f);
  }
  return j;
}

}  // namespace

std::string render_json(const std::vector<const Diagnostic*>& diagnostics, const SourceMap& sources,
                        std::size_t errors, std::size_t warnings) {
  nlohmann::json doc;
  doc["diagnostics"] = nlohmann::json::array();
  for (const auto* d : diagnostics) doc["diagnostics"].push_back(to_json(*d, sources));
  doc["errors"] = errors;
  doc["warnings"] = warnings;
  return doc.dump(2) + "\n";
}

std::string summary_line(std::size_t errors, std::size_t warnings) {
  const auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  return plural(errors, "error") + ", " + plural(warnings, "warning");
}

}  // namespace skon::dsl
