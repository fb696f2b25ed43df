#include "skon/engine/assessment_writer.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "skon/models/sha256.hpp"

namespace skon::engine {

namespace {
bool needs_escape(char c) {
  return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  // Runs of plain characters are copied at once: most texts need no escape at all.
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!needs_escape(c)) continue;
    out.append(s.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {  // other control characters
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[(c >> 4) & 0xF];
        out += kHex[c & 0xF];
      }
    }
  }
  out.append(s.data() + start, s.size() - start);
  out += '"';
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0) v = 0;  // no "-0"
  char buffer[32];
  if (v == std::trunc(v) &&
      std::abs(v) < 1e9) {  // points, counts, 0 and 1: the integer is the shortest form
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(v));
    out.append(buffer, r.ptr);
    return;
  }
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, r.ptr);
}

std::string rules_sha256(const dsl::Program& program) {
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < program.sources.size(); ++i) {
    hashes.push_back(models::sha256_hex(program.sources.file(static_cast<dsl::FileId>(i)).text()));
  }
  std::sort(hashes.begin(), hashes.end());
  std::string all;
  for (const auto& h : hashes) all += h + "\n";
  return models::sha256_hex(all);
}

namespace {}  // namespace

std::vector<std::string> rule_file_names(const dsl::Program& p) {
  std::vector<std::filesystem::path> paths;
  for (std::size_t i = 0; i < p.sources.size(); ++i) {
    std::error_code ec;
    const std::string& name = p.sources.file(static_cast<dsl::FileId>(i)).name();
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(name, ec);
    paths.push_back(ec ? std::filesystem::path(name) : canonical);
  }
  std::filesystem::path root = paths.empty() ? std::filesystem::path() : paths[0].parent_path();
  const auto inside = [](const std::filesystem::path& path, const std::filesystem::path& folder) {
    const std::filesystem::path relative = path.lexically_relative(folder);
    return !relative.empty() && *relative.begin() != "..";
  };
  for (const auto& path : paths) {
    while (!root.empty() && root != root.parent_path() && !inside(path, root))
      root = root.parent_path();
  }
  std::vector<std::string> names;
  for (const auto& path : paths) {
    const std::filesystem::path relative = root.empty() ? path : path.lexically_relative(root);
    names.push_back(relative.empty() ? path.generic_string() : relative.generic_string());
  }
  return names;
}

namespace {

std::string source_json(const dsl::Program& p, const std::vector<std::string>& names,
                        const dsl::Span& span) {
  const dsl::SourceFile& f = p.sources.file(span.file);
  std::string s = "{\"file\":";
  append_json_string(s, names[span.file]);
  s += ",\"line\":" + std::to_string(f.line_col(span.begin).line) + "}";
  return s;
}

}  // namespace

AssessmentWriter::AssessmentWriter(const Assessor& assessor, Provenance provenance, std::size_t top)
    : assessor_(assessor), top_(top) {
  const dsl::Program& p = assessor.program();
  provenance_json_ = "\"provenance\":{\"rules_sha256\":";
  append_json_string(provenance_json_, provenance.rules_sha256);
  provenance_json_ += ",\"model_sha256\":";
  if (provenance.model_sha256.empty())
    provenance_json_ += "null";
  else
    append_json_string(provenance_json_, provenance.model_sha256);
  provenance_json_ += ",\"input_sha256\":";
  append_json_string(provenance_json_, provenance.input_sha256);
  provenance_json_ += ",\"skon_version\":";
  append_json_string(provenance_json_, provenance.skon_version);
  provenance_json_ += "}}\n";
  const std::vector<std::string> names = rule_file_names(p);
  for (const auto& r : p.rules) {
    std::string s = "\"rule\":";
    append_json_string(s, r.name);
    s += ",\"label\":";
    append_json_string(s, r.label);
    s += ",\"source\":" + source_json(p, names, r.span);
    rule_json_.push_back(std::move(s));
  }
  for (const auto& l : p.levels) {
    std::string s;
    append_json_string(s, l);
    level_json_.push_back(std::move(s));
  }
  for (const auto& f : p.fields) {
    std::string s = "\"field\":";
    append_json_string(s, f.name);
    s += ",\"source\":";
    append_json_string(s, f.source == dsl::kNone ? "" : p.source_infos[f.source].name);
    field_json_.push_back(std::move(s));
  }
  append_json_string(purpose_json_, p.purposes[assessor.purpose()].name);
  if (assessor.model() != nullptr)
    append_json_number(base_rate_json_, assessor.model()->training.base_rate());
  else
    base_rate_json_ = "null";
  guidance_json_.resize(p.levels.size());
  guidance_text_.resize(p.levels.size());
  for (const auto& [level, text] : p.purposes[assessor.purpose()].guidance) {
    guidance_text_[level] = text;
    append_json_string(guidance_json_[level], text);
  }
  contribution_text_.resize(p.fields.size());
}

