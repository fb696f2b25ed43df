#include "skon/dsl/diagnostic.hpp"

#include <algorithm>
#include <stdexcept>

namespace skon::dsl {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

const std::vector<DiagCodeInfo>& all_diag_codes() {
  static const std::vector<DiagCodeInfo> codes = {
#define SKON_DIAG(code, severity, name, summary) \
  {DiagCode::code, #code, Severity::severity, name, summary},
#include "skon/dsl/diagnostic_codes.def"
#undef SKON_DIAG
  };
  return codes;
}

const DiagCodeInfo& info(DiagCode code) {
  return all_diag_codes().at(static_cast<std::size_t>(code));
}

Diagnostic& DiagnosticBag::add(DiagCode code, std::optional<Span> where, std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = info(code).severity;
  d.message = std::move(message);
  d.primary = where;
  add(std::move(d));
  return items_.back();
}

void DiagnosticBag::add(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::Error) ++error_count_;
  items_.push_back(std::move(diagnostic));
}

void DiagnosticBag::append(const DiagnosticBag& other) {
  for (const auto& d : other.items_) add(d);
  stopped_early_ = stopped_early_ || other.stopped_early_;
}

std::size_t DiagnosticBag::warning_count() const {
  return static_cast<std::size_t>(std::count_if(
      items_.begin(), items_.end(), [](const auto& d) { return d.severity == Severity::Warning; }));
}

std::vector<Diagnostic> DiagnosticBag::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const auto key = [](const Diagnostic& d) {
      const Span s = d.primary.value_or(Span{0, 0, 0});
      return std::tuple(d.primary.has_value(), s.file, s.begin, static_cast<int>(d.severity),
                        static_cast<int>(d.code));
    };
    return key(a) < key(b);
  });
  return out;
}

}  // namespace skon::dsl
