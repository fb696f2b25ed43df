#pragma once

// The audit log's place on the command line: --audit PATH, else $SKON_AUDIT, else
// skon-audit.sqlite beside the output (or in the current folder for standard output).

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "skon/audit/audit_log.hpp"

namespace skon::cli {

struct AuditOption {
  std::string path;
  void add_to(CLI::App& sub);
  // The log's path for a command that writes `output` ("" or "-": none).
  std::string resolve(const std::string& output = "") const;
  // Opens it; `create` for commands that append.
  std::unique_ptr<engine::AuditLog> open(const std::string& output, bool create) const;
};

inline constexpr const char* kDefaultAuditName = "skon-audit.sqlite";

// The current time as the log writes it (ISO 8601 UTC, seconds).
std::string audit_now();

}  // namespace skon::cli
