#include "skon/engine/approvals.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "skon/engine/provenance.hpp"

namespace skon::engine {

Approval describe_approval(const dsl::Program& program, dsl::Index purpose,
                           const std::string& model_sha256, const std::string& role,
                           const std::string& note) {
  Approval a;
  a.purpose = program.purposes[purpose].name;
  a.role = role;
  a.note = note;
  a.rules_sha256 = rules_sha256(program);
  a.rule_files = rule_files(program);
  a.model_sha256 = model_sha256;
  return a;
}

std::optional<std::string> missing_approvals(const AuditLog& log, const dsl::Program& program,
                                             dsl::Index purpose, const std::string& model_sha256) {
  const dsl::PurposeInfo& p = program.purposes[purpose];
  if (p.approvers.empty()) return std::nullopt;
  const std::string rules = rules_sha256(program);
  const std::vector<RuleFile> files = rule_files(program);
  // Per role: whether these hashes are approved, and its latest approval otherwise.
  std::map<std::string, bool> approved;
  std::map<std::string, nlohmann::json> latest;
  log.rows("approval", "", "", [&](const StoredRow& s) {
    if (s.purged) return;
    const auto j = nlohmann::json::parse(s.row.body, nullptr, false);
    if (!j.is_object() || j.value("purpose", "") != p.name) return;
    const std::string role = j.value("role", "");
    const std::string model =
        j["model_sha256"].is_string() ? j["model_sha256"].get<std::string>() : std::string();
    if (j.value("rules_sha256", "") == rules && model == model_sha256) approved[role] = true;
    latest[role] = j;
  });
  std::string why;
  for (dsl::Index r : p.approvers) {
    const std::string& role = program.roles[r];
    if (approved[role]) continue;
    why += "\n  - no approval by " + role + " covers them";
    const auto it = latest.find(role);
    if (it == latest.end()) {
      why += " (" + role + " has approved no version of purpose " + p.name + ")";
      continue;
    }
    const nlohmann::json& last = it->second;
    std::map<std::string, std::string> before;
    for (const auto& f : last["rule_files"]) before[f.value("name", "")] = f.value("sha256", "");
    std::string changed;
    for (const RuleFile& f : files) {
      const auto b = before.find(f.name);
      if (b == before.end()) {
        changed += (changed.empty() ? "" : ", ") + f.name + " (added)";
      } else if (b->second != f.sha256) {
        changed += (changed.empty() ? "" : ", ") + f.name + " (changed)";
      }
      if (b != before.end()) before.erase(b);
    }
    for (const auto& [name, hash] : before)
      changed += (changed.empty() ? "" : ", ") + name + " (removed)";
    const std::string last_model =
        last["model_sha256"].is_string() ? last["model_sha256"].get<std::string>() : "";
    if (last_model != model_sha256) {
      changed += (changed.empty() ? "" : ", ") + std::string("the model");
    }
    why += "; since its last approval (" + last.value("time", "") + ", by " + last.value("by", "") +
           "): " + (changed.empty() ? "nothing in the files" : changed);
  }
  if (why.empty()) return std::nullopt;
  return "purpose " + p.name + " requires approval of its rule set (sha256 " + rules.substr(0, 12) +
         "…)" +
         (model_sha256.empty() ? std::string()
                               : " and model (" + model_sha256.substr(0, 12) + "…)") +
         ":" + why + "\n  record it with: skon approve --rules ... --purpose " + p.name +
         (model_sha256.empty() ? "" : " --model ...") + " --by NAME --role ROLE";
}

}  // namespace skon::engine
