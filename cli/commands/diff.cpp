// skon diff OLD NEW — what changed between two rule sets, in a legal reviewer's terms (the engine's
// rule_diff), as text, JSON or Markdown; exit 1 when anything needs approval, so a municipality's
// CI can hold a change for review.

#include <algorithm>
#include <cstdio>
#include <optional>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/provenance.hpp"
#include "skon/core/rule_diff.hpp"
#include "skon/documents/diff_document.hpp"
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

int run_diff(const DiffOptions& opt) {
  if (opt.cohort.empty() && (!opt.model.empty() || !opt.old_model.empty() || opt.examples > 0)) {
    throw base::UsageError("--model, --old-model and --examples go with --cohort FILE");
  }
  const auto before = load_checked_rules({opt.old_rules}, "compared");
  const auto after = load_checked_rules({opt.new_rules}, "compared");
  const engine::RuleSetDiff d = engine::diff_rule_sets(*before, *after, opt.purpose);
  const engine::DiffNames names{opt.old_rules, opt.new_rules, engine::rules_sha256(*before),
                                engine::rules_sha256(*after)};
  std::optional<engine::ImpactReport> im;
  bool has_outcome = false;
  if (!opt.cohort.empty()) im = impact(opt, has_outcome);
  write_text_output(opt.output, engine::render_diff(names, d, im ? &*im : nullptr, opt.format));
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
