// What `skon diff` shows: a rule-set change in a legal reviewer's terms and, with a cohort, whom
// it moves — as text, Markdown or JSON.
#include "skon/documents/diff_document.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "skon/documents/document.hpp"

namespace skon::engine {
namespace {

std::string count_text(std::size_t n) {
  return std::to_string(n);
}

std::string percent(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100 * x);
  return b;
}

// The impact as text: the from x to table, what was gained and lost, why, and who.
std::string impact_text(const ImpactReport& r) {
  std::string out = "\nimpact on the cohort (" + count_text(r.records) + " people";
  out += r.has_outcome ? ", " + count_text(r.dropped_out) + " of whom dropped out):\n"
                       : "; no outcome column, so no split by outcome):\n";
  std::size_t width = 6;
  for (const auto& l : r.levels) width = std::max(width, l.size() + 2);
  const auto pad = [&](const std::string& s) {
    return s + std::string(width > s.size() ? width - s.size() : 1, ' ');
  };
  out += "  " + pad("before \\ after");
  for (const auto& l : r.levels) out += pad(l);
  out += "\n";
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    out += "  " + pad(r.levels[i]);
    for (std::size_t j = 0; j < r.levels.size(); ++j) out += pad(count_text(r.moves[i][j].people));
    out += "\n";
  }
  const auto change = [&](const char* what, const ImpactReport::Change& c, const char* up,
                          const char* down) {
    out += std::string("  ") + what + ": " + count_text(c.gained) + " " + up + ", " +
           count_text(c.lost) + " " + down;
    if (r.has_outcome) {
      out += " (of those who dropped out: " + count_text(c.gained_dropped_out) + " " + up + ", " +
             count_text(c.lost_dropped_out) + " " + down + ")";
    }
    out += "\n";
  };
  change("level", r.level, "up", "down");
  change("review required", r.review, "gained", "lost");
  change("flags", r.flag, "gained one", "lost one");
  bool header = false;
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    for (std::size_t j = 0; j < r.levels.size(); ++j) {
      const ImpactCell& c = r.moves[i][j];
      if (i == j || c.people == 0) continue;
      if (!header) out += "movements and the rules behind them:\n";
      header = true;
      out += "  " + r.levels[i] + " -> " + r.levels[j] + ": " + count_text(c.people);
      if (r.has_outcome) out += " (" + count_text(c.dropped_out) + " dropped out)";
      std::string causes;
      for (const auto& [cause, n] : c.causes) {
        causes += (causes.empty() ? "" : ", ") + cause + " " + count_text(n);
      }
      out += "; " + causes + "\n";
      if (!c.examples.empty()) {
        std::string ex;
        for (const auto& e : c.examples) ex += (ex.empty() ? "" : " ") + e;
        out += "    e.g. " + ex + "\n";
      }
    }
  }
  std::string fired;
  for (const auto& [rule, n] : r.fired) {
    if (n.first == n.second) continue;
    fired += "  " + rule + ": " + count_text(n.first) + " -> " + count_text(n.second) + "\n";
  }
  if (!fired.empty()) out += "rules that fire for more or fewer people:\n" + fired;
  if (r.has_outcome) {
    out += "at capacity (" + percent(r.capacity) +
           ", ranked by level then probability): " + "precision " +
           percent(r.before_capacity.precision) + " -> " + percent(r.after_capacity.precision) +
           ", recall " + percent(r.before_capacity.recall) + " -> " +
           percent(r.after_capacity.recall) + "\n";
  }
  return out;
}

