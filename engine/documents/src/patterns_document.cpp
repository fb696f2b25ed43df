// The text and JSON forms of patterns results (engine/studies/patterns.hpp).
#include "skon/documents/patterns_document.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "figures.hpp"
#include "json_values.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/messages.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {
namespace {

using Json = nlohmann::ordered_json;

using detail::fixed;

}  // namespace

nlohmann::ordered_json patterns_json_value(const PatternsResult& r) {
  const auto num = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };
  const auto odds = [&](const std::optional<OddsRatio>& o) {
    return o ? Json{{"ratio", num(o->ratio)}, {"ci95", {num(o->low), num(o->high)}}} : Json();
  };
  Json j;
  j["purpose"] = r.purpose;
  j["data"] = r.data;
  j["rows"] = r.rows;
  j["outcome_rate"] = r.outcome_rate;
  j["fields"] = Json::array();
  for (const auto& f : r.fields) {
    Json fj{{"field", f.field},
            {"label", f.label},
            {"type", f.type},
            {"source", f.source},
            {"category", f.category},
            {"purpose_may_use", f.purpose_may_use},
            {"used_by_purpose", f.used_by_purpose},
            {"roles_have_access", f.roles_have_access},
            {"protected", f.is_protected},
            {"forbidden", f.forbidden},
            {"in_data", f.in_data}};
    if (f.in_data) {
      fj["known"] = f.known;
      fj["missing"] = f.missing;
      fj["missing_share"] =
          static_cast<double>(f.missing) / static_cast<double>(f.known + f.missing);
      fj["outcome_rate_known"] = num(f.outcome_rate_known);
      fj["outcome_rate_missing"] = num(f.outcome_rate_missing);
      fj["missing_odds_ratio"] = odds(f.missing_odds);
      if (f.type == "number") {
        fj["distribution"] = {{"mean", num(f.mean)},
                              {"sd", num(f.sd)},
                              {"q1", num(f.q1)},
                              {"median", num(f.median)},
                              {"q3", num(f.q3)}};
        fj["odds_ratio_per_sd"] = odds(f.per_sd);
      }
      fj["reference"] = f.reference;
      fj["groups"] = Json::array();
      for (const auto& g : f.groups) {
        fj["groups"].push_back({{"value", g.label},
                                {"count", g.count},
                                {"outcome_rate", num(g.outcome_rate)},
                                {"odds_ratio", odds(g.odds)}});
      }
    }
    j["fields"].push_back(std::move(fj));
  }
  j["correlations"] = Json::array();
  for (const auto& c : r.correlations) {
    j["correlations"].push_back({{"a", c.a}, {"b", c.b}, {"r", c.r}, {"rows", c.rows}});
  }
  return j;
}

namespace {

std::string status_of(const FieldPattern& f, bool da) {
  std::string s = f.category.empty() ? "" : f.category;
  if (f.forbidden) return s + (da ? ", forbudt for formålet" : ", forbidden for the purpose");
  if (!f.purpose_may_use)
    return s + (da ? ", kilde formålet ikke må bruge" : ", a source the purpose may not use");
  if (!f.roles_have_access) s += da ? ", ikke adgang i dag" : ", no access today";
  if (f.used_by_purpose) s += da ? ", bruges" : ", used";
  return s;
}

std::string ratio_text(const std::optional<OddsRatio>& o) {
  return o ? fixed(o->ratio, 2) + " (" + fixed(o->low, 2) + "–" + fixed(o->high, 2) + ")" : "–";
}

// The strongest group odds ratio of a field (farthest from 1 on the log scale).
std::string strongest(const FieldPattern& f) {
  const PatternGroup* best = nullptr;
  for (const auto& g : f.groups) {
    if (g.odds &&
        (!best || std::abs(std::log(g.odds->ratio)) > std::abs(std::log(best->odds->ratio)))) {
      best = &g;
    }
  }
  return best ? best->label + ": " + ratio_text(best->odds) : "–";
}

}  // namespace

