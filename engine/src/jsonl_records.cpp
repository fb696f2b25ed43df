#include <algorithm>
#include <cmath>

#include "skon/engine/json_text.hpp"
#include "skon/engine/record_formats.hpp"

namespace skon::engine {

using detail::append_json_number;
using detail::append_json_string;

namespace {

// Contributions are written in millionths of a log-odds unit: precise far beyond what anyone
// reads, and exact as decimals, so that the numbers in a record add up digit for digit.
long long micro(double log_odds) {
  return std::llround(log_odds * 1e6);
}

void append_micro(std::string& out, long long v) {
  if (v < 0) {
    out += '-';
    v = -v;
  }
  out += std::to_string(v / 1000000);
  long long fraction = v % 1000000;
  if (fraction == 0) return;
  char digits[7] = "000000";
  for (int i = 5; i >= 0; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
  int end = 6;
  while (end > 0 && digits[end - 1] == '0') --end;
  out += '.';
  out.append(digits, static_cast<std::size_t>(end));
}

}  // namespace

JsonRecordFormatter::JsonRecordFormatter(const Assessor& assessor, const std::string& run_id,
                                         std::size_t top)
    : assessor_(assessor), top_(top) {
  const dsl::Program& p = assessor.program();
  run_json_ = ",\"run\":";
  append_json_string(run_json_, run_id);
  const auto quoted = [](const std::string& s) {
    std::string q;
    append_json_string(q, s);
    return q;
  };
  for (const auto& r : p.rules) rule_json_.push_back(quoted(r.name));
  for (const auto& l : p.levels) level_json_.push_back(quoted(l));
  for (const auto& f : p.fields) field_json_.push_back(quoted(f.name));
}

void JsonRecordFormatter::append(const Assessment& a, std::string& out) {
  const dsl::Program& p = assessor_.program();
  const PurposeOutcome& o = a.outcome;
  const auto level = [&](Index l) {
    if (l == dsl::kNone) {
      out += "null";
    } else {
      out += level_json_[l];
    }
  };
  out += "{\"id\":";
  append_json_string(out, a.id);
  out += run_json_;
  out += o.insufficient_data ? ",\"outcome\":\"insufficient_data\"" : ",\"outcome\":\"assessed\"";
  out += ",\"level\":";
  level(o.insufficient_data ? dsl::kNone : o.level);
  out += ",\"probability\":";
  if (a.probability) {
    append_json_number(out, *a.probability);
  } else {
    out += "null";
  }
  out += ",\"model_level\":";
  level(a.model_level);
  out += ",\"flags\":[";
  for (std::size_t i = 0; i < o.flags.size(); ++i) {
    if (i) out += ',';
    out += "{\"rule\":";
    out += rule_json_[o.flags[i].rule];
    out += ",\"text\":";
    append_json_string(out, o.flags[i].text);
    out += '}';
  }
  out += "],\"points\":";
  append_json_number(out, o.points);
  out += ",\"trace\":[";
  for (std::size_t i = 0; i < o.trace.size(); ++i) {
    const LevelStep& s = o.trace[i];
    if (i) out += ',';
    if (s.rule == dsl::kNone) {
      out += "{\"to\":";
      level(s.to);
      out += ",\"by\":\"model\"}";
      continue;
    }
    out += "{\"from\":";
    level(s.from);
    out += ",\"to\":";
    level(s.to);
    out += ",\"by\":";
    out += rule_json_[s.rule];
    out += ",\"because\":";
    append_json_string(out, s.because);
    out += '}';
  }
  out += "],\"review\":{\"required\":";
  out += o.review_required ? "true" : "false";
  out += ",\"reasons\":[";
  for (std::size_t i = 0; i < o.review_reasons.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, review_reason_text(p, assessor_.purpose(), o, o.review_reasons[i],
                                               assessor_.language()));
  }
  out += "]}";
  // Present only when there is something to say (most records have neither).
  if (!o.undecided.empty()) {
    out += ",\"undecided\":[";
    for (std::size_t i = 0; i < o.undecided.size(); ++i) {
      if (i) out += ',';
      out += "{\"rule\":";
      out += rule_json_[o.undecided[i].rule];
      out += ",\"reason\":\"";
      out += to_string(o.undecided[i].why);
      out += "\"}";
    }
    out += ']';
  }
  if (!a.disagreement.empty()) {
    out += ",\"disagreement\":";
    append_json_string(out, a.disagreement);
  }
  out += ",\"contributions\":";
  if (assessor_.model() == nullptr || o.insufficient_data) {
    out += "null";
  } else {
    // The manifest's model baseline + top + others = log_odds, exactly, in the digits written.
    const long long total = micro(a.log_odds);
    long long others = total - micro(a.baseline);
    out += "{\"log_odds\":";
    append_micro(out, total);
    out += ",\"top\":[";
    const std::size_t n = std::min(top_, a.contributions.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out += ',';
      out += "{\"field\":";
      out += field_json_[a.contributions[i].field];
      out += ",\"log_odds\":";
      const long long part = micro(a.contributions[i].log_odds);
      append_micro(out, part);
      others -= part;
      out += '}';
    }
    out += "],\"others\":";
    append_micro(out, others);
    out += '}';
  }
  out += ",\"completeness\":";
  append_json_number(out, o.completeness);
  out += ",\"gaps\":[";
  for (std::size_t i = 0; i < o.missing_fields.size(); ++i) {
    if (i) out += ',';
    out += field_json_[o.missing_fields[i]];
  }
  out += "]}\n";
}

}  // namespace skon::engine
