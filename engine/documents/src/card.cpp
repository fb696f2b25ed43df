#include "skon/documents/card.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "skon/base/date.hpp"
#include "skon/core/provenance.hpp"
#include "skon/documents/report_card.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/metrics.hpp"

namespace skon::engine {
namespace {

// Columns taken by `s`, counting code points, so Danish letters do not shift the numbers.
std::size_t columns(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t n = columns(s);
  return n >= width ? s : s + std::string(width - n, ' ');
}

std::string pad_left(const std::string& s, std::size_t width) {
  const std::size_t n = columns(s);
  return n >= width ? s : std::string(width - n, ' ') + s;
}

class Card {
 public:
  Card(const Assessor& assessor, const Assessment& a, Language language,
       const std::vector<double>* values)
      : assessor_(assessor),
        values_(values),
        p_(assessor.program()),
        purpose_(p_.purposes[assessor.purpose()]),
        purpose_index_(assessor.purpose()),
        model_(assessor.model()),
        a_(a),
        o_(a.outcome),
        lang_(language),
        files_(rule_file_names(p_)) {}

  std::string render(std::string_view person, bool replay) {
    line(w(Msg::CardAssessment) + " — " +
         (purpose_.label.empty() ? purpose_.name : purpose_.label) + " (" + purpose_.name + ")");
    line(w(Msg::CardPerson) + ": " + std::string(person));
    if (replay) {
      line(format(lang_, Msg::CardReplay, {base::format_iso_date(assessor_.as_of())}));
    }
    line("");
    level_and_probability();
    review();
    if (!o_.insufficient_data) {
      signs();
      trace();
      undecided();
      not_in_effect();
      contributions();
    }
    gaps();
    // What to do, and how to record it; then the rules' places, as footnotes.
    line("");
    line(w(Msg::CardWhatToDo) + ":");
    // Indented under its heading, as every section is.
    std::string_view guidance = o_.guidance;
    while (!guidance.empty()) {
      const auto end = guidance.find('\n');
      line("  " + std::string(guidance.substr(0, end)));
      guidance = end == std::string_view::npos ? std::string_view() : guidance.substr(end + 1);
    }
    line("  " + format(lang_, Msg::CardRecord, {person}));
    if (!refs_.empty()) {
      line("");
      line(w(Msg::CardReferences) + ":");
      for (std::size_t i = 0; i < refs_.size(); ++i) {
        line("  [" + std::to_string(i + 1) + "] " + refs_[i]);
      }
    }
    line("");
    line(w(Msg::CardAdvisory));
    return out_;
  }

 private:
  std::string w(Msg id) const { return std::string(text(lang_, id)); }
  void line(const std::string& s) { out_ += s + "\n"; }

  // Danish cards use the rule set's level labels (written in Danish); English ones the names.
  const std::string& level_name(Index l) const {
    return lang_ == Language::Danish ? p_.level_labels[l] : p_.levels[l];
  }
  std::string field_label(Index f) const {
    return p_.fields[f].label.empty() ? p_.fields[f].name : p_.fields[f].label;
  }
  std::string rule_label(Index r) const {
    return p_.rules[r].label.empty() ? p_.rules[r].name : p_.rules[r].label;
  }
  std::string where(const dsl::Span& s) const {
    return files_[s.file] + ":" + std::to_string(p_.sources.file(s.file).line_col(s.begin).line);
  }
  // A footnote mark for a place in the rules: the professional reads the text, the citation
  // waits at the end.
  std::string ref(const dsl::Span& s) {
    const std::string at = where(s);
    auto it = std::find(refs_.begin(), refs_.end(), at);
    if (it == refs_.end()) {
      refs_.push_back(at);
      it = refs_.end() - 1;
    }
    return "[" + std::to_string(it - refs_.begin() + 1) + "]";
  }
  // The person's value of field `f` as read (a number with its unit, yes/no, a category's value),
  // or "missing"; "" when the card was not given the values.
  std::string value_of(Index f) const {
    if (values_ == nullptr) return "";
    const auto& fields = assessor_.input_fields();
    const auto it = std::find(fields.begin(), fields.end(), f);
    if (it == fields.end()) return "";
    const double v = (*values_)[static_cast<std::size_t>(it - fields.begin())];
    const dsl::FieldInfo& info = p_.fields[f];
    if (models::is_missing(v)) return w(Msg::CardMissingValue);
    switch (info.type) {
      case dsl::ValueType::Bool:
        return w(v > 0.5 ? Msg::ValueYes : Msg::ValueNo);
      case dsl::ValueType::Category:
        return static_cast<std::size_t>(v) < info.levels.size()
                   ? info.levels[static_cast<std::size_t>(v)]
                   : "";
      default: {
        char b[48];
        std::snprintf(b, sizeof b, "%g", std::round(v * 100) / 100);
        std::string text = b;
        if (lang_ == Language::Danish) std::replace(text.begin(), text.end(), '.', ',');
        return info.unit.empty() ? text : text + " " + info.unit;
      }
    }
  }

