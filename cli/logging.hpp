#pragma once

#include <string>

namespace skon::cli {

// Configures spdlog once for the process: logs go to stderr (stdout carries results only),
// without record values or identifiers. `level` is one of trace, debug, info, warn, error, off.
void configure_logging(const std::string& level, bool quiet);

}  // namespace skon::cli
