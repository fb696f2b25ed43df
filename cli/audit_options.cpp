#include "audit_options.hpp"

#include <cstdlib>
#include <filesystem>

#include "skon/base/clock.hpp"
#include "skon/core/manifest.hpp"

namespace skon::cli {

void AuditOption::add_to(CLI::App& sub) {
  sub.add_option("--audit", path,
                 std::string("the audit log (default: $SKON_AUDIT, else ") + kDefaultAuditName +
                     " beside the output)");
}

std::string AuditOption::resolve(const std::string& output) const {
  if (!path.empty()) return path;
  if (const char* env = std::getenv("SKON_AUDIT"); env != nullptr && *env != '\0') return env;
  if (output.empty() || output == "-") return kDefaultAuditName;
  const auto dir = std::filesystem::path(output).parent_path();
  return (dir / kDefaultAuditName).string();
}

std::unique_ptr<engine::AuditLog> AuditOption::open(const std::string& output, bool create) const {
  return engine::AuditLog::open(resolve(output), create);
}

std::string audit_now() {
  return base::output_clock().timestamp();
}

}  // namespace skon::cli
