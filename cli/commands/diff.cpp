// skon diff OLD NEW — what changed between two rule sets, in a legal reviewer's terms (the engine's
// rule_diff), as text, JSON or Markdown; exit 1 when anything needs approval, so a municipality's
// CI can hold a change for review.

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/provenance.hpp"
#include "skon/core/rule_diff.hpp"
#include "skon/studies/rule_impact.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct DiffOptions {
  std::string old_rules, new_rules;
  std::string purpose;
  std::string format = "text";
  std::string output = "-";
  // The impact on a cohort.
  std::string cohort, model, old_model, today, id_key_file, target = "outcome";
  std::size_t examples = 0;
  double capacity = 10;  // percent
};

// Both versions prepared as `skon assess` prepares a run (constraints, model, date), the cohort
// read once, and the movements counted.
engine::ImpactReport impact(const DiffOptions& opt, bool& has_outcome) {
  if (opt.purpose.empty()) throw base::UsageError("--cohort needs --purpose");
  RunArguments args;
  args.purpose = opt.purpose;
  args.today = opt.today;
  args.id_key_file = opt.id_key_file;
  args.lang = "en";
  args.rules = {opt.old_rules};
  args.model = opt.old_model.empty() ? opt.model : opt.old_model;
  const bool with_key = opt.examples > 0;
  LoadedRun before = load_run(args, {}, with_key);
  args.rules = {opt.new_rules};
  args.model = opt.model;
  LoadedRun after = load_run(args, {}, with_key);
  const engine::ImpactSide sides[2] = {
      {before.program.get(), before.run->inputs().purpose, before.model.get()},
      {after.program.get(), after.run->inputs().purpose, after.model.get()}};
  engine::ImpactOptions o;
  o.as_of = after.run->options().assessment_date;
  o.outcome_column = opt.target;
  o.capacity = opt.capacity / 100;
  o.examples = opt.examples;
  o.id_key = after.run->options().id_key;
  const auto headers = models::read_headers(opt.cohort, {});
  const auto columns = engine::impact_columns(sides[0], sides[1], o, headers, has_outcome);
  std::vector<bool> required(columns.size(), true);
  if (has_outcome) required.back() = false;
  models::CohortReader source(opt.cohort, columns, {}, required);
  return engine::assess_impact(sides[0], sides[1], source, o, has_outcome);
}

std::string count_text(std::size_t n) {
  return std::to_string(n);
}

std::string percent(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f %%", 100 * x);
  return b;
}

