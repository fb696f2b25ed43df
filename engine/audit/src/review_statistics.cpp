// How professionals decided on a purpose's assessments, read from the audit log: what
// `skon monitor --audit` hands the study.
#include "skon/audit/review_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

namespace skon::engine {
namespace {

// Days between two ISO 8601 UTC times ("2026-11-29T16:34:36Z").
double days_between(const std::string& from, const std::string& to) {
  const auto parse = [](const std::string& s) -> double {
    std::tm tm{};
    if (s.size() < 19 || std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
                                     &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
      return NAN;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<double>(timegm(&tm));
  };
  return (parse(to) - parse(from)) / 86400.0;
}

}  // namespace

HumanSide review_statistics(const AuditLog& log, const dsl::Program& program, dsl::Index purpose,
                            const std::string& now) {
  HumanSide h;
  const std::string& name = program.purposes[purpose].name;
  std::map<std::string, std::string> run_started;  // this purpose's runs
  log.rows("run", "", "", [&](const StoredRow& s) {
    if (s.purged) return;
    const auto body = nlohmann::json::parse(s.row.body, nullptr, false);
    if (!body.is_object() || !body.contains("manifest")) return;
    if (body["manifest"].value("purpose", "") == name) run_started[s.row.run] = s.row.time;
  });
  h.runs = run_started.size();
  std::map<std::pair<std::string, std::string>, std::string> decided;  // (run, person) -> decision
  log.rows("decision", "", "", [&](const StoredRow& s) {
    if (s.purged || !run_started.count(s.row.run)) return;
    const auto body = nlohmann::json::parse(s.row.body, nullptr, false);
    if (body.is_object()) decided[{s.row.run, s.row.person}] = body.value("decision", "");
  });
  std::map<std::string, DecisionCounts> counts;
  std::vector<double> pending_days;
  for (const auto& entry : run_started) {
    // (Named, not a structured binding: the lambda below captures them, which clang refuses.)
    const std::string& run = entry.first;
    const std::string& started = entry.second;
    log.rows("assessment", run, "", [&](const StoredRow& s) {
      if (s.purged || s.row.review != 1) return;
      const auto body = nlohmann::json::parse(s.row.body, nullptr, false);
      const std::string level = body.is_object() && body["level"].is_string()
                                    ? body["level"].get<std::string>()
                                    : "insufficient_data";
      DecisionCounts& c = counts[level];
      c.level = level;
      ++h.reviews;
      const auto it = decided.find({run, s.row.person});
      if (it == decided.end()) {
        ++c.pending;
        pending_days.push_back(days_between(started, now));
        return;
      }
      ++h.decided;
      if (it->second == "agree")
        ++c.agree;
      else if (it->second == "disagree")
        ++c.disagree;
      else
        ++c.needs_information;
    });
  }
  for (std::size_t l = program.levels.size(); l-- > 0;) {
    if (counts.count(program.levels[l])) h.by_level.push_back(counts[program.levels[l]]);
  }
  if (counts.count("insufficient_data")) h.by_level.push_back(counts["insufficient_data"]);
  std::size_t agree = 0;
  for (const auto& c : h.by_level) agree += c.agree;
  h.agreement = h.decided ? static_cast<double>(agree) / static_cast<double>(h.decided) : 0;
  if (!pending_days.empty()) {
    std::sort(pending_days.begin(), pending_days.end());
    h.pending_median_days = pending_days[pending_days.size() / 2];
    h.pending_oldest_days = pending_days.back();
  }
  return h;
}

}  // namespace skon::engine