void AssessmentWriter::jsonl(const Assessment& a, std::string& out) const {
  const dsl::Program& p = assessor_.program();
  const PurposeOutcome& o = a.outcome;
  const auto level = [&](Index l) {
    if (l == dsl::kNone)
      out += "null";
    else
      out += level_json_[l];
  };
  out += "{\"id\":";
  append_json_string(out, a.id);
  out += ",\"purpose\":";
  out += purpose_json_;
  out += o.insufficient_data ? ",\"outcome\":\"insufficient_data\"" : ",\"outcome\":\"assessed\"";
  out += ",\"level\":";
  level(o.insufficient_data ? dsl::kNone : o.level);
  out += ",\"probability\":";
  if (a.probability)
    append_json_number(out, *a.probability);
  else
    out += "null";
  out += ",\"base_rate\":";
  out += base_rate_json_;
  out += ",\"model_level\":";
  level(a.model_level);
  out += ",\"flags\":[";
  for (std::size_t i = 0; i < o.flags.size(); ++i) {
    if (i) out += ',';
    out += '{';
    out += rule_json_[o.flags[i].rule];
    out += ",\"text\":";
    append_json_string(out, o.flags[i].text);
    out += '}';
  }
  out += "],\"points\":";
  append_json_number(out, o.points);
  out += ",\"trace\":[";
  for (std::size_t i = 0; i < o.trace.size(); ++i) {
    const LevelStep& s = o.trace[i];
    if (i) out += ',';
    out += "{\"from\":";
    level(s.from);
    out += ",\"to\":";
    level(s.to);
    if (s.rule == dsl::kNone) {
      out += ",\"by\":\"model\",\"because\":\"model probability band\"}";
    } else {
      out += ",\"by\":{";
      out += rule_json_[s.rule];
      out += "},\"because\":";
      append_json_string(out, s.because);
      out += '}';
    }
  }
  out += "],\"review\":{\"required\":";
  out += o.review_required ? "true" : "false";
  out += ",\"reasons\":[";
  for (std::size_t i = 0; i < o.review_reasons.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, o.review_reasons[i]);
  }
  out += "]},\"disagreement\":";
  if (a.disagreement.empty())
    out += "null";
  else
    append_json_string(out, a.disagreement);
  out += ",\"contributions\":";
  if (assessor_.model() == nullptr || o.insufficient_data) {
    out += "null";
  } else {
    out += "{\"baseline\":";
    if (a.baseline != baseline_.value) {  // the same for every record of one model: formatted once
      baseline_.value = a.baseline;
      baseline_.json.clear();
      append_json_number(baseline_.json, a.baseline);
    }
    out += baseline_.json;
    out += ",\"log_odds\":";
    append_json_number(out, a.log_odds);
    out += ",\"top\":[";
    const std::size_t n = std::min(top_, a.contributions.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out += ',';
      out += '{';
      out += field_json_[a.contributions[i].field];
      out += ",\"log_odds\":";
      append_contribution(out, a.contributions[i]);
      out += '}';
    }
    out += "],\"others\":";
    append_json_number(out, a.others);
    out += '}';
  }
  out += ",\"completeness\":";
  append_json_number(out, o.completeness);
  out += ",\"gaps\":[";
  for (std::size_t i = 0; i < o.missing_fields.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, p.fields[o.missing_fields[i]].name);
  }
  out += "],\"guidance\":";
  if (o.guidance.empty()) {
    out += "null";
  } else if (o.level < guidance_text_.size() &&
             guidance_text_[o.level].data() == o.guidance.data()) {
    out += guidance_json_[o.level];  // the purpose's own text: escaped once, not per record
  } else {
    append_json_string(out, o.guidance);
  }
  out += ',';
  out += provenance_json_;
}

// A feature's contribution is a function of its value, and most features take few values (grades
// on the 7-step scale, percentiles, one-decimal absence): each distinct number is formatted once.
void AssessmentWriter::append_contribution(std::string& out, const Contribution& c) const {
  auto& known = contribution_text_[c.field];
  const auto bits = std::bit_cast<std::uint64_t>(c.log_odds);
  if (const auto it = known.find(bits); it != known.end()) {
    out += it->second;
    return;
  }
  const std::size_t start = out.size();
  append_json_number(out, c.log_odds);
  if (known.size() < kContributionTexts) known.emplace(bits, out.substr(start));
}

std::string AssessmentWriter::csv_header() const {
  return "id,purpose,outcome,level,probability,base_rate,model_level,flags,points,review_required,"
         "review_reasons,disagreement,completeness,gaps\n";
}

namespace {
void append_csv(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}
}  // namespace

void AssessmentWriter::csv(const Assessment& a, std::string& out) const {
  const dsl::Program& p = assessor_.program();
  const PurposeOutcome& o = a.outcome;
  append_csv(out, a.id);
  out += ',';
  append_csv(out, p.purposes[assessor_.purpose()].name);
  out += o.insufficient_data ? ",insufficient_data," : ",assessed,";
  if (!o.insufficient_data) out += p.levels[o.level];
  out += ',';
  if (a.probability) append_json_number(out, *a.probability);
  out += ',';
  if (assessor_.model() != nullptr)
    append_json_number(out, assessor_.model()->training.base_rate());
  out += ',';
  if (a.model_level != dsl::kNone) out += p.levels[a.model_level];
  out += ',';
  std::string flags;
  for (const auto& f : o.flags) flags += (flags.empty() ? "" : ";") + p.rules[f.rule].name;
  append_csv(out, flags);
  out += ',';
  append_json_number(out, o.points);
  out += o.review_required ? ",true," : ",false,";
  std::string reasons;
  for (const auto& r : o.review_reasons) reasons += (reasons.empty() ? "" : "; ") + r;
  append_csv(out, reasons);
  out += ',';
  out += a.disagreement;
  out += ',';
  append_json_number(out, o.completeness);
  out += ',';
  std::string gaps;
  for (Index f : o.missing_fields) gaps += (gaps.empty() ? "" : ";") + p.fields[f].name;
  append_csv(out, gaps);
  out += '\n';
}

}  // namespace skon::engine