// The impact as text: the from x to table, what was gained and lost, why, and who.
std::string impact_text(const engine::ImpactReport& r) {
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
  const auto change = [&](const char* what, const engine::ImpactReport::Change& c, const char* up,
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
      const engine::ImpactCell& c = r.moves[i][j];
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

nlohmann::ordered_json impact_json(const engine::ImpactReport& r) {
  nlohmann::ordered_json j;
  j["records"] = r.records;
  j["has_outcome"] = r.has_outcome;
  if (r.has_outcome) j["dropped_out"] = r.dropped_out;
  j["levels"] = r.levels;
  j["moves"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.levels.size(); ++i) {
    for (std::size_t k = 0; k < r.levels.size(); ++k) {
      const engine::ImpactCell& c = r.moves[i][k];
      if (c.people == 0) continue;
      nlohmann::ordered_json m = {{"from", r.levels[i]}, {"to", r.levels[k]}, {"people", c.people}};
      if (r.has_outcome) m["dropped_out"] = c.dropped_out;
      if (i != k) m["causes"] = c.causes;
      if (!c.examples.empty()) m["examples"] = c.examples;
      j["moves"].push_back(m);
    }
  }
  const auto change = [&](const engine::ImpactReport::Change& c) {
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

std::string line_of(const engine::RuleSetChange& c) {
  return c.scope + (c.subject.empty() ? "" : " · " + c.subject) + ": " + c.what;
}

std::string as_text(const DiffOptions& opt, const engine::RuleSetDiff& d, const std::string& from,
                    const std::string& to) {
  std::string out = "skon diff: " + opt.old_rules + " -> " + opt.new_rules + "\n";
  out += "rule set sha256 " + from.substr(0, 12) + "… -> " + to.substr(0, 12) + "…\n";
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

std::string as_json(const engine::RuleSetDiff& d, const std::string& from, const std::string& to,
                    const engine::ImpactReport* impact) {
  nlohmann::ordered_json j;
  j["format"] = "skon-diff";
  j["old_rules_sha256"] = from;
  j["new_rules_sha256"] = to;
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

std::string md_cell(std::string s) {
  std::string out;
  for (char c : s)
    out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

std::string as_markdown(const DiffOptions& opt, const engine::RuleSetDiff& d,
                        const std::string& from, const std::string& to) {
  std::string out = "# What changed: `" + opt.old_rules + "` → `" + opt.new_rules + "`\n\n";
  out += "Rule set `" + from.substr(0, 12) + "…` → `" + to.substr(0, 12) + "…`. ";
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

int run_diff(const DiffOptions& opt) {
  if (opt.cohort.empty() && (!opt.model.empty() || !opt.old_model.empty() || opt.examples > 0)) {
    throw base::UsageError("--model, --old-model and --examples go with --cohort FILE");
  }
  const auto before = load_checked_rules({opt.old_rules}, "compared");
  const auto after = load_checked_rules({opt.new_rules}, "compared");
  const engine::RuleSetDiff d = engine::diff_rule_sets(*before, *after, opt.purpose);
  const std::string from = engine::rules_sha256(*before), to = engine::rules_sha256(*after);
  std::optional<engine::ImpactReport> im;
  bool has_outcome = false;
  if (!opt.cohort.empty()) im = impact(opt, has_outcome);
  const engine::ImpactReport* r = im ? &*im : nullptr;
  std::string text = opt.format == "json" ? as_json(d, from, to, r)
                     : opt.format == "md" ? as_markdown(opt, d, from, to) +
                                                (r ? "\n```text" + impact_text(*r) + "```\n" : "")
                                          : as_text(opt, d, from, to) + (r ? impact_text(*r) : "");
  write_text_output(opt.output, text);
  return d.needs_approval() ? kExitFindings : kExitOk;
}

}  // namespace

void setup_diff(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<DiffOptions>();
  CLI::App* sub =
      app.add_subcommand("diff", "what changed between two rule sets, in a reviewer's terms");
  sub->add_option("OLD", opt->old_rules, "the rule set in use (a directory or file)")->required();
  sub->add_option("NEW", opt->new_rules, "the proposed rule set")->required();
  sub->add_option("--purpose", opt->purpose, "compare this purpose only (default: every one)");
  sub->add_option("--format", opt->format, "text, json or md")
      ->check(CLI::IsMember({"text", "json", "md"}));
  sub->add_option("-o,--output", opt->output, "where to write it (default: standard output)");
  sub->add_option("--cohort", opt->cohort,
                  "assess this cohort under both versions and report whom the change moves");
  sub->add_option("--model", opt->model, "the model (of the new version, and the old one's too)");
  sub->add_option("--old-model", opt->old_model, "the old version's model, when it differs");
  sub->add_option("--examples", opt->examples,
                  "pseudonymous examples per movement (needs the key)");
  sub->add_option("--capacity", opt->capacity, "percent of the cohort a service can see (10)")
      ->check(CLI::Range(0.1, 100.0));
  sub->add_option("--target", opt->target, "the outcome column, when the cohort has outcomes");
  sub->add_option("--today", opt->today, "assess as of this day (YYYY-MM-DD)");
  sub->add_option("--id-key-file", opt->id_key_file, "the pseudonym key (or SKON_ID_KEY)");
  sub->footer(
      "Exit 1 when anything needs approval (a wider use of data, a weaker safeguard), 0 when "
      "every change is informational.");
  sub->callback([opt, &table] { table.selected = [opt] { return run_diff(*opt); }; });
}

}  // namespace skon::cli
