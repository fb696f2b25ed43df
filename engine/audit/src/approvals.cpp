#include "skon/audit/approvals.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "skon/core/provenance.hpp"
#include "skon/core/rule_diff.hpp"

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
  const std::vector<std::string> names = rule_file_names(program);
  for (std::size_t i = 0; i < names.size(); ++i) {
    a.rule_texts.emplace_back(names[i], program.sources.file(static_cast<dsl::FileId>(i)).text());
  }
  a.model_sha256 = model_sha256;
  return a;
}

namespace {

// The rule set an approval recorded, loaded and checked again from its texts (written to a
// private temporary folder; a name that would leave it is refused); null when it cannot be.
std::unique_ptr<dsl::Program> approved_program(const nlohmann::json& texts) {
  if (!texts.is_array() || texts.empty()) return nullptr;
  std::string pattern = (std::filesystem::temp_directory_path() / "skon-approved-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return nullptr;
  const std::filesystem::path dir = pattern;
  std::unique_ptr<dsl::Program> program;
  bool written = true;
  for (const auto& f : texts) {
    const std::filesystem::path name = f.value("name", "");
    const bool inside =
        !name.empty() && name.is_relative() &&
        std::none_of(name.begin(), name.end(),
                     [](const std::filesystem::path& part) { return part == ".."; });
    if (!inside || !f.contains("text") || !f["text"].is_string()) {
      written = false;
      break;
    }
    std::filesystem::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << f["text"].get<std::string>();
  }
  if (written) {
    dsl::DiagnosticBag bag;
    program = dsl::load_program({dir}, bag);
    if (!bag.has_errors()) dsl::check_program(*program, bag);
    if (bag.has_errors()) program.reset();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return program;
}

// What changed since an approved version, in a reviewer's terms (skon diff), as indented lines.
std::string changes_since(const nlohmann::json& approval, const dsl::Program& program,
                          const std::string& purpose) {
  const auto approved =
      approved_program(approval.contains("rule_texts") ? approval["rule_texts"] : nlohmann::json());
  if (!approved) return "";
  RuleSetDiff d;
  try {
    d = diff_rule_sets(*approved, program, purpose);
  } catch (const std::exception&) {
    return "";
  }
  std::string out;
  constexpr std::size_t kShown = 12;
  for (std::size_t i = 0; i < d.changes.size() && i < kShown; ++i) {
    const RuleSetChange& c = d.changes[i];
    out += "\n      " + c.scope + (c.subject.empty() ? "" : " · " + c.subject) + ": " + c.what +
           (c.needs_approval ? " (needs approval)" : "");
  }
  if (d.changes.size() > kShown) {
    out += "\n      … and " + std::to_string(d.changes.size() - kShown) +
           " more (skon diff shows them all)";
  }
  return out;
}

}  // namespace

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
           "): " + (changed.empty() ? "nothing in the files" : changed) +
           changes_since(last, program, p.name);
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
