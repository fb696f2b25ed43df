#include "skon/engine/audit_rows.hpp"

#include <openssl/sha.h>
#include <pwd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "skon/engine/outcome.hpp"

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

void audit_assessment_row(const Assessor& assessor, const Assessment& a, std::string_view person,
                          std::string_view record, const RunManifest& run, AuditRow& out) {
  const dsl::Program& p = assessor.program();
  const PurposeOutcome& o = a.outcome;
  Digest record_hash{};
  SHA256(reinterpret_cast<const unsigned char*>(record.data()), record.size(), record_hash.data());
  out.kind = "assessment";
  out.time = run.started;
  out.run = run.run_id;
  out.person.assign(person);
  out.review = o.review_required ? 1 : 0;
  // The rest of the content (kind, time, run, person and review are columns, covered by the
  // digest). Names, ids and hex only: nothing here needs JSON escaping.
  std::string& b = out.body;
  b.assign(o.insufficient_data ? "{\"outcome\":\"insufficient_data\",\"level\":null"
                               : "{\"outcome\":\"assessed\",\"level\":\"");
  if (!o.insufficient_data) {
    b += p.levels[o.level];
    b += '"';
  }
  b += ",\"review_ids\":[";
  for (std::size_t i = 0; i < o.review_reasons.size(); ++i) {
    if (i) b += ',';
    b += '"';
    b += review_reason_id(p, assessor.purpose(), o.review_reasons[i]);
    b += '"';
  }
  b += "],\"record_sha256\":\"";
  b += to_hex(record_hash);
  b += "\"}";
  out.digest = row_digest(out);
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
  return json_row(
      "approval", now, "", "",
      {{"purpose", a.purpose},
       {"role", a.role},
       {"by", by.name},
       {"os_user", by.os_user},
       {"note", a.note},
       {"rules_sha256", a.rules_sha256},
       {"rule_files", files},
       {"model_sha256", a.model_sha256.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(a.model_sha256)}});
}

}  // namespace skon::engine
