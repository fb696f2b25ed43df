#pragma once

// The documents' JSON as values, for the documents that build on one another (the report holds
// the patterns; the report's HTML is drawn from its JSON). Public headers give JSON as text only.

#include <nlohmann/json.hpp>

#include "skon/documents/compare_document.hpp"
#include "skon/documents/monitor_document.hpp"
#include "skon/documents/patterns_document.hpp"
#include "skon/documents/report.hpp"

namespace skon::engine {

nlohmann::ordered_json compare_json_value(const CompareResult& result);
nlohmann::ordered_json monitor_json_value(const MonitorResult& result);
nlohmann::ordered_json patterns_json_value(const PatternsResult& result);
nlohmann::ordered_json report_json_value(const ReportInputs& in);

}  // namespace skon::engine