nlohmann::ordered_json impact_json(const ImpactReport& r) {
  nlohmann::ordered_json j;
  j["records"] = r.records;
  j["has_outcome"] = r.has_outcome;
  if (r.has_outcome) j["dropped_out"] = r.dropped_out;
  j["levels"] = r.levels;
  j["moves"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    for (std::size_t k = 0; k < r.levels.size(); ++k) {
      const ImpactCell& c = r.moves[i][k];
      if (c.people == 0) continue;
      nlohmann::ordered_json m = {{"from", r.levels[i]}, {"to", r.levels[k]}, {"people", c.people}};
      if (r.has_outcome) m["dropped_out"] = c.dropped_out;
      if (i != k) m["causes"] = c.causes;
      if (!c.examples.empty()) m["examples"] = c.examples;
      j["moves"].push_back(m);
    }
  }
  const auto change = [&](const ImpactReport::Change& c) {
    nlohmann::ordered_json x = {{"gained", c.gained}, {"lost", c.lost}};
    if (r.has_outcome) {
      x["gained_dropped_out"] = c.gained_dropped_out;
      x["lost_dropped_out"] = c.lost_dropped_out;
    }
    return x;
  };
  j["level_up_down"] = change(r.level);
  j["review"] = change(r.review);
  j["flags"] = change(r.flag);
  j["fired"] = nlohmann::ordered_json::object();
  for (const auto& [rule, n] : r.fired) j["fired"][rule] = {n.first, n.second};
  if (r.has_outcome) {
    j["capacity"] = r.capacity;
    j["precision_at_capacity"] = {r.before_capacity.precision, r.after_capacity.precision};
    j["recall_at_capacity"] = {r.before_capacity.recall, r.after_capacity.recall};
  }
  return j;
}

std::string line_of(const RuleSetChange& c) {
  return c.scope + (c.subject.empty() ? "" : " · " + c.subject) + ": " + c.what;
}

std::string as_text(const DiffNames& names, const RuleSetDiff& d) {
  std::string out = "skon diff: " + names.old_rules + " -> " + names.new_rules + "\n";
  out += "rule set sha256 " + names.old_sha256.substr(0, 12) + "… -> " +
         names.new_sha256.substr(0, 12) + "…\n";
  std::string purposes;
  for (const std::string& p : d.purposes) purposes += (purposes.empty() ? "" : ", ") + p;
  out += "purposes compared: " + purposes + "\n";
  if (d.changes.empty()) return out + "\nno change a reviewer would see\n";
  for (const bool approval : {true, false}) {
    std::size_t n = 0;
    for (const auto& c : d.changes) n += c.needs_approval == approval ? 1 : 0;
    if (n == 0) continue;
    out += std::string("\n") + (approval ? "needs approval" : "informational") + " (" +
           std::to_string(n) + "):\n";
    for (const auto& c : d.changes) {
      if (c.needs_approval == approval) out += "  " + line_of(c) + "\n";
    }
  }
  return out;
}

std::string as_json(const DiffNames& n, const RuleSetDiff& d, const ImpactReport* impact) {
  nlohmann::ordered_json j;
  j["format"] = "skon-diff";
  j["old_rules_sha256"] = n.old_sha256;
  j["new_rules_sha256"] = n.new_sha256;
  j["purposes"] = d.purposes;
  j["needs_approval"] = d.needs_approval();
  j["changes"] = nlohmann::ordered_json::array();
  for (const auto& c : d.changes) {
    j["changes"].push_back({{"class", c.needs_approval ? "needs approval" : "informational"},
                            {"scope", c.scope},
                            {"subject", c.subject},
                            {"kind", c.kind},
                            {"what", c.what},
                            {"from", c.from},
                            {"to", c.to}});
  }
  if (impact != nullptr) j["impact"] = impact_json(*impact);
  return j.dump(2) + "\n";
}

std::string as_markdown(const DiffNames& n, const RuleSetDiff& d) {
  std::string out = "# What changed: `" + n.old_rules + "` → `" + n.new_rules + "`\n\n";
  out += "Rule set `" + n.old_sha256.substr(0, 12) + "…` → `" + n.new_sha256.substr(0, 12) + "…`. ";
  out += d.needs_approval() ? "**Needs approval** before it is used.\n\n"
                            : "Nothing in it needs approval.\n\n";
  if (d.changes.empty()) return out + "No change a reviewer would see.\n";
  out += "| class | where | what | change |\n|---|---|---|---|\n";
  for (const auto& c : d.changes) {
    out += std::string("| ") + (c.needs_approval ? "**needs approval**" : "informational") + " | " +
           md_cell(c.scope) + " | " + md_cell(c.subject) + " | " + md_cell(c.what) + " |\n";
  }
  return out;
}

}  // namespace

std::string render_diff(const DiffNames& names, const RuleSetDiff& diff, const ImpactReport* impact,
                        const std::string& format) {
  if (format == "json") return as_json(names, diff, impact);
  if (format == "md") {
    return as_markdown(names, diff) + (impact ? "\n```text" + impact_text(*impact) + "```\n" : "");
  }
  return as_text(names, diff) + (impact ? impact_text(*impact) : "");
}

}  // namespace skon::engine
