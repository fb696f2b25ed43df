// skon doc — the legal reviewer's document, generated from the rule files (the engine's
// rule_document), as Markdown or one self-contained HTML file, in Danish or English; with
// --audit, the approvals recorded for exactly this version of the rules.

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "exit_codes.hpp"
#include "run_inputs.hpp"
#include "skon/audit/audit_log.hpp"
#include "skon/base/clock.hpp"
#include "skon/base/date.hpp"
#include "skon/base/errors.hpp"
#include "skon/core/provenance.hpp"
#include "skon/documents/rule_document.hpp"
#include "text_output.hpp"

namespace skon::cli {
namespace {

struct DocOptions {
  std::vector<std::string> rules;
  std::string output;
  std::string format;  // md or html; default from the output's extension
  std::string lang = "da";
  std::string audit;
  std::string today;
};

// The status date: --today, else SOURCE_DATE_EPOCH (reproducible builds of the document), else
// the clock.
std::int32_t status_date(const std::string& today) {
  if (!today.empty()) {
    const auto d = base::parse_iso_date(today);
    if (!d) throw base::UsageError("--today: '" + today + "' is not a date; give YYYY-MM-DD");
    return *d;
  }
  return base::output_clock().today();
}

int run_doc(const DocOptions& opt) {
  const std::string format =
      !opt.format.empty() ? opt.format
      : opt.output.size() > 5 && opt.output.compare(opt.output.size() - 5, 5, ".html") == 0 ? "html"
                                                                                            : "md";
  const auto program = load_checked_rules(opt.rules, "documented");
  engine::RuleDocOptions o;
  o.language = *engine::parse_language(opt.lang);  // da or en (checked by CLI11)
  o.today = status_date(opt.today);
  if (!opt.audit.empty()) {
    o.with_approvals = true;
    o.audit_path = opt.audit;
    const auto log = engine::AuditLog::open(opt.audit, /*create=*/false);
    const std::string hash = engine::rules_sha256(*program);
    log->rows("approval", "", "", [&](const engine::StoredRow& s) {
      if (s.purged) return;
      const auto j = nlohmann::json::parse(s.row.body, nullptr, false);
      if (!j.is_object() || j.value("rules_sha256", "") != hash) return;
      o.approvals.push_back(
          {j.value("purpose", ""), j.value("role", ""), j.value("by", ""), s.row.time,
           j["model_sha256"].is_string() ? j["model_sha256"].get<std::string>() : "",
           j.value("note", "")});
    });
  }
  const engine::Document doc = engine::rule_document(*program, o);
  write_text_output(opt.output,
                    format == "html" ? engine::render_html(doc) : engine::render_markdown(doc));
  return kExitOk;
}

}  // namespace

void setup_doc(CLI::App& app, CommandTable& table) {
  auto opt = std::make_shared<DocOptions>();
  CLI::App* sub =
      app.add_subcommand("doc", "the legal reviewer's document generated from the rule files");
  sub->add_option("--rules", opt->rules, "rule files or directories")->required();
  sub->add_option("-o,--output", opt->output, "the document (.html or .md; - for stdout)")
      ->required();
  sub->add_option("--format", opt->format, "md or html (default: from the file's extension)")
      ->check(CLI::IsMember({"md", "html"}));
  sub->add_option("--lang", opt->lang, "da (default) or en")->check(CLI::IsMember({"da", "en"}));
  sub->add_option("--audit", opt->audit, "an audit log: show the approvals of this version");
  sub->add_option("--today", opt->today, "the date the status is given for (YYYY-MM-DD)");
  sub->callback([opt, &table] { table.selected = [opt] { return run_doc(*opt); }; });
}

}  // namespace skon::cli
