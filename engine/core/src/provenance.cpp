#include "skon/core/provenance.hpp"

#include <algorithm>
#include <filesystem>

#include "skon/base/sha256.hpp"

namespace skon::engine {

std::vector<std::string> rule_file_names(const dsl::Program& p) {
  std::vector<std::filesystem::path> paths;
  for (std::size_t i = 0; i < p.sources.size(); ++i) {
    std::error_code ec;
    const std::string& name = p.sources.file(static_cast<dsl::FileId>(i)).name();
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(name, ec);
    paths.push_back(ec ? std::filesystem::path(name) : canonical);
  }
  std::filesystem::path root = paths.empty() ? std::filesystem::path() : paths[0].parent_path();
  const auto inside = [](const std::filesystem::path& path, const std::filesystem::path& folder) {
    const std::filesystem::path relative = path.lexically_relative(folder);
    return !relative.empty() && *relative.begin() != "..";
  };
  for (const auto& path : paths) {
    while (!root.empty() && root != root.parent_path() && !inside(path, root)) {
      root = root.parent_path();
    }
  }
  std::vector<std::string> names;
  for (const auto& path : paths) {
    const std::filesystem::path relative = root.empty() ? path : path.lexically_relative(root);
    names.push_back(relative.empty() ? path.generic_string() : relative.generic_string());
  }
  return names;
}

std::vector<RuleFile> rule_files(const dsl::Program& program) {
  const std::vector<std::string> names = rule_file_names(program);
  std::vector<RuleFile> files;
  for (std::size_t i = 0; i < names.size(); ++i) {
    files.push_back(
        {names[i], base::sha256_hex(program.sources.file(static_cast<dsl::FileId>(i)).text())});
  }
  std::sort(files.begin(), files.end(),
            [](const RuleFile& a, const RuleFile& b) { return a.name < b.name; });
  return files;
}

std::string rules_sha256(const dsl::Program& program) {
  std::string all;
  for (const RuleFile& f : rule_files(program)) all += f.sha256 + "  " + f.name + "\n";
  return base::sha256_hex(all);
}

}  // namespace skon::engine
