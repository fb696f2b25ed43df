#pragma once

// What `skon monitor` shows: its result as text and JSON.

#include <nlohmann/json.hpp>
#include <string>

#include "skon/studies/monitor.hpp"

namespace skon::engine {

nlohmann::ordered_json monitor_json(const MonitorResult& result);
std::string monitor_text(const MonitorResult& result);

}  // namespace skon::engine
