#pragma once

// What `skon monitor` shows: its result as text and JSON.

#include <string>

#include "skon/studies/monitor.hpp"

namespace skon::engine {

// As JSON text (indented, one trailing newline).
std::string monitor_json(const MonitorResult& result);
std::string monitor_text(const MonitorResult& result);

}  // namespace skon::engine
