// skon review record — a professional's decision on one assessment, chained into the audit log;
// skon approve — a role's approval of a purpose's rule set (and model), which `skon assess`
// requires when the purpose says `requires approval by ...`.

#include <cstdio>
#include <memory>

#include "audit_options.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/audit/approvals.hpp"
#include "skon/audit/audit_rows.hpp"
#include "skon/base/errors.hpp"
#include "skon/models/model.hpp"

namespace skon::cli {
namespace {

struct ReviewOptions {
  AuditOption audit;
  std::string run, person, decision, by, note;
};

int run_record(const ReviewOptions& opt) {
  engine::Decision d = engine::Decision::Agree;
  if (opt.decision == "disagree") d = engine::Decision::Disagree;
  if (opt.decision == "needs-information") d = engine::Decision::NeedsInformation;
  if (d == engine::Decision::Disagree && opt.note.find_first_not_of(" \t\n") == std::string::npos) {
    throw base::UsageError("a disagreement needs its reason: give --note \"...\"");
  }
  if (opt.by.find_first_not_of(" \t") == std::string::npos) {
    throw base::UsageError("--by names who decided");
  }
  const auto log = opt.audit.open("", /*create=*/false);
  if (!log->has_assessment(opt.run, opt.person)) {
    throw base::InputError("the audit log " + log->path() + " has no assessment of person " +
                           opt.person + " in run " + opt.run + "; nothing was recorded");
  }
  std::vector<engine::AuditRow> row{engine::audit_decision_row(
      opt.run, opt.person, d, {opt.by, engine::current_os_user()}, opt.note, audit_now())};
  const std::int64_t seq = log->append(row);
  std::fprintf(stderr, "skon review: %s by %s recorded as row %lld of %s\n", opt.decision.c_str(),
               opt.by.c_str(), static_cast<long long>(seq), log->path().c_str());
  return kExitOk;
}

struct ApproveOptions {
  AuditOption audit;
  std::vector<std::string> rules;
  std::string purpose, model, by, role, note;
};

int run_approve(const ApproveOptions& opt) {
  const auto program = load_checked_rules(opt.rules, "approved");
  const dsl::Index pi = find_purpose(*program, opt.purpose);
  const dsl::PurposeInfo& p = program->purposes[pi];
  const dsl::Index role = [&] {
    for (dsl::Index r = 0; r < program->roles.size(); ++r) {
      if (program->roles[r] == opt.role) return r;
    }
    return dsl::kNone;
  }();
  if (role == dsl::kNone) {
    throw base::UsageError("--role " + opt.role + " is no role of the rule set");
  }
  if (!p.approvers.empty() &&
      std::find(p.approvers.begin(), p.approvers.end(), role) == p.approvers.end()) {
    throw base::UsageError("purpose " + p.name + " does not ask " + opt.role +
                           " for approval (see its `requires approval by`)");
  }
  std::string model_sha;
  if (!opt.model.empty()) {
    const auto model = models::load_model(opt.model, &model_sha);
    if (model.purpose != p.name) {
      throw base::InputError("the model was trained for purpose " + model.purpose + ", not " +
                             p.name);
    }
  } else if (!p.features.empty()) {
    throw base::UsageError("purpose " + p.name + " has a model: approve it too (--model)");
  }
  const auto log = opt.audit.open("", /*create=*/true);
  std::vector<engine::AuditRow> row{engine::audit_approval_row(
      engine::describe_approval(*program, pi, model_sha, opt.role, opt.note),
      {opt.by, engine::current_os_user()}, audit_now())};
  const std::int64_t seq = log->append(row);
  std::fprintf(stderr, "skon approve: %s approved purpose %s as %s (row %lld of %s)\n",
               opt.by.c_str(), p.name.c_str(), opt.role.c_str(), static_cast<long long>(seq),
               log->path().c_str());
  return kExitOk;
}

}  // namespace

void setup_review(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<ReviewOptions>();
  CLI::App* review =
      app.add_subcommand("review", "record a professional's decision on an assessment");
  review->require_subcommand(1);
  CLI::App* record = review->add_subcommand("record", "append a decision to the audit log");
  opt->audit.add_to(*record);
  record->add_option("--run", opt->run, "the run that assessed the person")->required();
  record->add_option("--person", opt->person, "the person's pseudonymous id")->required();
  record->add_option("--decision", opt->decision, "agree, disagree or needs-information")
      ->required()
      ->check(CLI::IsMember({"agree", "disagree", "needs-information"}));
  record->add_option("--by", opt->by, "who decided (name and role)")->required();
  record->add_option("--note", opt->note, "why; required with disagree");
  record->callback([opt, &table] { table.selected = [opt] { return run_record(*opt); }; });

  auto ap = std::make_shared<ApproveOptions>();
  CLI::App* approve =
      app.add_subcommand("approve", "record an approval of a purpose's rule set and model");
  ap->audit.add_to(*approve);
  approve->add_option("--rules", ap->rules, "rule files or directories")->required();
  approve->add_option("--purpose", ap->purpose, "the purpose approved")->required();
  approve->add_option("--model", ap->model, "the model file approved with it");
  approve->add_option("--by", ap->by, "who approves")->required();
  approve->add_option("--role", ap->role, "as which of the purpose's approving roles")->required();
  approve->add_option("--note", ap->note, "a reference, e.g. the case number");
  approve->callback([ap, &table] { table.selected = [ap] { return run_approve(*ap); }; });
}

}  // namespace skon::cli
