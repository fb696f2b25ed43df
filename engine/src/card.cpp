#include "skon/engine/card.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "skon/dsl/date.hpp"
#include "skon/engine/provenance.hpp"

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

// The parts in hundredths, rounded so that they add up to the rounded total exactly (largest
// remainder): the numbers on the card add up to the number on the card.
std::vector<long> round_to_total(const std::vector<double>& parts, double total) {
  std::vector<long> rounded(parts.size());
  std::vector<std::pair<double, std::size_t>> remainders;
  long sum = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const double scaled = parts[i] * 100;
    rounded[i] = static_cast<long>(std::floor(scaled));
    sum += rounded[i];
    remainders.push_back({scaled - std::floor(scaled), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  long missing = std::lround(total * 100) - sum;
  for (std::size_t k = 0; missing > 0 && k < remainders.size(); ++k, --missing) {
    ++rounded[remainders[k].second];
  }
  for (std::size_t k = remainders.size(); missing < 0 && k > 0; --k, ++missing) {
    --rounded[remainders[k - 1].second];
  }
  return rounded;
}

std::string signed_hundredths(long v, Language language) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%c%ld.%02ld", v < 0 ? '-' : '+', std::labs(v) / 100,
                std::labs(v) % 100);
  std::string s = buffer;
  if (language == Language::Danish) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

class Card {
 public:
  Card(const Assessor& assessor, const Assessment& a, Language language)
      : assessor_(assessor),
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
    if (replay && assessor_.as_of()) {
      line(format(lang_, Msg::CardReplay, {dsl::format_iso_date(*assessor_.as_of())}));
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
    if (!o_.guidance.empty()) {
      line("");
      line(w(Msg::CardGuidance) + ":");
      line(std::string(o_.guidance));
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
    if (a_.probability) {
      const std::string label =
          score ? format(lang_, Msg::CardScore, {field_label(purpose_.score_field)})
                : w(Msg::CardProbability);
      std::string p = label + ": " + format_percent(*a_.probability, lang_);
      if (model_ != nullptr) {
        p += "  (" + w(Msg::CardBaseRate) + ": " +
             format_percent(model_->training.base_rate(), lang_) + ")";
      }
      line(p);
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
      line("  • " + rule_label(f.rule) + ": " + f.text + "   [" + where(p_.rules[f.rule].span) +
           "]");
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
      line("  " + level_name(s.from) + " → " + level_name(s.to) + ": " + rule_label(s.rule) + " (" +
           p_.rules[s.rule].name + ", " + where(p_.rules[s.rule].span) + ") " +
           w(Msg::CardBecause) + " \"" + std::string(s.because) + "\"");
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
    if (inactive.empty() || !assessor_.as_of()) return;
    line("");
    line(format(lang_, Msg::CardNotInEffect, {dsl::format_iso_date(*assessor_.as_of())}) + ":");
    for (Index ri : inactive) {
      const dsl::RuleInfo& r = p_.rules[ri];
      const auto day = [](const std::optional<std::int32_t>& d) {
        return d ? dsl::format_iso_date(*d) : std::string("…");
      };
      line("  • " + rule_label(ri) + " (" + r.name +
           "): " + format(lang_, Msg::CardEffective, {day(r.effective_from), day(r.effective_to)}));
    }
  }

  void contributions() {
    if (model_ == nullptr || a_.contributions.empty()) return;
    line("");
    line(w(Msg::CardContributions) + ":");
    std::vector<std::string> labels{w(Msg::CardBaseline)};
    std::vector<double> parts{a_.baseline};
    for (const Contribution& c : a_.contributions) {
      labels.push_back(field_label(c.field));
      parts.push_back(c.log_odds);
    }
    if (a_.others != 0) {
      labels.push_back(w(Msg::CardOthers));
      parts.push_back(a_.others);
    }
    const std::string total = w(Msg::CardTotal);
    std::size_t width = columns(total);
    for (const auto& l : labels) width = std::max(width, columns(l));
    const std::vector<long> hundredths = round_to_total(parts, a_.log_odds);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      line("  " + pad(labels[i], width) + " " +
           pad_left(signed_hundredths(hundredths[i], lang_), 8));
    }
    line("  " + pad(total, width) + " " +
         pad_left(signed_hundredths(std::lround(a_.log_odds * 100), lang_), 8) + "  → " +
         (a_.probability ? format_percent(*a_.probability, lang_) : std::string("–")));
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
                        std::string_view person, Language language, bool replay) {
  return Card(assessor, assessment, language).render(person, replay);
}

}  // namespace skon::engine
