#pragma once

// The run manifest (OUT.run.json beside the output): what a run used and produced, once, instead
// of in every record. Its JSON is described in docs/assessment.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skon/core/provenance.hpp"

namespace skon::engine {

// The version of the assessment records' format (docs/assessment.schema.json) and the manifest's.
inline constexpr const char* kAssessmentSchemaVersion = "3.0";

struct RunManifest {
  std::string run_id;
  std::string skon_version;
  std::string purpose, purpose_label;
  std::string assessment_date;  // YYYY-MM-DD
  bool replay = false;          // the date was given, not today's
  std::string rules_sha256;
  std::vector<RuleFile> rule_files;
  std::optional<std::string> model_sha256;
  std::optional<double> base_rate;  // the model's training outcome rate
  std::optional<double>
      baseline;  // log-odds of an average young person (what contributions add to)
  std::optional<std::string> score_field;  // `score from`: the field the probability is read from
  std::string input_sha256;
  std::string input_format;                    // csv, jsonl
  std::string output_format;                   // jsonl, csv
  std::map<std::string, std::string> options;  // every option that changes results
  struct Counts {
    std::size_t records = 0, assessed = 0, insufficient_data = 0, review_required = 0, rejected = 0;
    std::map<std::string, std::size_t> levels;  // by level name
  } counts;
  std::string started, ended;  // ISO 8601 UTC
  struct Level {
    std::string name, label;
    std::optional<std::string> guidance;
  };
  std::vector<Level> levels;
  struct Rule {
    std::string name, label, file;
    std::size_t line = 0;
    bool in_effect = true;  // on the assessment date (a rule's own `effective` period)
  };
  std::vector<Rule> rules;  // the purpose's rules, in evaluation order (what flags name)
  struct Field {
    std::string name, label, source;
    std::string column;  // the input column it was read from
  };
  std::vector<Field> fields;  // the fields the purpose reads (what contributions and gaps name)
  struct Trigger {
    std::string id, reason;
  };
  std::vector<Trigger> review_triggers;  // the purpose's triggers, in order
};

// The manifest as JSON text (fixed key order, one key per line).
std::string manifest_json(const RunManifest& manifest);

}  // namespace skon::engine