std::string patterns_text(const PatternsResult& r) {
  std::string s = "patterns  " + std::to_string(r.rows) + " rows of " + r.data +
                  " with outcomes (" + fixed(100 * r.outcome_rate, 1) +
                  " % positive), for purpose " + r.purpose + "\n\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-24s %-40s %8s %-22s %-30s %s\n", "field", "source",
                "missing", "missing: OR (95 %)", "strongest group: OR (95 %)", "per SD: OR (95 %)");
  s += line;
  for (const auto& f : r.fields) {
    if (!f.in_data) {
      std::snprintf(line, sizeof line, "  %-24s %-40s not in the data\n", f.field.c_str(),
                    (f.source + " (" + status_of(f, false) + ")").c_str());
      s += line;
      continue;
    }
    const double share = static_cast<double>(f.missing) / static_cast<double>(f.known + f.missing);
    std::snprintf(line, sizeof line, "  %-24s %-40s %7.1f%% %-22s %-30s %s\n", f.field.c_str(),
                  (f.source + " (" + status_of(f, false) + ")").c_str(), 100 * share,
                  ratio_text(f.missing_odds).c_str(), strongest(f).c_str(),
                  ratio_text(f.per_sd).c_str());
    s += line;
  }
  s += "\n  OR: odds ratio of the outcome against the field's largest group (numbers: their lowest "
       "quartile band), Woolf 95 % interval; per SD: a one-field logistic regression.\n";
  s += "\n  strongest correlations among numbers and yes/no fields:\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(10, r.correlations.size()); ++i) {
    const auto& c = r.correlations[i];
    std::snprintf(line, sizeof line, "    %-24s %-24s r = %+.2f (%zu rows)\n", c.a.c_str(),
                  c.b.c_str(), c.r, c.rows);
    s += line;
  }
  return s;
}

void patterns_section(Document& d, const PatternsResult& r, Language language) {
  const bool da = language == Language::Danish;
  const auto t = [da](const char* a, const char* b) { return std::string(da ? a : b); };
  d.heading(1, t("Mønstre i historiske data", "Patterns in historical data"));
  d.paragraph(t("Alle felter, et formål kunne bruge — også fra kilder, dette formål ikke må "
                "bruge, som er markeret — målt på ",
                "Every field a purpose could use — also from sources this purpose may not use, "
                "marked so — measured on ") +
              std::to_string(r.rows) +
              t(" unge med kendt udfald i `",
                " young people with known "
                "outcomes in `") +
              r.data + "` (" + fixed(100 * r.outcome_rate, 1) +
              t(" % gennemførte ikke). OR: oddsratio for udfaldet med 95 %-interval (Woolf); "
                "pr. SD fra en logistisk regression med ét felt.",
                " % did not complete). OR: the outcome's odds ratio with its 95 % interval "
                "(Woolf); per SD from a one-field logistic regression."));
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : r.fields) {
    if (!f.in_data) {
      rows.push_back({"`" + f.field + "` " + f.label, f.source + " (" + status_of(f, da) + ")",
                      t("ikke i data", "not in the data"), "–", "–", "–"});
      continue;
    }
    const double share = static_cast<double>(f.missing) / static_cast<double>(f.known + f.missing);
    std::string values;
    if (f.type == "number") {
      values = t("median ", "median ") + fixed(f.median, 1) + " (" + fixed(f.q1, 1) + "–" +
               fixed(f.q3, 1) + ")";
    } else {
      for (const auto& g : f.groups) {
        values += (values.empty() ? "" : "; ") + g.label + " " +
                  fixed(100.0 * static_cast<double>(g.count) / static_cast<double>(f.known), 0) +
                  " % → " + fixed(100 * g.outcome_rate, 0) + " %";
      }
    }
    rows.push_back({"`" + f.field + "` " + f.label, f.source + " (" + status_of(f, da) + ")",
                    fixed(100 * share, 1) + " %" +
                        (f.missing_odds ? "; OR " + ratio_text(f.missing_odds) : ""),
                    values, strongest(f), ratio_text(f.per_sd)});
  }
  d.table({t("felt", "field"), t("kilde", "source"),
           t("mangler (OR for udfald)", "missing (outcome OR)"),
           t("fordeling → andel der ikke gennemførte", "distribution → share who did not complete"),
           t("stærkeste gruppe: OR", "strongest group: OR"), t("pr. SD: OR", "per SD: OR")},
          rows);
  rows.clear();
  for (std::size_t i = 0; i < std::min<std::size_t>(10, r.correlations.size()); ++i) {
    const auto& c = r.correlations[i];
    rows.push_back({"`" + c.a + "`", "`" + c.b + "`", fixed(c.r, 2), std::to_string(c.rows)});
  }
  d.paragraph(t("De stærkeste sammenhænge mellem felterne (Pearson):",
                "The strongest correlations among the fields (Pearson):"));
  d.table({t("felt", "field"), t("felt", "field"), "r", t("rækker", "rows")}, rows);
}

std::string patterns_json(const PatternsResult& r) {
  return patterns_json_value(r).dump(2) + "\n";
}

}  // namespace skon::engine
