#include "skon/core/json_text.hpp"
#include "skon/core/record_formats.hpp"

namespace skon::engine {
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

CsvRecordFormatter::CsvRecordFormatter(const Assessor& assessor, const RunManifest& run)
    : assessor_(assessor), run_id_(run.run_id), as_of_(run.replay ? run.assessment_date : "") {}

std::string CsvRecordFormatter::header() {
  return "id,run,as_of,outcome,level,probability,model_level,flags,points,review_required,"
         "review_reasons,review_ids,undecided,disagreement,completeness,gaps,no_consent\n";
}

void CsvRecordFormatter::append(const Assessment& a, std::string& out) {
  const dsl::Program& p = assessor_.program();
  const PurposeOutcome& o = a.outcome;
  append_csv(out, a.id);
  out += ',';
  out += run_id_;
  out += ',';
  out += as_of_;  // a replay's date; empty for a run as of today
  out += o.insufficient_data ? ",insufficient_data," : ",assessed,";
  if (!o.insufficient_data) out += p.levels[o.level];
  out += ',';
  if (a.probability) detail::append_json_number(out, *a.probability);
  out += ',';
  if (a.model_level != dsl::kNone) out += p.levels[a.model_level];
  out += ',';
  std::string list;
  for (const auto& f : o.flags) list += (list.empty() ? "" : ";") + p.rules[f.rule].name;
  append_csv(out, list);
  out += ',';
  detail::append_json_number(out, o.points);
  out += o.review_required ? ",true," : ",false,";
  list.clear();
  for (const auto& r : o.review_reasons) {
    list += (list.empty() ? "" : "; ") +
            review_reason_text(p, assessor_.purpose(), o, r, assessor_.language());
  }
  append_csv(out, list);
  out += ',';
  list.clear();
  for (const auto& r : o.review_reasons) {
    list += (list.empty() ? "" : ";") + review_reason_id(p, assessor_.purpose(), r);
  }
  append_csv(out, list);
  out += ',';
  list.clear();
  for (const auto& u : o.undecided) list += (list.empty() ? "" : ";") + p.rules[u.rule].name;
  append_csv(out, list);
  out += ',';
  out += a.disagreement;
  out += ',';
  detail::append_json_number(out, o.completeness);
  out += ',';
  list.clear();
  for (Index f : o.missing_fields) list += (list.empty() ? "" : ";") + p.fields[f].name;
  append_csv(out, list);
  out += ',';
  list.clear();
  for (Index f : o.no_consent_fields) list += (list.empty() ? "" : ";") + p.fields[f].name;
  append_csv(out, list);
  out += '\n';
}

}  // namespace skon::engine
