#pragma once

// Assessment records as JSON Lines (docs/assessment.schema.json) and as a flat CSV summary.
// Hand-written for speed and a fixed key order: the same inputs give byte-identical output.

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "skon/engine/assessor.hpp"

namespace skon::engine {

struct Provenance {
  std::string rules_sha256;  // over every rule file (see rules_sha256())
  std::string model_sha256;  // "" without a model
  std::string input_sha256;
  std::string skon_version;
};

// SHA-256 over the rule set: the sorted SHA-256s of every file's bytes, so it does not depend on
// where the files are or how they were named on the command line.
std::string rules_sha256(const dsl::Program& program);

// Each rule file's name relative to the folder holding them all (indexed by FileId), so that what
// cites a rule does not depend on the working directory or where the rule set is checked out.
std::vector<std::string> rule_file_names(const dsl::Program& program);

class AssessmentWriter {
 public:
  AssessmentWriter(const Assessor& assessor, Provenance provenance, std::size_t top_contributions);

  // Appends one JSON object and '\n'.
  void jsonl(const Assessment& a, std::string& out) const;
  std::string csv_header() const;
  void csv(const Assessment& a, std::string& out) const;

 private:
  const Assessor& assessor_;
  std::size_t top_;
  std::string provenance_json_;             // the constant tail of every record
  std::vector<std::string> rule_json_;      // "rule":..,"label":..,"source":{..} per rule
  std::vector<std::string> level_json_;     // quoted level names
  std::vector<std::string> field_json_;     // "field":..,"source":.. per field
  std::vector<std::string> guidance_json_;  // the purpose's guidance per level, as JSON strings
  std::vector<std::string_view> guidance_text_;  // ... and the program's text it was made from
  std::string purpose_json_;
  std::string base_rate_json_;
  // The model's baseline, formatted once (a writer belongs to one thread, so this cache may change
  // under const).
  struct Cached {
    double value = std::nan("");
    std::string json;
  };
  mutable Cached baseline_;
  // Per field: contributions already formatted, by their bits (at most kContributionTexts each).
  static constexpr std::size_t kContributionTexts = 4096;
  mutable std::vector<std::unordered_map<std::uint64_t, std::string>> contribution_text_;
  void append_contribution(std::string& out, const Contribution& c) const;
};

// JSON string literal of `s` (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Shortest round-trip decimal, or null for NaN/Inf.
void append_json_number(std::string& out, double v);

}  // namespace skon::engine
