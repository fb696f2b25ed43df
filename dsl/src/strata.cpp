// Each purpose's evaluation order. A rule that reads the assessment's state — count(flags),
// sum(points), level, fired(rule), or a subset of flags or points — runs after every rule it can
// depend on, as strata do in Datalog: stratum 0 reads nothing, and a rule's stratum is one more
// than the highest stratum of the rules it reads. Within a stratum, rules are ordered by name.
// The order of the files therefore never changes an outcome; a cycle is E0115, shown rule by rule.
//
// "Reads every flag" would mean an edge to every flagging rule; instead each aggregate counts how
// many of its writers are placed (Kahn's algorithm with counters), so the work stays linear in
// the number of rules. A rule never reads its own effect: a rule that counts flags and raises one
// itself waits for every other flagging rule only.

#include <algorithm>
#include <deque>
#include <set>

#include "checker.hpp"

namespace skon::dsl::detail {
namespace {

enum Aggregate : std::uint8_t { kFlags, kPoints, kLevel, kAggregates };

const char* read_phrase(Aggregate a) {
  switch (a) {
    case kFlags:
      return "counts the flags";
    case kPoints:
      return "adds up the points";
    default:
      return "reads the level";
  }
}

const char* write_phrase(Aggregate a) {
  switch (a) {
    case kFlags:
      return "raises a flag";
    case kPoints:
      return "gives points";
    default:
      return "changes the level";
  }
}

// One purpose's dependency problem, over positions 0..m-1 in the purpose's rule list.
struct Graph {
  std::vector<Index> rules;                       // position -> program rule
  std::vector<std::vector<Index>> explicit_deps;  // position -> positions it names
  std::vector<std::vector<Span>> explicit_spans;  // where each is named
  std::vector<bool> writes[kAggregates];
  std::vector<std::optional<Span>> reads[kAggregates];
  std::vector<Index> writers[kAggregates];  // positions
  std::vector<Index> readers[kAggregates];
};

struct Edge {
  Index from, to;  // positions: `from` reads a result of `to`
  Span where;
  std::string why;
};

}  // namespace

void Checker::compute_strata() {
  std::vector<Index> position(p_.rules.size(), kNone);
  std::set<std::pair<Index, Index>> reported_scope;  // (reader, rule) pairs already reported
  std::set<std::vector<Index>> reported_cycles;

  for (Index pi = 0; pi < p_.purposes.size(); ++pi) {
    PurposeInfo& purpose = p_.purposes[pi];
    // Triggers run after every rule; what they name must still apply to the purpose.
    for (const ExprFacts& facts : trigger_facts_[pi]) {
      for (const RuleRead& read : facts.reads_rules) {
        const auto& scope = p_.rules[read.rule].purposes;
        if (read.by_tag || std::find(scope.begin(), scope.end(), pi) != scope.end()) continue;
        bag_.add(DiagCode::E0112, read.span,
                 "rule " + backticked(p_.rules[read.rule].name) + " does not apply to purpose " +
                     backticked(purpose.name));
      }
    }

    Graph g;
    g.rules = purpose.rules;
    const std::size_t m = g.rules.size();
    for (std::size_t k = 0; k < m; ++k) position[g.rules[k]] = static_cast<Index>(k);
    g.explicit_deps.resize(m);
    g.explicit_spans.resize(m);
    for (auto& w : g.writes) w.assign(m, false);
    for (auto& r : g.reads) r.assign(m, std::nullopt);
    for (std::size_t k = 0; k < m; ++k) {
      const Index ri = g.rules[k];
      const RuleInfo& rule = p_.rules[ri];
      const ExprFacts& facts = rule_facts_[ri];
      g.writes[kFlags][k] = rule.flag != nullptr;
      g.writes[kPoints][k] = rule.points.has_value();
      g.writes[kLevel][k] = rule.raise_to != kNone || rule.cap_at != kNone;
      g.reads[kFlags][k] = facts.reads_flags;
      g.reads[kPoints][k] = facts.reads_points;
      g.reads[kLevel][k] = facts.reads_level;
      for (int a = 0; a < kAggregates; ++a) {
        if (g.writes[a][k]) g.writers[a].push_back(static_cast<Index>(k));
        if (g.reads[a][k]) g.readers[a].push_back(static_cast<Index>(k));
      }
      for (const RuleRead& read : facts.reads_rules) {
        const Index to = position[read.rule];
        const auto& scope = p_.rules[read.rule].purposes;
        if (std::find(scope.begin(), scope.end(), pi) == scope.end()) {
          if (!read.by_tag && reported_scope.insert({ri, read.rule}).second) {
            Diagnostic& d = bag_.add(DiagCode::E0112, read.span,
                                     "rule " + backticked(p_.rules[read.rule].name) +
                                         " does not apply to purpose " + backticked(purpose.name) +
                                         ", which " + backticked(rule.name) + " applies to");
            d.help = "limit " + backticked(rule.name) + " to the purposes of " +
                     backticked(p_.rules[read.rule].name) + " with `in`";
          }
          continue;
        }
        if (to == k) {
          if (read.by_tag) continue;  // a tag that includes the rule itself selects the others
          if (reported_cycles.insert({ri}).second) {
            bag_.add(DiagCode::E0115, read.span,
                     "rule " + backticked(rule.name) + " reads its own result")
                .help = "a rule's condition is decided before its effect; remove the reference";
          }
          continue;
        }
        g.explicit_deps[k].push_back(to);
        g.explicit_spans[k].push_back(read.span);
      }
    }

    // Kahn's algorithm. pending[k]: explicit dependencies not yet placed, plus the aggregates k
    // reads whose writers (other than k) are not all placed.
    std::vector<std::size_t> pending(m, 0);
    std::vector<std::vector<Index>> dependents(m);
    std::vector<long> stratum(m, 0);
    for (std::size_t k = 0; k < m; ++k) {
      pending[k] = g.explicit_deps[k].size();
      for (Index to : g.explicit_deps[k]) dependents[to].push_back(static_cast<Index>(k));
      for (int a = 0; a < kAggregates; ++a) pending[k] += g.reads[a][k] ? 1 : 0;
    }
    std::size_t placed_writers[kAggregates] = {0, 0, 0};
    long highest_writer[kAggregates] = {-1, -1, -1};
    std::deque<Index> ready;
    std::vector<bool> placed(m, false);
    // Releases the readers of `a` that no longer wait for it: those that write it themselves once
    // every other writer is placed, the others once all are.
    const auto release = [&](int a) {
      const std::size_t total = g.writers[a].size();
      if (placed_writers[a] + 1 < total) return;
      for (Index r : g.readers[a]) {
        const std::size_t needed = g.writes[a][r] ? total - 1 : total;
        if (placed[r] || placed_writers[a] != needed) continue;
        stratum[r] = std::max(stratum[r], highest_writer[a] + 1);
        if (--pending[r] == 0) ready.push_back(r);
      }
    };
    for (std::size_t k = 0; k < m; ++k) {
      if (pending[k] == 0) ready.push_back(static_cast<Index>(k));
    }
    for (int a = 0; a < kAggregates; ++a) release(a);
    std::size_t placed_count = 0;
    while (!ready.empty()) {
      const Index k = ready.front();
      ready.pop_front();
      placed[k] = true;
      ++placed_count;
      for (Index d : dependents[k]) {
        stratum[d] = std::max(stratum[d], stratum[k] + 1);
        if (--pending[d] == 0) ready.push_back(d);
      }
      for (int a = 0; a < kAggregates; ++a) {
        if (!g.writes[a][k]) continue;
        ++placed_writers[a];
        highest_writer[a] = std::max(highest_writer[a], stratum[k]);
        release(a);
      }
    }

    if (placed_count < m) {
      // Every rule left over waits for another left-over rule: walk from one until a rule
      // repeats, and report the loop.
      const auto next_edge = [&](Index k) -> Edge {
        for (std::size_t j = 0; j < g.explicit_deps[k].size(); ++j) {
          const Index to = g.explicit_deps[k][j];
          if (!placed[to]) {
            return {k, to, g.explicit_spans[k][j],
                    backticked(p_.rules[g.rules[k]].name) + " reads the result of " +
                        backticked(p_.rules[g.rules[to]].name)};
          }
        }
        for (int a = 0; a < kAggregates; ++a) {
          if (!g.reads[a][k]) continue;
          for (Index w : g.writers[a]) {
            if (w == k || placed[w]) continue;
            return {k, w, *g.reads[a][k],
                    backticked(p_.rules[g.rules[k]].name) + " " +
                        read_phrase(static_cast<Aggregate>(a)) + ", and " +
                        backticked(p_.rules[g.rules[w]].name) + " " +
                        write_phrase(static_cast<Aggregate>(a))};
          }
        }
        return {k, k, Span{}, ""};  // unreachable: a left-over rule always waits for another
      };
      Index start = 0;
      while (placed[start]) ++start;
      std::vector<Index> seen_at(m, kNone);
      std::vector<Edge> path;
      Index at = start;
      while (seen_at[at] == kNone) {
        seen_at[at] = static_cast<Index>(path.size());
        path.push_back(next_edge(at));
        at = path.back().to;
      }
      const std::vector<Edge> cycle(path.begin() + seen_at[at], path.end());
      std::vector<Index> members;
      for (const Edge& e : cycle) members.push_back(g.rules[e.from]);
      std::sort(members.begin(), members.end());
      if (reported_cycles.insert(members).second) {
        std::string chain;
        for (const Edge& e : cycle) chain += backticked(p_.rules[g.rules[e.from]].name) + " → ";
        chain += backticked(p_.rules[g.rules[cycle.front().from]].name);
        Diagnostic& d = bag_.add(DiagCode::E0115, cycle.front().where,
                                 "rules read each other's results in a cycle: " + chain);
        for (const Edge& e : cycle) d.notes.push_back({e.where, e.why});
        d.help =
            "a rule runs after every rule whose result it reads, so this order cannot exist; "
            "count a subset that leaves the other rule out (`count(flags in {a, b})`), or join "
            "the rules";
      }
      for (std::size_t k = 0; k < m; ++k) {
        if (!placed[k]) stratum[k] = static_cast<long>(m);
      }
    }

    std::vector<Index> order(m);
    for (std::size_t k = 0; k < m; ++k) order[k] = static_cast<Index>(k);
    std::sort(order.begin(), order.end(), [&](Index a, Index b) {
      if (stratum[a] != stratum[b]) return stratum[a] < stratum[b];
      return p_.rules[g.rules[a]].name < p_.rules[g.rules[b]].name;
    });
    purpose.rules.clear();
    purpose.strata.clear();
    for (Index k : order) {
      purpose.rules.push_back(g.rules[k]);
      purpose.strata.push_back(static_cast<Index>(stratum[k]));
    }
    for (Index ri : g.rules) position[ri] = kNone;
  }
}

}  // namespace skon::dsl::detail
