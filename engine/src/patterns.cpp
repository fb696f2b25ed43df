#include "skon/engine/patterns.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "skon/engine/columns.hpp"
#include "skon/engine/messages.hpp"
#include "skon/models/errors.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

namespace {

using Json = nlohmann::ordered_json;

// A figure with `digits` decimals as the CLI writes them (a dash for none).
std::string fixed(double v, int digits = 2) {
  return std::isnan(v) ? "–" : format_fixed(v, digits, Language::English);
}

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const std::size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Groups by value (`index` the group of a row, -1 missing): counts, outcome rates, and odds
// ratios against the largest group.
void group_rates(FieldPattern& f, const std::vector<int>& index, const std::vector<double>& y,
                 const std::vector<std::string>& labels) {
  std::vector<double> n(labels.size(), 0), pos(labels.size(), 0);
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (index[i] < 0) continue;
    n[static_cast<std::size_t>(index[i])] += 1;
    pos[static_cast<std::size_t>(index[i])] += y[i];
  }
  std::size_t ref = 0;
  for (std::size_t g = 1; g < labels.size(); ++g) ref = n[g] > n[ref] ? g : ref;
  f.reference = labels[ref];
  for (std::size_t g = 0; g < labels.size(); ++g) {
    PatternGroup pg;
    pg.label = labels[g];
    pg.count = static_cast<std::size_t>(n[g]);
    pg.outcome_rate = n[g] > 0 ? pos[g] / n[g] : std::nan("");
    if (g != ref && n[g] > 0 && n[ref] > 0) {
      pg.odds = odds_ratio(pos[g], n[g] - pos[g], pos[ref], n[ref] - pos[ref]);
    }
    f.groups.push_back(std::move(pg));
  }
}

}  // namespace

OddsRatio odds_ratio(double a, double b, double c, double d) {
  if (a == 0 || b == 0 || c == 0 || d == 0) a += 0.5, b += 0.5, c += 0.5, d += 0.5;
  const double log_or = std::log(a * d / (b * c));
  const double se = std::sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  return {std::exp(log_or), std::exp(log_or - 1.959963984540054 * se),
          std::exp(log_or + 1.959963984540054 * se)};
}

