// skon review record — a professional's decision on one assessment, chained into the audit log;
// skon approve — a role's approval of a purpose's rule set (and model), which `skon assess`
// requires when the purpose says `requires approval by ...`.

#include <cstdio>
#include <memory>

#include "audit_options.hpp"
#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/audit/decisions.hpp"
#include "skon/base/errors.hpp"
#include "skon/models/model.hpp"

namespace skon::cli {
namespace {

struct ReviewOptions {
  AuditOption audit;
  std::string run, person, decision, by, note;
};

int run_record(const ReviewOptions& opt) {
  engine::DecisionRecord d{
      opt.run, opt.person, engine::Decision::Agree, {opt.by, engine::current_os_user()}, opt.note};
  if (opt.decision == "disagree") d.decision = engine::Decision::Disagree;
  if (opt.decision == "needs-information") d.decision = engine::Decision::NeedsInformation;
  engine::check_decision(d);
  const auto log = opt.audit.open("", /*create=*/false);
  const std::int64_t seq = engine::record_decision(*log, d, audit_now());
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
  engine::ApprovalRecord a;
  a.purpose = find_purpose(*program, opt.purpose);
  a.role = opt.role;
  a.by = {opt.by, engine::current_os_user()};
  a.note = opt.note;
  std::unique_ptr<models::LogisticModel> model;
  if (!opt.model.empty()) {
    model = std::make_unique<models::LogisticModel>(models::load_model(opt.model, &a.model_sha256));
    a.model = model.get();
  }
  engine::check_approval(*program, a);  // before the log exists: a refused approval makes none
  const auto log = opt.audit.open("", /*create=*/true);
  const std::int64_t seq = engine::record_approval(*log, *program, a, audit_now());
  std::fprintf(stderr, "skon approve: %s approved purpose %s as %s (row %lld of %s)\n",
               opt.by.c_str(), program->purposes[a.purpose].name.c_str(), opt.role.c_str(),
               static_cast<long long>(seq), log->path().c_str());
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