  void level_and_probability() {
    if (o_.insufficient_data) {
      line(w(Msg::CardInsufficient) + ".");
      return;
    }
    const bool score = purpose_.score_field != dsl::kNone;  // the data's score, not a model's
    std::string s = w(Msg::CardLevel) + ": " + level_name(o_.level);
    if (a_.model_level != dsl::kNone) {
      s += "  (" + w(score ? Msg::CardScoreBand : Msg::CardModelBand) + ": " +
           level_name(a_.model_level) + ")";
    }
    line(s);
    if (!a_.probability) return;
    if (score) {
      line(format(lang_, Msg::CardScore, {field_label(purpose_.score_field)}) + ": " +
           format_percent(*a_.probability, lang_));
      return;
    }
    // What the probability is of, beside the base rate and the model's starting point.
    line((purpose_.predicts ? format(lang_, Msg::CardRiskOf, {*purpose_.predicts})
                            : w(Msg::CardRiskOfOutcome)) +
         ": " + format_percent(*a_.probability, lang_));
    if (model_ == nullptr) return;
    const double base = model_->training.base_rate();
    const double start = models::sigmoid(a_.baseline);
    line("  " + format(lang_, Msg::CardBaseRateIs, {format_percent(base, lang_)}) + " " +
         format(lang_, Msg::CardStartIs, {format_percent(start, lang_)}) +
         (std::lround(1000 * start) < std::lround(1000 * base) ? " " + w(Msg::CardStartBelow)
                                                               : std::string()));
    // Its uncertainty: what happened to the validation's young people given a like probability.
    for (const auto& b : model_->metrics.reliability) {
      if (b.count == 0 || *a_.probability < b.low || *a_.probability > b.high) continue;
      const auto [lo, hi] = models::wilson_interval(b.observed_rate * static_cast<double>(b.count),
                                                    static_cast<double>(b.count));
      line("  " + format(lang_, Msg::CardUncertainty,
                         {format_percent(b.low, lang_) + "–" + format_percent(b.high, lang_),
                          format_percent(b.observed_rate, lang_),
                          format_percent(lo, lang_) + "–" + format_percent(hi, lang_)}));
      break;
    }
  }

  void review() {
    line(w(o_.review_required ? Msg::CardReviewRequired : Msg::CardReviewNotRequired));
    for (const ReviewReason& r : o_.review_reasons) {
      line("  - " + review_reason_text(p_, purpose_index_, o_, r, lang_));
    }
    if (a_.disagreement == "rules_above_model") line(w(Msg::CardRulesAboveModel));
    if (a_.disagreement == "model_unexplained") line(w(Msg::CardModelUnexplained));
  }

  void signs() {
    line("");
    // A heading only above a list that has entries: an empty section would read as cut off.
    if (o_.flags.empty()) {
      line(w(Msg::CardNoSigns) + ".");
      return;
    }
    line(w(Msg::CardSigns) + ":");
    for (const FlagRaised& f : o_.flags) {
      line("  • " + rule_label(f.rule) + ": " + f.text + " " + ref(p_.rules[f.rule].span));
    }
  }

  void trace() {
    line("");
    if (o_.trace.empty()) {
      line(w(Msg::CardNoTrace) + ".");
      return;
    }
    line(w(Msg::CardTrace) + ":");
    for (const LevelStep& s : o_.trace) {
      if (s.rule == dsl::kNone) {
        const bool score = purpose_.score_field != dsl::kNone;
        line("  " + w(score ? Msg::CardScoreBand : Msg::CardModel) + ": " + level_name(s.to));
        continue;
      }
      line("  " + level_name(s.from) + " → " + level_name(s.to) + ": " + rule_label(s.rule) + " " +
           ref(p_.rules[s.rule].span) + " " + w(Msg::CardBecause) + " \"" + std::string(s.because) +
           "\"");
    }
  }

  // Rules whose condition was unknown: why, and for missing data which fields the rule reads.
  void undecided() {
    if (o_.undecided.empty()) return;
    line("");
    line(w(Msg::CardUndecided) + ":");
    for (const UndecidedRule& u : o_.undecided) {
      std::string why;
      if (u.why == Undecided::NoValue) {
        why = w(Msg::UndecidedNoValue);
      } else {
        std::string fields;
        for (Index f : p_.rules[u.rule].fields_read) {
          if (std::find(o_.missing_fields.begin(), o_.missing_fields.end(), f) ==
              o_.missing_fields.end()) {
            continue;
          }
          fields += (fields.empty() ? "" : ", ") + field_label(f);
        }
        why = format(lang_, Msg::UndecidedMissing, {fields});
      }
      line("  • " + rule_label(u.rule) + " (" + p_.rules[u.rule].name + "): " + why);
    }
  }

