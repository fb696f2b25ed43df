#include "skon/documents/report_card.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "skon/core/messages.hpp"
#include "skon/documents/document.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/metrics.hpp"

namespace skon::engine {

namespace {

// Tenths of a point as one decimal, in the card's language.
std::string tenths_text(long tenths, bool da) {
  return format_fixed(static_cast<double>(tenths) / 10, 1,
                      da ? Language::Danish : Language::English);
}

std::string signed_pp(long tenths, bool da) {
  return std::string(tenths < 0 ? "−" : "+") + tenths_text(std::labs(tenths), da) +
         (da ? " procentpoint" : " percentage points");
}

std::string percent_text(long tenths, bool da) {
  return tenths_text(tenths, da) + " %";
}

std::string field_label(const dsl::Program& program, const std::string& field) {
  const dsl::Index f = program.find_field(field);
  return f != dsl::kNone && !program.fields[f].label.empty() ? program.fields[f].label : field;
}

}  // namespace

// The typical value of a field, from the model's training rows: a number's mean, a category's
// reference (most frequent, unless the analyst chose another), a yes/no field's share of yes.
std::string typical_value(const models::LogisticModel* model, const std::string& field,
                          Language language) {
  const bool da = language == Language::Danish;
  if (model == nullptr) return "–";
  for (const auto& t : model->preprocessor.features()) {
    if (t.column.name != field) continue;
    char b[64];
    switch (t.column.type) {
      case models::ColumnType::Category:
        return t.levels.empty() ? "–" : t.levels[static_cast<std::size_t>(t.reference)];
      case models::ColumnType::Bool:
        std::snprintf(b, sizeof b, da ? "ja for %.0f %%" : "yes for %.0f %%", 100 * t.mean);
        return b;
      default:
        if (!t.scaled) return "–";
        std::snprintf(b, sizeof b, "%.1f", t.mean);
        std::string s = b;
        if (da) std::replace(s.begin(), s.end(), '.', ',');
        return s;
    }
  }
  return "–";
}

std::vector<CardStep> percentage_steps(double start_log_odds,
                                       const std::vector<std::pair<std::string, double>>& parts,
                                       double others, double probability,
                                       const std::vector<std::string>& missing, double* start_shown,
                                       double* end_shown) {
  (void)others;  // the rest is what remains between the named parts and the probability
  const double start_p = models::sigmoid(start_log_odds);
  std::vector<CardStep> steps;
  std::vector<double> raw;
  double at = start_log_odds;
  for (const auto& [field, c] : parts) {
    raw.push_back(1000 * (models::sigmoid(at + c) - models::sigmoid(at)));
    at += c;
    steps.push_back({field, 0, std::find(missing.begin(), missing.end(), field) != missing.end()});
  }
  raw.push_back(1000 * (probability - models::sigmoid(at)));
  steps.push_back({"", 0, false});
  // Tenths of a point, rounded so that they add up to the rounded end minus the rounded start
  // (largest remainders first).
  const long start_t = std::lround(1000 * start_p), end_t = std::lround(1000 * probability);
  std::vector<long> t(raw.size());
  long sum = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) sum += t[i] = static_cast<long>(std::floor(raw[i]));
  std::vector<std::size_t> order(raw.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return raw[a] - std::floor(raw[a]) > raw[b] - std::floor(raw[b]);
  });
  long left = (end_t - start_t) - sum;
  for (std::size_t k = 0; left != 0; k = (k + 1) % order.size()) {
    const std::size_t i = left > 0 ? order[k] : order[order.size() - 1 - k];
    t[i] += left > 0 ? 1 : -1;
    left += left > 0 ? -1 : 1;
  }
  for (std::size_t i = 0; i < steps.size(); ++i) steps[i].points = static_cast<double>(t[i]) / 10;
  if (start_shown) *start_shown = static_cast<double>(start_t) / 10;
  if (end_shown) *end_shown = static_cast<double>(end_t) / 10;
  return steps;
}

