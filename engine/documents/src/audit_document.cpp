#include "skon/documents/audit_document.hpp"

#include <nlohmann/json.hpp>

namespace skon::engine {
namespace {

nlohmann::ordered_json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

}  // namespace

std::string audit_row_json(const StoredRow& s) {
  nlohmann::ordered_json j;
  j["seq"] = s.seq;
  if (s.entry > 0) j["entry"] = s.entry;  // an assessment stored in a batch row: its line
  j["kind"] = s.row.kind;
  j["time"] = s.row.time;
  j["run"] = text_or_null(s.row.run);
  j["person"] = text_or_null(s.row.person);
  j["review_required"] = s.row.review < 0 ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(s.row.review == 1);
  j["body"] = s.purged ? nlohmann::ordered_json(nullptr)
                       : nlohmann::ordered_json::parse(s.row.body, nullptr, false);
  j["digest"] = to_hex(s.row.digest);
  j["hash"] = to_hex(s.hash);
  return j.dump();
}

std::string audit_csv_header() {
  return "seq,entry,kind,time,run,person,review,digest,hash,body\n";
}

std::string audit_row_csv(const StoredRow& s) {
  std::string quoted = "\"";
  for (char c : s.purged ? std::string() : s.row.body) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  quoted += '"';
  return std::to_string(s.seq) + "," + (s.entry > 0 ? std::to_string(s.entry) : "") + "," +
         s.row.kind + "," + s.row.time + "," + s.row.run + "," + s.row.person + "," +
         (s.row.review < 0 ? "" : std::to_string(s.row.review)) + "," + to_hex(s.row.digest) + "," +
         to_hex(s.hash) + "," + quoted + "\n";
}

std::string pending_csv_header() {
  return "run,person,assessed,review_ids\n";
}

std::string pending_row_csv(const StoredRow& s) {
  const auto j = nlohmann::json::parse(s.row.body, nullptr, false);
  std::string ids;
  if (j.is_object() && j.contains("review_ids")) {
    for (const auto& id : j["review_ids"]) ids += (ids.empty() ? "" : ";") + id.get<std::string>();
  }
  return s.row.run + "," + s.row.person + "," + s.row.time + "," + ids + "\n";
}

}  // namespace skon::engine