  // Rules of the purpose outside their own effective period on the assessment date.
  void not_in_effect() {
    std::vector<Index> inactive;
    for (std::size_t k = 0; k < purpose_.rules.size(); ++k) {
      if (!assessor_.in_effect(k)) inactive.push_back(purpose_.rules[k]);
    }
    if (inactive.empty()) return;
    line("");
    line(format(lang_, Msg::CardNotInEffect, {base::format_iso_date(assessor_.as_of())}) + ":");
    for (Index ri : inactive) {
      const dsl::RuleInfo& r = p_.rules[ri];
      const auto day = [](const std::optional<std::int32_t>& d) {
        return d ? base::format_iso_date(*d) : std::string("…");
      };
      line("  • " + rule_label(ri) + " (" + r.name +
           "): " + format(lang_, Msg::CardEffective, {day(r.effective_from), day(r.effective_to)}));
    }
  }

  // The model's contributions as changes in percentage points from its starting point, each
  // with the person's value and the typical one; they add up to the probability shown.
  void contributions() {
    if (model_ == nullptr || a_.contributions.empty() || !a_.probability) return;
    std::vector<std::pair<std::string, double>> parts;
    std::vector<std::string> missing;
    for (const Contribution& c : a_.contributions) {
      parts.emplace_back(p_.fields[c.field].name, c.log_odds);
      if (std::find(o_.missing_fields.begin(), o_.missing_fields.end(), c.field) !=
          o_.missing_fields.end()) {
        missing.push_back(p_.fields[c.field].name);
      }
    }
    double start = 0, end = 0;
    const std::vector<CardStep> steps =
        percentage_steps(a_.baseline, parts, a_.others, *a_.probability, missing, &start, &end);
    std::vector<std::array<std::string, 4>> rows;
    rows.push_back({w(Msg::CardStartingPoint), "", "", format_tenths(start, false)});
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (i < a_.contributions.size()) {
        const Index f = a_.contributions[i].field;
        rows.push_back({field_label(f), value_of(f),
                        typical_value(model_, p_.fields[f].name, lang_),
                        format_tenths(steps[i].points, true)});
      } else {
        rows.push_back({w(Msg::CardOthers), "", "", format_tenths(steps[i].points, true)});
      }
    }
    rows.push_back({w(Msg::CardResult), "", "", format_tenths(end, false)});
    line("");
    line(w(Msg::CardChanges) + ":");
    std::array<std::size_t, 4> width{columns(w(Msg::CardInformation)), columns(w(Msg::CardValue)),
                                     columns(w(Msg::CardTypical)), columns(w(Msg::CardChange))};
    for (const auto& r : rows) {
      for (std::size_t k = 0; k < 4; ++k) width[k] = std::max(width[k], columns(r[k]));
    }
    const bool with_values = values_ != nullptr;
    const auto row = [&](const std::array<std::string, 4>& r) {
      line("  " + pad(r[0], width[0]) + "  " + (with_values ? pad(r[1], width[1]) + "  " : "") +
           pad(r[2], width[2]) + "  " + pad_left(r[3], width[3]));
    };
    row({w(Msg::CardInformation), w(Msg::CardValue), w(Msg::CardTypical), w(Msg::CardChange)});
    for (const auto& r : rows) row(r);
    if (!missing.empty()) line("  " + w(Msg::CardMissingNote));
  }

  // Percentage points (or a percentage) in tenths, as the card's language writes them.
  std::string format_tenths(double points, bool sign) const {
    char b[32];
    std::snprintf(b, sizeof b, sign ? "%+.1f" : "%.1f %%", points);
    std::string s = b;
    if (lang_ == Language::Danish) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }

  void gaps() {
    const auto list = [&](const std::vector<Index>& fields) {
      std::string s;
      for (Index f : fields) s += (s.empty() ? "" : ", ") + field_label(f);
      return s;
    };
    if (!o_.missing_fields.empty()) {
      line("");
      line(w(Msg::CardGaps) + ": " + list(o_.missing_fields));
    }
    if (!o_.no_consent_fields.empty()) {  // not a gap: the person has not consented
      line("");
      line(w(Msg::CardNoConsent) + ": " + list(o_.no_consent_fields));
    }
  }

  const Assessor& assessor_;
  const std::vector<double>* values_;
  std::vector<std::string> refs_;
  const dsl::Program& p_;
  const dsl::PurposeInfo& purpose_;
  Index purpose_index_;
  const models::LogisticModel* model_;
  const Assessment& a_;
  const PurposeOutcome& o_;
  Language lang_;
  std::vector<std::string> files_;
  std::string out_;
};

}  // namespace

std::string render_card(const Assessor& assessor, const Assessment& assessment,
                        std::string_view person, Language language, bool replay,
                        const std::vector<double>* values) {
  return Card(assessor, assessment, language, values).render(person, replay);
}

}  // namespace skon::engine