std::string card_html(const std::string& record, const CardContext& cx) {
  const bool da = cx.language == Language::Danish;
  const auto tr = [da](const char* d, const char* e) { return std::string(da ? d : e); };
  const dsl::Program& program = *cx.program;
  const dsl::PurposeInfo& purpose = program.purposes[cx.purpose];
  const auto j = nlohmann::json::parse(record);
  const std::string id = j.value("id", "");
  std::string out = "<article class=\"card\" id=\"card-" + escape_html(id) + "\" data-id=\"" +
                    escape_html(id) + "\">\n";
  const bool assessed = j["level"].is_string();
  const std::string level = assessed ? j["level"].get<std::string>() : "";
  const dsl::Index li = assessed ? program.find_level(level) : dsl::kNone;
  out += "<header><h3>" + tr("Pseudonym ", "Pseudonym ") + "<code>" + escape_html(id) +
         "</code></h3><span class=\"level level-" + escape_html(level.empty() ? "none" : level) +
         "\">" +
         escape_html(li != dsl::kNone ? program.level_labels[li]
                                      : tr("For få data til en vurdering",
                                           "Too little data for an assessment")) +
         "</span></header>\n";
  std::vector<std::string> missing;
  if (j["gaps"].is_array()) {
    for (const auto& g : j["gaps"]) missing.push_back(g.get<std::string>());
  }
  if (j["probability"].is_number() && j["contributions"].is_object()) {
    const double p = j["probability"].get<double>();
    std::vector<std::pair<std::string, double>> parts;
    for (const auto& c : j["contributions"]["top"]) {
      parts.emplace_back(c.value("field", ""), c.value("log_odds", 0.0));
    }
    double start_shown = 0, end_shown = 0;
    const auto steps =
        percentage_steps(cx.baseline_log_odds, parts, j["contributions"].value("others", 0.0), p,
                         missing, &start_shown, &end_shown);
    const long start_t = std::lround(start_shown * 10), end_t = std::lround(end_shown * 10);
    out += "<p class=\"probability\">" +
           (purpose.predicts ? tr("Risiko for ", "Risk of ") + escape_html(*purpose.predicts) + ": "
                             : tr("Risiko for udfaldet, modellen er trænet på: ",
                                  "Risk of the outcome the model was trained on: ")) +
           "<b class=\"shown-probability\">" + percent_text(end_t, da) + "</b>. " +
           tr("Blandt de unge, modellen er trænet på, havde ",
              "Among the young people the model was "
              "trained on, ") +
           percent_text(std::lround(1000 * cx.base_rate), da) +
           tr(" udfaldet (basisraten). Modellens udgangspunkt — en ung med gennemsnitlige værdier "
              "— er ",
              " had the outcome (the base rate). The model's starting point — a young person "
              "with average values — is ") +
           percent_text(start_t, da) +
           (start_t < std::lround(1000 * cx.base_rate)
                ? tr("; det ligger under basisraten, fordi risikoen er skævt fordelt: få unge med "
                     "høj risiko trækker gennemsnittet op.",
                     "; it lies below the base rate because risk is skewed: a few young people at "
                     "high risk pull the average up.")
                : std::string(".")) +
           "</p>\n";
    // Its uncertainty: what happened to the validation's young people given a like probability.
    if (cx.model != nullptr) {
      for (const auto& b : cx.model->metrics.reliability) {
        if (b.count == 0 || p < b.low || p > b.high) continue;
        const auto [lo, hi] = models::wilson_interval(
            b.observed_rate * static_cast<double>(b.count), static_cast<double>(b.count));
        out += "<p class=\"note\">" +
               tr("Usikkerhed: af de unge i valideringen med en sandsynlighed på ",
                  "Uncertainty: of the young people in the validation with a probability of ") +
               percent_text(std::lround(1000 * b.low), da) + "–" +
               percent_text(std::lround(1000 * b.high), da) + tr(" havde ", ", ") +
               percent_text(std::lround(1000 * b.observed_rate), da) +
               tr(" udfaldet (95 %: ", " had the outcome (95 %: ") +
               percent_text(std::lround(1000 * lo), da) + "–" +
               percent_text(std::lround(1000 * hi), da) + ").</p>\n";
        break;
      }
    }
    // The waterfall as a table of steps and bars: start, each part, the rest, the result.
    out += "<table class=\"waterfall\"><thead><tr><th>" + tr("Oplysning", "Information") +
           "</th><th>" + tr("Typisk værdi", "Typical value") + "</th><th>" +
           tr("Ændring", "Change") + "</th><th></th></tr></thead><tbody>\n";
    out += "<tr class=\"start\"><td>" + tr("Udgangspunkt", "Starting point") +
           "</td><td></td><td>" + percent_text(start_t, da) + "</td><td></td></tr>\n";
    long max_abs = 1;
    for (const auto& s : steps) max_abs = std::max(max_abs, std::labs(std::lround(s.points * 10)));
    for (const auto& s : steps) {
      const long t = std::lround(s.points * 10);
      const double width = 45.0 * static_cast<double>(std::labs(t)) / static_cast<double>(max_abs);
      const std::string name = s.field.empty()
                                   ? tr("Øvrige oplysninger", "Other information")
                                   : field_label(program, s.field) +
                                         (s.missing ? tr(" — mangler (erstattet af gennemsnittet)",
                                                         " — missing (replaced by the average)")
                                                    : "");
      out += std::string("<tr") + (s.missing ? " class=\"missing\"" : "") + "><td>" +
             escape_html(name) + "</td><td>" +
             escape_html(s.field.empty() ? "" : typical_value(cx.model, s.field, cx.language)) +
             "</td><td data-step=\"" + std::to_string(t) + "\">" + signed_pp(t, da) +
             "</td><td class=\"bar\"><span class=\"" + (t >= 0 ? "up" : "down") +
             "\" style=\"width:" + std::to_string(static_cast<int>(width)) +
             "%;margin-left:" + std::to_string(t >= 0 ? 50 : static_cast<int>(50 - width)) +
             "%\"></span></td></tr>\n";
    }
    out += "<tr class=\"end\"><td>" + tr("Sandsynlighed", "Probability") + "</td><td></td><td>" +
           percent_text(end_t, da) + "</td><td></td></tr>\n</tbody></table>\n";
    if (!missing.empty()) {
      out += "<p class=\"note\">" +
             tr("Manglende oplysninger er ikke tegn på noget: modellen bruger gennemsnittet i "
                "stedet, og ændringen ovenfor er, hvad det gør ved skønnet. Skaf oplysningen, "
                "hvis den kan have betydning.",
                "Missing information is not evidence of anything: the model uses the average "
                "instead, and the change above is what that does to the estimate. Obtain the "
                "information if it may matter.") +
             "</p>\n";
    }
  }
  if (j["flags"].is_array() && !j["flags"].empty()) {
    out += "<h4>" + tr("Regler, der slog til", "Rules that fired") + "</h4><ul class=\"flags\">";
    for (const auto& f : j["flags"]) {
      out += "<li>" + escape_html(f.value("text", "")) + " <span class=\"rule\">(" +
             escape_html(f.value("rule", "")) + ")</span></li>";
    }
    out += "</ul>\n";
  }
  if (j["review"].is_object() && j["review"].value("required", false)) {
    out += "<h4>" + tr("Kræver en fagpersons vurdering", "Requires a professional's review") +
           "</h4><ul class=\"reasons\">";
    for (const auto& r : j["review"]["reasons"]) {
      out += "<li>" + escape_html(r.value("text", "")) + "</li>";
    }
    out += "</ul>\n";
  }
  if (li != dsl::kNone) {
    const auto g = purpose.guidance.find(li);
    if (g != purpose.guidance.end()) {
      out += "<h4>" + tr("Vejledning", "Guidance") + "</h4><p>" + escape_html(g->second) + "</p>\n";
    }
  }
  out += "<p class=\"record\">" +
         tr("Det er et skøn til støtte for din faglige vurdering — ikke en afgørelse. Notér din "
            "vurdering: ",
            "This is an estimate to support your professional judgement — not a decision. Record "
            "your judgement: ") +
         "<code>skon review record --run " + escape_html(cx.run) + " --person " + escape_html(id) +
         " --decision agree|disagree|needs-information --by " +
         tr("\"NAVN, ROLLE\"", "\"NAME, ROLE\"") + "</code></p>\n";
  out += "</article>\n";
  return out;
}

}  // namespace skon::engine
