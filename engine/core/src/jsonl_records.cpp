#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

#include "skon/core/json_text.hpp"
#include "skon/core/record_formats.hpp"

namespace skon::engine {

using detail::append_json_number;
using detail::append_json_string;
using namespace std::string_view_literals;

namespace {

// Contributions are written in millionths of a log-odds unit: precise far beyond what anyone
// reads, and exact as decimals, so that the numbers in a record add up digit for digit.
long long micro(double log_odds) {
  return std::llround(log_odds * 1e6);
}

}  // namespace

JsonRecordFormatter::JsonRecordFormatter(const Assessor& assessor, const RunManifest& run,
                                         std::size_t top)
    : assessor_(assessor), top_(top) {
  const dsl::Program& p = assessor.program();
  run_json_ = ",\"run\":";
  append_json_string(run_json_, run.run_id);
  if (run.replay) {  // every record of a replay says so
    run_json_ += ",\"as_of\":";
    append_json_string(run_json_, run.assessment_date);
  }
  const auto quoted = [](const std::string& s) {
    std::string q;
    append_json_string(q, s);
    return q;
  };
  for (const auto& r : p.rules) rule_json_.push_back(quoted(r.name));
  for (const auto& l : p.levels) level_json_.push_back(quoted(l));
  for (const auto& f : p.fields) field_json_.push_back(quoted(f.name));
  // The review reasons a rule or trigger can give never change: worded and escaped once, as
  // {"id":...,"text":...} (and "undecided" when a trigger could not be decided).
  const dsl::PurposeInfo& purpose = p.purposes[assessor.purpose()];
  engine::PurposeOutcome none;
  const auto reason_json = [&](const ReviewReason& r) {
    std::string out =
        "{\"id\":" + quoted(review_reason_id(p, assessor.purpose(), r)) + ",\"text\":" +
        quoted(review_reason_text(p, assessor.purpose(), none, r, assessor.language()));
    if (r.undecided) {
      out += *r.undecided == Undecided::NoValue ? ",\"undecided\":\"no_value\""
                                                : ",\"undecided\":\"missing_data\"";
    }
    return out + "}";
  };
  for (Index ri = 0; ri < p.rules.size(); ++ri) {
    rule_reason_json_.push_back(p.rules[ri].review_because
                                    ? reason_json({ReviewReason::Kind::Rule, ri, {}})
                                    : std::string());
  }
  for (std::size_t t = 0; t < purpose.reviews.size(); ++t) {
    std::array<std::string, 3> texts;
    const auto trigger = [&](std::optional<Undecided> u) {
      return reason_json({ReviewReason::Kind::Trigger, static_cast<Index>(t), u});
    };
    texts[0] = trigger(std::nullopt);
    texts[1] = trigger(Undecided::MissingData);
    texts[2] = trigger(Undecided::NoValue);
    trigger_reason_json_.push_back(std::move(texts));
  }
}

void JsonRecordFormatter::append_reason(detail::TextWriter& out, const PurposeOutcome& o,
                                        const ReviewReason& r) {
  switch (r.kind) {
    case ReviewReason::Kind::Rule:
      out.put(rule_reason_json_[r.index]);
      return;
    case ReviewReason::Kind::Trigger:
      out.put(trigger_reason_json_[r.index][!r.undecided                         ? 0
                                            : *r.undecided == Undecided::NoValue ? 2
                                                                                 : 1]);
      return;
    case ReviewReason::Kind::InsufficientData:
    case ReviewReason::Kind::MissingScore:
      break;
  }
  out.put("{\"id\":\""sv);
  out.put(std::string_view(r.kind == ReviewReason::Kind::MissingScore
                               ? dsl::kMissingScoreReason
                               : dsl::kInsufficientDataReason));
  out.put("\",\"text\":"sv);
  out.string(
      review_reason_text(assessor_.program(), assessor_.purpose(), o, r, assessor_.language()));
  out.put('}');
}

void JsonRecordFormatter::append(const Assessment& a, std::string& text) {
  detail::TextWriter out(scratch_);
  const PurposeOutcome& o = a.outcome;
  const auto level = [&](Index l) {
    if (l == dsl::kNone) {
      out.put("null"sv);
    } else {
      out.put(level_json_[l]);
    }
  };
  out.put("{\"id\":"sv);
  out.string(a.id);
  out.put(run_json_);
  out.put(o.insufficient_data ? ",\"outcome\":\"insufficient_data\""sv
                              : ",\"outcome\":\"assessed\""sv);
  out.put(",\"level\":"sv);
  level(o.insufficient_data ? dsl::kNone : o.level);
  out.put(",\"probability\":"sv);
  if (a.probability) {
    out.number(*a.probability);
  } else {
    out.put("null"sv);
  }
  out.put(",\"model_level\":"sv);
  level(a.model_level);
  out.put(",\"flags\":["sv);
  for (std::size_t i = 0; i < o.flags.size(); ++i) {
    if (i) out.put(',');
    out.put("{\"rule\":"sv);
    out.put(rule_json_[o.flags[i].rule]);
    out.put(",\"text\":"sv);
    out.string(o.flags[i].text);
    out.put('}');
  }
  out.put("],\"points\":"sv);
  out.number(o.points);
  out.put(",\"trace\":["sv);
  for (std::size_t i = 0; i < o.trace.size(); ++i) {
    const LevelStep& s = o.trace[i];
    if (i) out.put(',');
    if (s.rule == dsl::kNone) {
      out.put("{\"to\":"sv);
      level(s.to);
      out.put(s.because == "score" ? ",\"by\":\"score\"}"sv : ",\"by\":\"model\"}"sv);
      continue;
    }
    out.put("{\"from\":"sv);
    level(s.from);
    out.put(",\"to\":"sv);
    level(s.to);
    out.put(",\"by\":"sv);
    out.put(rule_json_[s.rule]);
    out.put(",\"because\":"sv);
    out.string(s.because);
    out.put('}');
  }
  out.put("],\"review\":{\"required\":"sv);
  out.put(o.review_required ? "true"sv : "false"sv);
  out.put(",\"reasons\":["sv);
  for (std::size_t i = 0; i < o.review_reasons.size(); ++i) {
    if (i) out.put(',');
    append_reason(out, o, o.review_reasons[i]);
  }
  out.put("]}"sv);
  // Present only when there is something to say (most records have neither).
  if (!o.undecided.empty()) {
    out.put(",\"undecided\":["sv);
    for (std::size_t i = 0; i < o.undecided.size(); ++i) {
      if (i) out.put(',');
      out.put("{\"rule\":"sv);
      out.put(rule_json_[o.undecided[i].rule]);
      out.put(",\"reason\":\""sv);
      out.put(to_string(o.undecided[i].why));
      out.put("\"}"sv);
    }
    out.put(']');
  }
  if (!a.disagreement.empty()) {
    out.put(",\"disagreement\":"sv);
    out.string(a.disagreement);
  }
  out.put(",\"contributions\":"sv);
  if (assessor_.model() == nullptr || o.insufficient_data) {
    out.put("null"sv);
  } else {
    // The manifest's model baseline + top + others = log_odds, exactly, in the digits written.
    const long long total = micro(a.log_odds);
    long long others = total - micro(a.baseline);
    out.put("{\"log_odds\":"sv);
    out.micro(total);
    out.put(",\"top\":["sv);
    const std::size_t n = std::min(top_, a.contributions.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out.put(',');
      out.put("{\"field\":"sv);
      out.put(field_json_[a.contributions[i].field]);
      out.put(",\"log_odds\":"sv);
      const long long part = micro(a.contributions[i].log_odds);
      out.micro(part);
      others -= part;
      out.put('}');
    }
    out.put("],\"others\":"sv);
    out.micro(others);
    out.put('}');
  }
  out.put(",\"completeness\":"sv);
  out.number(o.completeness);
  out.put(",\"gaps\":["sv);
  for (std::size_t i = 0; i < o.missing_fields.size(); ++i) {
    if (i) out.put(',');
    out.put(field_json_[o.missing_fields[i]]);
  }
  out.put(']');
  if (!o.no_consent_fields.empty()) {  // withheld for want of consent: not used, not a gap
    out.put(",\"no_consent\":["sv);
    for (std::size_t i = 0; i < o.no_consent_fields.size(); ++i) {
      if (i) out.put(',');
      out.put(field_json_[o.no_consent_fields[i]]);
    }
    out.put(']');
  }
  out.put("}\n"sv);
  text.append(out.view());
}

}  // namespace skon::engine
