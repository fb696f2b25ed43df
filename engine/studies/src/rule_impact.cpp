#include "skon/studies/rule_impact.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "skon/base/sha256.hpp"
#include "skon/core/assessor.hpp"
#include "skon/core/columns.hpp"
#include "skon/core/ordered_pool.hpp"

namespace skon::engine {
namespace {

constexpr std::size_t kRecordsPerBatch = 1024;
// Probability bins per level for the capacity ranking: memory stays flat in rows, and the cut at
// capacity falls within 1/4096 of a probability.
constexpr std::size_t kBins = 4096;
constexpr std::size_t kPseudonymDigits = 32;

AssessorSetup setup_of(const ImpactSide& side, std::int32_t as_of) {
  return {side.program, side.purpose, side.model, Language::English, as_of, 0};
}

std::vector<Index> input_positions(const ImpactSide& side,
                                   const std::vector<models::ColumnSpec>& columns) {
  std::vector<Index> at;
  const Assessor probe(setup_of(side, 0));
  for (Index f : probe.input_fields()) {
    const std::string& name = side.program->fields[f].name;
    for (std::size_t c = 1; c < columns.size(); ++c) {
      if (columns[c].name == name) at.push_back(static_cast<Index>(c - 1));
    }
  }
  return at;
}

// Both sides' rules under one numbering (by name), so fired and flagged sets compare as small
// sorted vectors of numbers rather than strings.
struct RuleIds {
  std::vector<std::string> names;
  std::vector<std::uint32_t> by_position[2];  // a side's purpose's rules, in evaluation order
  std::vector<std::uint32_t> by_rule[2];      // a side's program rule index -> id
  std::uint32_t id(const std::string& name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<std::uint32_t>(it - names.begin());
    names.push_back(name);
    return static_cast<std::uint32_t>(names.size() - 1);
  }
};

RuleIds number_rules(const ImpactSide* sides[2]) {
  RuleIds ids;
  for (int s = 0; s < 2; ++s) {
    const dsl::Program& p = *sides[s]->program;
    ids.by_rule[s].assign(p.rules.size(), 0);
    for (Index r = 0; r < p.rules.size(); ++r) ids.by_rule[s][r] = ids.id(p.rules[r].name);
    for (Index r : p.purposes[sides[s]->purpose].rules)
      ids.by_position[s].push_back(ids.by_rule[s][r]);
  }
  return ids;
}

struct Tally {
  std::vector<std::vector<ImpactCell>> moves;
  ImpactReport::Change review, flag, level;
  std::vector<std::size_t> fired[2];          // per rule id
  std::vector<double> total[2], positive[2];  // capacity histograms per side
  std::size_t records = 0, dropped_out = 0;
};

struct Example {
  std::size_t from, to;
  std::string id;
};

struct Batch {
  std::vector<std::string> ids;
  std::vector<double> values;  // row-major over the columns after the id
  std::vector<Example> examples;
};

// Ranks an outcome for capacity: level first (insufficient data last), then probability.
std::size_t rank_key(const Assessment& a) {
  if (a.outcome.insufficient_data) return 0;
  const double p = a.probability.value_or(0);
  const auto bin = static_cast<std::size_t>(std::clamp(p, 0.0, 1.0) * (kBins - 1));
  return (a.outcome.level + 1) * kBins + bin;
}

ImpactReport::AtCapacity at_capacity(const std::vector<double>& total,
                                     const std::vector<double>& positive, double capacity,
                                     std::size_t records, std::size_t dropped_out) {
  ImpactReport::AtCapacity c;
  const double want = capacity * static_cast<double>(records);
  double hits = 0;
  for (std::size_t k = total.size(); k-- > 0 && c.selected < want;) {
    if (total[k] == 0) continue;
    const double take = std::min(total[k], want - c.selected);  // part of a bin at the cut
    hits += positive[k] * take / total[k];
    c.selected += take;
  }
  c.precision = c.selected > 0 ? hits / c.selected : 0;
  c.recall = dropped_out > 0 ? hits / static_cast<double>(dropped_out) : 0;
  return c;
}

}  // namespace

std::vector<models::ColumnSpec> impact_columns(const ImpactSide& before, const ImpactSide& after,
                                               const ImpactOptions& options,
                                               const std::vector<std::string>& headers,
                                               bool& has_outcome) {
  std::vector<models::ColumnSpec> columns;
  columns.push_back({options.id_column, models::ColumnType::Text, {}, {}, {}, "", ""});
  std::vector<std::pair<const dsl::Program*, Index>> fields;  // the declaration read
  for (const ImpactSide* side : {&after, &before}) {
    const Assessor probe(setup_of(*side, 0));
    for (Index f : probe.input_fields()) {
      const std::string& name = side->program->fields[f].name;
      const bool seen = std::any_of(columns.begin(), columns.end(),
                                    [&](const models::ColumnSpec& c) { return c.name == name; });
      if (seen) continue;
      columns.push_back(column_spec(*side->program, f));
      fields.emplace_back(side->program, f);
    }
  }
  // A consent-bound field is read only where its consent is true.
  for (std::size_t k = 0; k < fields.size(); ++k) {
    const auto& [program, f] = fields[k];
    const Index consent = program->fields[f].requires_field;
    if (consent == dsl::kNone) continue;
    for (std::size_t c = 1; c < columns.size(); ++c) {
      if (columns[c].name == program->fields[consent].name) {
        columns[k + 1].consent = static_cast<int>(c);
      }
    }
  }
  has_outcome = !options.outcome_column.empty() &&
                std::find(headers.begin(), headers.end(), options.outcome_column) != headers.end();
  if (has_outcome) {
    columns.push_back({options.outcome_column, models::ColumnType::Bool, {}, {}, {}, "", ""});
  }
  return columns;
}

ImpactReport assess_impact(const ImpactSide& before, const ImpactSide& after,
                           models::RecordSource& source, const ImpactOptions& options,
                           bool has_outcome) {
  const dsl::Program& program = *after.program;
  const std::size_t L = program.levels.size() + 1;  // the last: insufficient data
  const std::vector<models::ColumnSpec>& columns = source.columns();
  const std::size_t width = columns.size() - 1;
  const std::vector<Index> picks[2] = {input_positions(before, columns),
                                       input_positions(after, columns)};
  const ImpactSide* sides[2] = {&before, &after};
  const RuleIds ids = number_rules(sides);

  const std::size_t workers = std::max<std::size_t>(1, options.workers);
  std::vector<Tally> tallies(workers);
  for (Tally& t : tallies) {
    t.moves.assign(L, std::vector<ImpactCell>(L));
    for (int s = 0; s < 2; ++s) {
      t.total[s].assign(L * kBins, 0);
      t.positive[s].assign(L * kBins, 0);
      t.fired[s].assign(ids.names.size(), 0);
    }
  }
  std::vector<std::unique_ptr<Assessor>> assessors;  // [worker * 2 + side]
  for (std::size_t w = 0; w < workers; ++w) {
    for (const ImpactSide* side : sides) {
      assessors.push_back(std::make_unique<Assessor>(setup_of(*side, options.as_of)));
    }
  }
  std::vector<std::vector<Assessment>> scratch(2 * workers);
  std::vector<std::vector<double>> inputs(2 * workers);
  std::unique_ptr<base::HmacSha256> hmac;
  if (options.examples > 0) hmac = std::make_unique<base::HmacSha256>(options.id_key);

  ImpactReport report;
  report.levels = program.levels;
  report.levels.push_back("insufficient_data");
  report.moves.assign(L, std::vector<ImpactCell>(L));
  report.has_outcome = has_outcome;
  report.capacity = options.capacity;

  OrderedPool<Batch> pool(
      workers, 2 * workers + 1,
      [&](std::size_t w, Batch& b) {
        Tally& t = tallies[w];
        const std::size_t n = b.ids.size();
        for (int s = 0; s < 2; ++s) {  // each side's inputs, in its own column order
          std::vector<double>& in = inputs[2 * w + s];
          const std::vector<Index>& pick = picks[s];
          in.resize(n * pick.size());
          for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t k = 0; k < pick.size(); ++k) {
              in[i * pick.size() + k] = b.values[i * width + pick[k]];
            }
          }
          if (scratch[2 * w + s].size() < n) scratch[2 * w + s].resize(n);
          assessors[2 * w + s]->assess_batch(in.data(), n, scratch[2 * w + s]);
        }
        std::vector<std::uint32_t> fired[2], flagged[2];
        for (std::size_t i = 0; i < n; ++i) {
          const Assessment* a[2] = {&scratch[2 * w][i], &scratch[2 * w + 1][i]};
          const double outcome = has_outcome ? b.values[i * width + width - 1] : std::nan("");
          const bool out = outcome > 0.5;
          ++t.records;
          t.dropped_out += out ? 1 : 0;
          std::size_t level[2];
          for (int s = 0; s < 2; ++s) {
            const PurposeOutcome& o = a[s]->outcome;
            level[s] = o.insufficient_data ? L - 1 : o.level;
            fired[s].clear();
            for (std::size_t r = 0; r < o.rule_truth.size(); ++r) {
              if (o.rule_truth[r] == Truth::True) fired[s].push_back(ids.by_position[s][r]);
            }
            std::sort(fired[s].begin(), fired[s].end());
            for (std::uint32_t r : fired[s]) ++t.fired[s][r];
            flagged[s].clear();
            for (const FlagRaised& flag : o.flags) flagged[s].push_back(ids.by_rule[s][flag.rule]);
            std::sort(flagged[s].begin(), flagged[s].end());
            const std::size_t key = rank_key(*a[s]);
            t.total[s][key] += 1;
            t.positive[s][key] += out ? 1 : 0;
          }
          ImpactCell& cell = t.moves[level[0]][level[1]];
          ++cell.people;
          cell.dropped_out += out ? 1 : 0;
          if (level[0] != level[1]) {
            std::vector<std::uint32_t> changed;  // rules that fired on one side only
            std::set_symmetric_difference(fired[0].begin(), fired[0].end(), fired[1].begin(),
                                          fired[1].end(), std::back_inserter(changed));
            for (std::uint32_t r : changed) ++cell.causes[ids.names[r]];
            if (changed.empty()) {  // the same rules: the model's band, or the data's completeness
              ++cell.causes[a[0]->outcome.insufficient_data != a[1]->outcome.insufficient_data
                                ? "completeness"
                                : "model"];
            }
            if (level[0] != L - 1 && level[1] != L - 1) {
              ImpactReport::Change& c = t.level;
              (level[1] > level[0] ? c.gained : c.lost) += 1;
              (level[1] > level[0] ? c.gained_dropped_out : c.lost_dropped_out) += out ? 1 : 0;
            }
            if (hmac) {
              const std::size_t have = std::count_if(
                  b.examples.begin(), b.examples.end(),
                  [&](const Example& e) { return e.from == level[0] && e.to == level[1]; });
              if (have < options.examples) {
                std::string id = hmac->hex(b.ids[i]);
                id.resize(kPseudonymDigits);
                b.examples.push_back({level[0], level[1], std::move(id)});
              }
            }
          }
          const bool review[2] = {a[0]->outcome.review_required, a[1]->outcome.review_required};
          if (review[0] != review[1]) {
            (review[1] ? t.review.gained : t.review.lost) += 1;
            (review[1] ? t.review.gained_dropped_out : t.review.lost_dropped_out) += out ? 1 : 0;
          }
          const bool new_flag = !std::includes(flagged[0].begin(), flagged[0].end(),
                                               flagged[1].begin(), flagged[1].end());
          const bool lost_flag = !std::includes(flagged[1].begin(), flagged[1].end(),
                                                flagged[0].begin(), flagged[0].end());
          t.flag.gained += new_flag ? 1 : 0;
          t.flag.gained_dropped_out += new_flag && out ? 1 : 0;
          t.flag.lost += lost_flag ? 1 : 0;
          t.flag.lost_dropped_out += lost_flag && out ? 1 : 0;
        }
      },
      [&](Batch& b) {  // in file order: the first examples of each movement
        for (Example& e : b.examples) {
          auto& examples = report.moves[e.from][e.to].examples;
          if (examples.size() < options.examples) examples.push_back(std::move(e.id));
        }
      });

  models::Row row;
  Batch batch;
  while (source.next(row)) {
    batch.ids.push_back(std::move(row.texts[0]));
    batch.values.insert(batch.values.end(), row.values.begin() + 1, row.values.end());
    if (batch.ids.size() == kRecordsPerBatch) {
      pool.submit(std::move(batch));
      batch = Batch{};
    }
  }
  if (!batch.ids.empty()) pool.submit(std::move(batch));
  pool.finish();

  std::vector<double> total[2], positive[2];
  for (int s = 0; s < 2; ++s) {
    total[s].assign(L * kBins, 0);
    positive[s].assign(L * kBins, 0);
  }
  for (const Tally& t : tallies) {
    report.records += t.records;
    report.dropped_out += t.dropped_out;
    for (std::size_t i = 0; i < L; ++i) {
      for (std::size_t j = 0; j < L; ++j) {
        ImpactCell& into = report.moves[i][j];
        into.people += t.moves[i][j].people;
        into.dropped_out += t.moves[i][j].dropped_out;
        for (const auto& [cause, k] : t.moves[i][j].causes) into.causes[cause] += k;
      }
    }
    for (auto [into, from] :
         {std::pair{&report.review, &t.review}, std::pair{&report.flag, &t.flag},
          std::pair{&report.level, &t.level}}) {
      into->gained += from->gained;
      into->lost += from->lost;
      into->gained_dropped_out += from->gained_dropped_out;
      into->lost_dropped_out += from->lost_dropped_out;
    }
    for (std::size_t r = 0; r < ids.names.size(); ++r) {
      if (t.fired[0][r] + t.fired[1][r] == 0) continue;
      report.fired[ids.names[r]].first += t.fired[0][r];
      report.fired[ids.names[r]].second += t.fired[1][r];
    }
    for (int s = 0; s < 2; ++s) {
      for (std::size_t k = 0; k < L * kBins; ++k) {
        total[s][k] += t.total[s][k];
        positive[s][k] += t.positive[s][k];
      }
    }
  }
  report.before_capacity =
      at_capacity(total[0], positive[0], options.capacity, report.records, report.dropped_out);
  report.after_capacity =
      at_capacity(total[1], positive[1], options.capacity, report.records, report.dropped_out);
  return report;
}

}  // namespace skon::engine
