#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skon/dsl/source.hpp"

namespace skon::dsl {

enum class Severity : std::uint8_t { Error, Warning, Note };

std::string_view to_string(Severity severity);

// Stable diagnostic codes. The single source of truth is diagnostic_codes.def; docs/diagnostics.md
// documents each one and a test checks that every code is documented.
enum class DiagCode : std::uint16_t {
#define SKON_DIAG(code, severity, name, summary) code,
#include "skon/dsl/diagnostic_codes.def"
#undef SKON_DIAG
};

struct DiagCodeInfo {
  DiagCode code;
  std::string_view id;  // "E0104"
  Severity severity;    // default severity of this code
  std::string_view name;
  std::string_view summary;
};

const DiagCodeInfo& info(DiagCode code);
const std::vector<DiagCodeInfo>& all_diag_codes();

// A secondary location, e.g. the earlier definition a duplicate conflicts with.
struct Label {
  Span span;
  std::string message;
};

// A replacement the user can apply: put `replacement` in place of the text at `span`.
struct FixIt {
  Span span;
  std::string replacement;
};

// One finding about user input: parser, checker, model and data loaders all report with it.
// Messages are lowercase, without a final period, user names in backticks.
struct Diagnostic {
  DiagCode code{};
  Severity severity = Severity::Error;
  std::string message;
  std::optional<Span> primary;  // absent for findings about a whole run (e.g. "no files")
  std::vector<Label> notes;
  std::optional<std::string> help;
  std::optional<FixIt> fix;
};

// Collects diagnostics; sorted output keeps golden files and audits deterministic.
class DiagnosticBag {
 public:
  // Adds a diagnostic with the code's default severity.
  Diagnostic& add(DiagCode code, std::optional<Span> where, std::string message);
  void add(Diagnostic diagnostic);
  void append(const DiagnosticBag& other);

  bool has_errors() const { return error_count_ > 0; }
  std::size_t error_count() const { return error_count_; }
  std::size_t warning_count() const;
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }

  // Set when a producer stopped early at its error limit: there may be more errors than shown.
  void mark_stopped_early() { stopped_early_ = true; }
  bool stopped_early() const { return stopped_early_; }

  // By file, then position, then severity, then code; stable for equal keys.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
  std::size_t error_count_ = 0;
  bool stopped_early_ = false;
};

}  // namespace skon::dsl