PatternsResult find_patterns(const dsl::Program& program, dsl::Index pi,
                             const PatternsRequest& request) {
  const dsl::PurposeInfo& p = program.purposes[pi];
  PatternsResult r;
  r.purpose = p.name;
  r.data = request.data;
  const std::vector<std::string> headers = models::read_headers(request.data, request.read);
  const auto has = [&](const std::string& c) {
    const auto it = request.read.header_for.find(c);
    return std::find(headers.begin(), headers.end(),
                     it != request.read.header_for.end() ? it->second : c) != headers.end();
  };
  if (!has(request.target)) {
    throw models::InputError(request.data + ": no column '" + request.target +
                             "' with the outcome: patterns need historical outcomes");
  }
  // Every declared field the file has (numbers, yes/no, categories), in declaration order.
  std::vector<dsl::Index> fields;
  std::vector<models::ColumnSpec> cols;
  for (dsl::Index f = 0; f < program.fields.size(); ++f) {
    const dsl::FieldInfo& info = program.fields[f];
    const bool kind = info.type == dsl::ValueType::Number || info.type == dsl::ValueType::Bool ||
                      info.type == dsl::ValueType::Category;
    if (!kind) continue;
    fields.push_back(f);
    if (has(info.name)) cols.push_back(column_spec(program, f));
  }
  const std::size_t target_at = cols.size();
  cols.push_back({request.target, models::ColumnType::Text, {}, {}, {}, "", ""});
  std::vector<std::vector<double>> values(cols.size() - 1);
  std::vector<double> y;
  {
    models::CohortReader reader(request.data, cols, request.read);
    models::Row row;
    while (reader.next(row)) {
      double outcome = 0;
      if (!models::parse_outcome(row.texts[target_at], "", outcome)) continue;
      y.push_back(outcome);
      for (std::size_t c = 0; c < values.size(); ++c) values[c].push_back(row.values[c]);
    }
  }
  r.rows = y.size();
  if (r.rows == 0) throw models::InputError(request.data + ": no row with an outcome");
  double positives = 0;
  for (double v : y) positives += v;
  r.outcome_rate = positives / static_cast<double>(r.rows);

  std::size_t col = 0;
  std::vector<std::pair<std::string, const std::vector<double>*>> numeric;  // for correlations
  for (dsl::Index fi : fields) {
    const dsl::FieldInfo& info = program.fields[fi];
    FieldPattern f;
    f.field = info.name;
    f.label = info.label;
    f.type = dsl::to_string(info.type);
    f.is_protected = info.is_protected;
    if (info.source != dsl::kNone) {
      const dsl::SourceInfo& src = program.source_infos[info.source];
      f.source = src.name;
      f.category = dsl::to_string(src.category);
      f.purpose_may_use = p.allows_source(info.source);
      f.roles_have_access = std::all_of(p.roles.begin(), p.roles.end(), [&](dsl::Index role) {
        return std::find(src.accessible_to.begin(), src.accessible_to.end(), role) !=
               src.accessible_to.end();
      });
    }
    f.used_by_purpose = std::find(p.features.begin(), p.features.end(), fi) != p.features.end() ||
                        std::binary_search(p.fields_read.begin(), p.fields_read.end(), fi);
    f.forbidden = std::find(p.forbidden.begin(), p.forbidden.end(), fi) != p.forbidden.end();
    f.in_data = has(info.name);
    if (!f.in_data) {
      r.fields.push_back(std::move(f));
      continue;
    }
    const std::vector<double>& v = values[col++];
    std::vector<int> index(v.size(), -1);
    double pos_known = 0, pos_missing = 0;
    std::vector<double> known;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (models::is_missing(v[i])) {
        ++f.missing;
        pos_missing += y[i];
      } else {
        ++f.known;
        pos_known += y[i];
        known.push_back(v[i]);
      }
    }
    f.outcome_rate_known = f.known ? pos_known / static_cast<double>(f.known) : std::nan("");
    f.outcome_rate_missing =
        f.missing ? pos_missing / static_cast<double>(f.missing) : std::nan("");
    if (f.missing > 0 && f.known > 0) {
      f.missing_odds = odds_ratio(pos_missing, static_cast<double>(f.missing) - pos_missing,
                                  pos_known, static_cast<double>(f.known) - pos_known);
    }
    if (info.type == dsl::ValueType::Number) {
      std::sort(known.begin(), known.end());
      double sum = 0, squares = 0;
      for (double x : known) sum += x;
      f.mean = known.empty() ? std::nan("") : sum / static_cast<double>(known.size());
      for (double x : known) squares += (x - f.mean) * (x - f.mean);
      f.sd = known.size() > 1 ? std::sqrt(squares / static_cast<double>(known.size())) : 0;
      f.q1 = quantile(known, 0.25);
      f.median = quantile(known, 0.5);
      f.q3 = quantile(known, 0.75);
      // Bands: the quartiles (fewer when values repeat).
      std::vector<double> cuts;
      for (double c : {f.q1, f.median, f.q3}) {
        if (cuts.empty() || c > cuts.back()) cuts.push_back(c);
      }
      std::vector<std::string> labels;
      for (std::size_t b = 0; b <= cuts.size(); ++b) {
        labels.push_back(b == 0             ? "< " + fixed(cuts.empty() ? f.median : cuts[0], 1)
                         : b == cuts.size() ? "≥ " + fixed(cuts[b - 1], 1)
                                            : fixed(cuts[b - 1], 1) + "–<" + fixed(cuts[b], 1));
      }
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (models::is_missing(v[i])) continue;
        index[i] =
            static_cast<int>(std::upper_bound(cuts.begin(), cuts.end(), v[i]) - cuts.begin());
      }
      f.reference = labels.front();  // odds against the lowest band read as a gradient
      {
        std::vector<double> n(labels.size(), 0), pos(labels.size(), 0);
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (index[i] < 0) continue;
          n[static_cast<std::size_t>(index[i])] += 1;
          pos[static_cast<std::size_t>(index[i])] += y[i];
        }
        for (std::size_t g = 0; g < labels.size(); ++g) {
          PatternGroup pg{labels[g], static_cast<std::size_t>(n[g]),
                          n[g] > 0 ? pos[g] / n[g] : std::nan(""), std::nullopt};
          if (g > 0 && n[g] > 0 && n[0] > 0) {
            pg.odds = odds_ratio(pos[g], n[g] - pos[g], pos[0], n[0] - pos[0]);
          }
          f.groups.push_back(std::move(pg));
        }
      }
      // The odds ratio per SD: a one-variable logistic regression on the known rows (unpenalized,
      // Wald interval).
      if (known.size() > 10 && f.sd > 0) {
        Eigen::MatrixXd X(static_cast<Eigen::Index>(f.known), 1);
        Eigen::VectorXd Y(static_cast<Eigen::Index>(f.known));
        Eigen::Index k = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (models::is_missing(v[i])) continue;
          X(k, 0) = (v[i] - f.mean) / f.sd;
          Y[k++] = y[i];
        }
        models::LogisticOptions o;
        o.penalty = models::Penalty::None;
        try {
          const models::LogisticFit fit = models::fit_logistic(X, Y, o);
          if (fit.std_error.size() > 0) {
            const double b = fit.coef[0], se = fit.std_error[0];
            f.per_sd = OddsRatio{std::exp(b), std::exp(b - 1.959963984540054 * se),
                                 std::exp(b + 1.959963984540054 * se)};
          }
        } catch (const std::invalid_argument&) {
          // one outcome among the known rows: no ratio to give
        }
      }
      numeric.emplace_back(f.field, &v);
    } else if (info.type == dsl::ValueType::Bool) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!models::is_missing(v[i])) index[i] = v[i] > 0.5 ? 1 : 0;
      }
      group_rates(f, index, y, {"false", "true"});
      numeric.emplace_back(f.field, &v);
    } else {
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!models::is_missing(v[i])) index[i] = static_cast<int>(v[i]);
      }
      group_rates(f, index, y, info.levels);
    }
    r.fields.push_back(std::move(f));
  }
  // Pairwise-complete Pearson correlations among numbers and yes/no fields.
  for (std::size_t a = 0; a < numeric.size(); ++a) {
    for (std::size_t b = a + 1; b < numeric.size(); ++b) {
      const auto& x = *numeric[a].second;
      const auto& z = *numeric[b].second;
      double n = 0, sx = 0, sz = 0, sxx = 0, szz = 0, sxz = 0;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (models::is_missing(x[i]) || models::is_missing(z[i])) continue;
        n += 1, sx += x[i], sz += z[i], sxx += x[i] * x[i], szz += z[i] * z[i], sxz += x[i] * z[i];
      }
      const double cov = sxz - sx * sz / n, vx = sxx - sx * sx / n, vz = szz - sz * sz / n;
      if (n < 3 || vx <= 0 || vz <= 0) continue;
      r.correlations.push_back({numeric[a].first, numeric[b].first, cov / std::sqrt(vx * vz),
                                static_cast<std::size_t>(n)});
    }
  }
  std::stable_sort(
      r.correlations.begin(), r.correlations.end(),
      [](const Correlation& a, const Correlation& b) { return std::abs(a.r) > std::abs(b.r); });
  return r;
}

nlohmann::ordered_json patterns_json(const PatternsResult& r) {
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
  return o ? fixed(o->ratio) + " (" + fixed(o->low) + "–" + fixed(o->high) + ")" : "–";
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

void patterns_section(Document& d, const PatternsResult& r, bool da) {
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
    rows.push_back({"`" + c.a + "`", "`" + c.b + "`", fixed(c.r), std::to_string(c.rows)});
  }
  d.paragraph(t("De stærkeste sammenhænge mellem felterne (Pearson):",
                "The strongest correlations among the fields (Pearson):"));
  d.table({t("felt", "field"), t("felt", "field"), "r", t("rækker", "rows")}, rows);
}

}  // namespace skon::engine
