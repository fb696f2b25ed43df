#include "skon/core/manifest.hpp"

#include <cmath>
#include <cstdlib>
#include <ctime>

#include "skon/core/json_text.hpp"

namespace skon::engine {

using detail::append_json_number;
using detail::append_json_string;

namespace {

// Writes JSON with two-space indentation and one key per line, in the order keys are added.
class JsonWriter {
 public:
  std::string take() { return std::move(out_) + "\n"; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ": ";
    after_key_ = true;
  }
  void string(std::string_view s) {
    separate();
    append_json_string(out_, s);
  }
  void number(double v) {
    separate();
    append_json_number(out_, v);
  }
  void boolean(bool b) {
    separate();
    out_ += b ? "true" : "false";
  }
  void null() {
    separate();
    out_ += "null";
  }
  void optional_string(const std::optional<std::string>& s) {
    if (s) {
      string(*s);
    } else {
      null();
    }
  }

 private:
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
      newline();
    }
  }
  void open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += c;
  }
  void newline() {
    out_ += '\n';
    out_.append(2 * first_.size(), ' ');
  }

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace

std::string manifest_json(const RunManifest& m) {
  JsonWriter j;
  j.begin_object();
  j.key("format");
  j.string("skon.run");
  j.key("schema_version");
  j.string(kAssessmentSchemaVersion);
  j.key("run");
  j.string(m.run_id);
  j.key("skon_version");
  j.string(m.skon_version);
  j.key("purpose");
  j.string(m.purpose);
  j.key("purpose_label");
  j.string(m.purpose_label);
  j.key("assessment_date");
  j.string(m.assessment_date);
  j.key("replay");
  j.boolean(m.replay);
  j.key("rules");
  j.begin_object();
  j.key("sha256");
  j.string(m.rules_sha256);
  j.key("files");
  j.begin_array();
  for (const RuleFile& f : m.rule_files) {
    j.begin_object();
    j.key("name");
    j.string(f.name);
    j.key("sha256");
    j.string(f.sha256);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.key("model");
  if (m.model_sha256) {
    j.begin_object();
    j.key("sha256");
    j.string(*m.model_sha256);
    j.key("base_rate");
    j.number(m.base_rate.value_or(0));
    j.key("baseline_log_odds");  // rounded as records write contributions: to 1e-6
    j.number(std::round(m.baseline.value_or(0) * 1e6) / 1e6);
    j.end_object();
  } else {
    j.null();
  }
  if (m.score_field) {  // the probability came from the data, not a model
    j.key("score_from");
    j.string(*m.score_field);
  }
  j.key("input");
  j.begin_object();
  j.key("sha256");
  j.string(m.input_sha256);
  j.key("format");
  j.string(m.input_format);
  j.end_object();
  j.key("output_format");
  j.string(m.output_format);
  j.key("options");
  j.begin_object();
  for (const auto& [k, v] : m.options) {
    j.key(k);
    j.string(v);
  }
  j.end_object();
  j.key("counts");
  j.begin_object();
  j.key("records");
  j.number(static_cast<double>(m.counts.records));
  j.key("assessed");
  j.number(static_cast<double>(m.counts.assessed));
  j.key("insufficient_data");
  j.number(static_cast<double>(m.counts.insufficient_data));
  j.key("review_required");
  j.number(static_cast<double>(m.counts.review_required));
  j.key("rejected");
  j.number(static_cast<double>(m.counts.rejected));
  j.key("levels");
  j.begin_object();
  for (const RunManifest::Level& l : m.levels) {
    j.key(l.name);
    const auto it = m.counts.levels.find(l.name);
    j.number(it == m.counts.levels.end() ? 0.0 : static_cast<double>(it->second));
  }
  j.end_object();
  j.end_object();
  j.key("started");
  j.string(m.started);
  j.key("ended");
  j.string(m.ended);
  j.key("levels");
  j.begin_array();
  for (const RunManifest::Level& l : m.levels) {
    j.begin_object();
    j.key("name");
    j.string(l.name);
    j.key("label");
    j.string(l.label);
    j.key("guidance");
    j.optional_string(l.guidance);
    j.end_object();
  }
  j.end_array();
  j.key("rules_used");
  j.begin_array();
  for (const RunManifest::Rule& r : m.rules) {
    j.begin_object();
    j.key("name");
    j.string(r.name);
    j.key("label");
    j.string(r.label);
    j.key("file");
    j.string(r.file);
    j.key("line");
    j.number(static_cast<double>(r.line));
    j.key("in_effect");
    j.boolean(r.in_effect);
    j.end_object();
  }
  j.end_array();
  j.key("fields_read");
  j.begin_array();
  for (const RunManifest::Field& f : m.fields) {
    j.begin_object();
    j.key("name");
    j.string(f.name);
    j.key("label");
    j.string(f.label);
    j.key("source");
    j.string(f.source);
    j.key("column");
    j.string(f.column);
    j.end_object();
  }
  j.end_array();
  j.key("review_triggers");
  j.begin_array();
  for (const RunManifest::Trigger& t : m.review_triggers) {
    j.begin_object();
    j.key("id");
    j.string(t.id);
    j.key("reason");
    j.string(t.reason);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.take();
}

}  // namespace skon::engine
