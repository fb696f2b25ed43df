#include "skon/audit/audit_rows.hpp"

#include <pwd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "skon/base/sha256.hpp"
#include "skon/core/outcome.hpp"

namespace skon::engine {
namespace {

nlohmann::ordered_json manifest_object(const RunManifest& m) {
  return nlohmann::ordered_json::parse(manifest_json(m));
}

}  // namespace

std::string current_os_user() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  return "uid " + std::to_string(::geteuid());
}

namespace {

// A row whose body starts with its searchable columns (those that are set) and goes on with
// `fields`, in order.
AuditRow json_row(const std::string& kind, const std::string& time, const std::string& run,
                  const std::string& person, const nlohmann::ordered_json& fields) {
  nlohmann::ordered_json j;
  j["kind"] = kind;
  j["time"] = time;
  if (!run.empty()) j["run"] = run;
  if (!person.empty()) j["person"] = person;
  for (const auto& [key, value] : fields.items()) j[key] = value;
  AuditRow r;
  r.kind = kind;
  r.time = time;
  r.run = run;
  r.person = person;
  r.body = j.dump();
  return r;
}

}  // namespace

AuditRow audit_run_row(const RunManifest& started, const Actor& by, int retention_months) {
  return json_row("run", started.started, started.run_id, "",
                  {{"operator", by.name},
                   {"os_user", by.os_user},
                   {"retention_months", retention_months},
                   {"manifest", manifest_object(started)}});
}

AuditRow audit_run_end_row(const RunManifest& ended) {
  return json_row("run_end", ended.ended, ended.run_id, "",
                  {{"complete", true}, {"manifest", manifest_object(ended)}});
}

void start_assessment_batch(const RunManifest& run, AuditRow& batch) {
  batch.kind = "assessments";
  batch.time = run.started;
  batch.run = run.run_id;
  batch.person.clear();
  batch.review = 0;
  batch.body.clear();
  batch.body.reserve(128 * 1024);  // a batch of 1,024 lines of ~110 bytes, without regrowing
  batch.digest = Digest{};
}

void add_assessment(const Assessor& assessor, const Assessment& a, std::string_view person,
                    std::string_view record, AuditRow& batch) {
  const dsl::Program& p = assessor.program();
  const PurposeOutcome& o = a.outcome;
  unsigned char record_hash[32];
  base::sha256_into(record, record_hash);
  // PSEUDONYM \t LEVEL \t REVIEW \t REASON,IDS \t RECORD_SHA256 \n — names, ids and hex only.
  std::string& b = batch.body;
  b += person;
  b += '\t';
  if (!o.insufficient_data) b += p.levels[o.level];
  b += o.review_required ? "\t1\t" : "\t0\t";
  for (std::size_t i = 0; i < o.review_reasons.size(); ++i) {
    if (i) b += ',';
    b += review_reason_id(p, assessor.purpose(), o.review_reasons[i]);
  }
  b += '\t';
  base::append_hex(record_hash, sizeof record_hash, b);
  b += '\n';
  batch.review += o.review_required ? 1 : 0;
}

void seal_assessment_batch(AuditRow& batch) {
  batch.digest = row_digest(batch);
}

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::Agree:
      return "agree";
    case Decision::Disagree:
      return "disagree";
    case Decision::NeedsInformation:
      return "needs-information";
  }
  return "";
}

AuditRow audit_decision_row(const std::string& run, const std::string& person, Decision d,
                            const Actor& by, const std::string& note, const std::string& now) {
  return json_row(
      "decision", now, run, person,
      {{"decision", decision_name(d)}, {"by", by.name}, {"os_user", by.os_user}, {"note", note}});
}

AuditRow audit_approval_row(const Approval& a, const Actor& by, const std::string& now) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const RuleFile& f : a.rule_files) files.push_back({{"name", f.name}, {"sha256", f.sha256}});
  nlohmann::ordered_json texts = nlohmann::ordered_json::array();
  for (const auto& [name, text] : a.rule_texts) texts.push_back({{"name", name}, {"text", text}});
  return json_row(
      "approval", now, "", "",
      {{"purpose", a.purpose},
       {"role", a.role},
       {"by", by.name},
       {"os_user", by.os_user},
       {"note", a.note},
       {"rules_sha256", a.rules_sha256},
       {"rule_files", files},
       {"rule_texts", texts},
       {"model_sha256", a.model_sha256.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(a.model_sha256)}});
}

}  // namespace skon::engine
