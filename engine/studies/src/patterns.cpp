#include "skon/studies/patterns.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "skon/base/errors.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/messages.hpp"
#include "skon/models/logistic.hpp"
#include "skon/models/train.hpp"

namespace skon::engine {

namespace {

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
    throw base::InputError(request.data + ": no column '" + request.target +
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
  if (r.rows == 0) throw base::InputError(request.data + ": no row with an outcome");
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

}  // namespace skon::engine
