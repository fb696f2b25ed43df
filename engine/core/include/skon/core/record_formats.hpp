#pragma once

// Assessment records as text: JSON Lines (docs/assessment.schema.json, schema 3.0) and a flat CSV
// summary. A record carries what is particular to the person; what a whole run shares (rule and
// field descriptions, guidance per level, hashes) is in its manifest, named by "run".
// A formatter belongs to one thread (it caches formatted numbers).

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "skon/core/assessor.hpp"
#include "skon/core/json_text.hpp"
#include "skon/core/manifest.hpp"

namespace skon::engine {

class JsonRecordFormatter {
 public:
  // Records name `run`'s id; a replay's records also say the day they were assessed as of.
  JsonRecordFormatter(const Assessor& assessor, const RunManifest& run, std::size_t top);
  // Appends one JSON object and '\n'.
  void append(const Assessment& a, std::string& out);

 private:
  void append_reason(detail::TextWriter& out, const PurposeOutcome& o, const ReviewReason& r);

  const Assessor& assessor_;
  std::size_t top_;
  std::string run_json_;                       // ,"run":"..."
  std::vector<std::string> rule_json_;         // quoted rule names
  std::vector<std::string> level_json_;        // quoted level names
  std::vector<std::string> field_json_;        // quoted field names
  std::vector<std::string> rule_reason_json_;  // per rule: its `require review` reason, quoted
  std::vector<std::array<std::string, 3>> trigger_reason_json_;
  std::string scratch_;  // one record's text, written in place before it is appended  // per
                         // trigger: decided, missing data, no value; quoted
};

class CsvRecordFormatter {
 public:
  CsvRecordFormatter(const Assessor& assessor, const RunManifest& run);
  static std::string header();
  void append(const Assessment& a, std::string& out);

 private:
  const Assessor& assessor_;
  std::string run_id_;
  std::string as_of_;  // a replay's date, else empty
};

}  // namespace skon::engine
