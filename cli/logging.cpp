#include "logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace skon::cli {

void configure_logging(const std::string& level, bool quiet) {
  auto logger = spdlog::stderr_color_st("skon");
  logger->set_pattern("skon: %^%l%$: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(quiet ? spdlog::level::err : spdlog::level::from_str(level));
}

}  // namespace skon::cli
