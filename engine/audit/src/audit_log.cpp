#include "skon/audit/audit_log.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "skon/base/errors.hpp"
#include "skon/base/sha256.hpp"

namespace skon::engine {
namespace {

Digest sha256(std::string_view bytes) {
  Digest d{};
  base::sha256_into(bytes, d.data());
  return d;
}

}  // namespace

Digest row_digest(const AuditRow& r) {
  thread_local std::string all;  // one buffer per thread: no allocation per row
  all.clear();
  for (std::string_view part : {std::string_view(r.kind), std::string_view(r.time),
                                std::string_view(r.run), std::string_view(r.person)}) {
    all += part;
    all += '\n';
  }
  if (r.review >= 0) all += std::to_string(r.review);  // a count, for a batch of assessments
  all += '\n';
  all += r.body;
  return sha256(all);
}

namespace {

// SHA-256(prev ‖ seq as 8 bytes big-endian ‖ digest).
Digest chain_hash(const Digest& prev, std::int64_t seq, const Digest& digest) {
  unsigned char buf[32 + 8 + 32];
  std::memcpy(buf, prev.data(), 32);
  for (int i = 0; i < 8; ++i) buf[32 + i] = static_cast<unsigned char>(seq >> (56 - 8 * i));
  std::memcpy(buf + 40, digest.data(), 32);
  Digest d{};
  base::sha256_into(std::string_view(reinterpret_cast<const char*>(buf), sizeof buf), d.data());
  return d;
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  return base::hmac_sha256_hex(key, message);
}

std::string checkpoint_message(const Checkpoint& c) {
  return "skon-audit-checkpoint\n" + std::to_string(c.rows) + "\n" + c.head + "\n" + c.time;
}

}  // namespace

std::unique_ptr<AuditLog> AuditLog::open(const std::string& path, bool create) {
  return std::make_unique<AuditLog>(open_sqlite_store(path, create), path);
}

AuditLog::AuditLog(std::unique_ptr<AuditStore> store, std::string name)
    : store_(std::move(store)), path_(std::move(name)) {}

AuditLog::~AuditLog() = default;

std::int64_t AuditLog::append(std::vector<AuditRow>& rows) {
  const Digest zero{};
  for (AuditRow& r : rows) {
    if (r.digest == zero) r.digest = row_digest(r);
  }
  return store_->append(rows, [](const Digest& prev, std::int64_t seq, const AuditRow& r) {
    return chain_hash(prev, seq, r.digest);
  });
}

VerifyResult AuditLog::verify(const std::function<void(std::int64_t)>& progress) const {
  VerifyResult r;
  Digest prev{};
  std::int64_t expected = 1;
  bool stopped = false;
  const auto broken = [&](std::int64_t seq, std::string problem) {
    r.ok = false;
    r.first_bad = seq;
    r.problem = std::move(problem);
    stopped = true;
  };
  store_->scan({}, [&](const StoredRow& s) {
    if (stopped) return;
    if (s.seq != expected) {
      broken(expected, s.seq > expected ? "row " + std::to_string(expected) + " is missing"
                                        : "rows are out of order");
      return;
    }
    if (!s.purged) {
      if (row_digest(s.row) != s.row.digest) return broken(s.seq, "its content was changed");
    } else if (!s.row.person.empty()) {
      return broken(s.seq, "a purged row still names a person");
    }
    if (chain_hash(prev, s.seq, s.row.digest) != s.hash) {
      return broken(s.seq, "its hash does not follow from the row before it");
    }
    prev = s.hash;
    r.rows = s.seq;
    ++expected;
    if (progress && s.seq % 100000 == 0) progress(s.seq);
  });
  if (stopped) return r;
  r.head = r.rows > 0 ? to_hex(prev) : std::string(64, '0');
  return r;
}

namespace {

// One line of a batch row's body (audit_log.hpp): PSEUDONYM, LEVEL, REVIEW, REASON,IDS, RECORD.
struct PackedAssessment {
  std::string_view person, level, review, reasons, record;
};

// Takes the next line off `body`; false at its end. A line that is not five tab-separated
// fields means the content was rewritten along with its hashes: InputError.
bool next_packed(std::string_view& body, std::int64_t seq, PackedAssessment& out) {
  if (body.empty()) return false;
  const std::size_t end = body.find('\n');
  std::string_view line = body.substr(0, end);
  body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
  std::string_view* fields[] = {&out.person, &out.level, &out.review, &out.reasons, &out.record};
  for (std::size_t i = 0; i < 5; ++i) {
    const std::size_t tab = line.find('\t');
    if ((i < 4) == (tab == std::string_view::npos)) {
      throw base::InputError("audit log row " + std::to_string(seq) +
                             ": its assessments cannot be read");
    }
    *fields[i] = line.substr(0, tab);
    line.remove_prefix(i < 4 ? tab + 1 : line.size());
  }
  return true;
}

// The logical row of one packed assessment, its body as a single row's of schema 1.
void unpack(const StoredRow& batch, int entry, const PackedAssessment& a, StoredRow& out) {
  out.seq = batch.seq;
  out.entry = entry;
  out.purged = false;
  out.hash = batch.hash;
  out.row.kind = "assessment";
  out.row.time = batch.row.time;
  out.row.run = batch.row.run;
  out.row.person.assign(a.person);
  out.row.review = a.review == "1" ? 1 : 0;
  out.row.digest = batch.row.digest;
  std::string& b = out.row.body;
  b.assign(a.level.empty() ? R"({"outcome":"insufficient_data","level":null)"
                           : R"({"outcome":"assessed","level":")");
  if (!a.level.empty()) {
    b += a.level;
    b += '"';
  }
  b += R"(,"review_ids":[)";
  for (std::string_view ids = a.reasons; !ids.empty();) {
    const std::size_t comma = ids.find(',');
    if (b.back() != '[') b += ',';
    b += '"';
    b += ids.substr(0, comma);
    b += '"';
    ids.remove_prefix(comma == std::string_view::npos ? ids.size() : comma + 1);
  }
  b += R"(],"record_sha256":")";
  b += a.record;
  b += "\"}";
}

// Calls `each` with the assessments of batch row `batch` that `keep` keeps.
void for_each_packed(const StoredRow& batch,
                     const std::function<bool(const PackedAssessment&)>& keep,
                     const std::function<void(const StoredRow&)>& each) {
  std::string_view body = batch.row.body;
  PackedAssessment a;
  StoredRow logical;
  for (int entry = 1; next_packed(body, batch.seq, a); ++entry) {
    if (!keep(a)) continue;
    unpack(batch, entry, a, logical);
    each(logical);
  }
}

constexpr const char* kBatch = "assessments";

}  // namespace

void AuditLog::rows(const std::string& kind, const std::string& run, const std::string& person,
                    const std::function<void(const StoredRow&)>& each) const {
  // A batch row has no person column and stands for `assessment` rows: it is read when either
  // is asked for, and filtered by its lines.
  RowFilter filter;
  if (!kind.empty()) filter.kinds = {kind};
  if (kind == "assessment") filter.kinds.push_back(kBatch);
  filter.run = run;
  filter.person = person;
  store_->scan(filter, [&](const StoredRow& s) {
    if (s.row.kind != kBatch || s.purged) {
      if (person.empty() || s.row.person == person) each(s);
      return;
    }
    for_each_packed(
        s, [&](const PackedAssessment& a) { return person.empty() || a.person == person; }, each);
  });
}

void AuditLog::pending(const std::string& before,
                       const std::function<void(const StoredRow&)>& each) const {
  std::set<std::pair<std::string, std::string>> decided;  // (run, person); a few thousand at most
  RowFilter decisions;
  decisions.kinds = {"decision"};
  store_->scan(decisions, [&](const StoredRow& s) {
    if (!s.row.run.empty()) decided.emplace(s.row.run, s.row.person);
  });
  RowFilter reviews;
  reviews.kinds = {"assessment", kBatch};
  reviews.review_only = true;
  reviews.with_body = true;
  reviews.time_before = before;
  std::pair<std::string, std::string> key;
  store_->scan(reviews, [&](const StoredRow& s) {
    const auto undecided = [&](std::string_view person) {
      key.first = s.row.run;
      key.second.assign(person);
      return !decided.contains(key);
    };
    if (s.row.kind != kBatch) {
      if (undecided(s.row.person)) each(s);
      return;
    }
    for_each_packed(
        s, [&](const PackedAssessment& a) { return a.review == "1" && undecided(a.person); }, each);
  });
}

bool AuditLog::has_assessment(const std::string& run, const std::string& person) const {
  bool found = false;
  RowFilter filter;
  filter.kinds = {"assessment", kBatch};
  filter.run = run;
  filter.person = person;
  filter.with_body = true;
  store_->scan(filter, [&](const StoredRow& s) {
    if (found) return;
    if (s.row.kind != kBatch) {
      found = s.row.person == person;
      return;
    }
    std::string_view rest = s.row.body;
    PackedAssessment a;
    while (!found && next_packed(rest, s.seq, a)) found = a.person == person;
  });
  return found;
}

// "YYYY-MM-DD" `months` months before the ISO time `now` (the day clamped to 28: never later).
std::string months_before(const std::string& now, int months) {
  int y = std::stoi(now.substr(0, 4)), m = std::stoi(now.substr(5, 2));
  int d = std::min(std::stoi(now.substr(8, 2)), 28);
  m -= months;
  while (m < 1) m += 12, --y;
  char b[48];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
  return b;
}

void check_retention_floor(const std::string& before, const std::string& now) {
  if (before.substr(0, 10) > months_before(now, kRetentionFloorMonths)) {
    throw base::UsageError("--before " + before.substr(0, 10) +
                           " would purge rows younger than six months; the AI Act (Art. 19, "
                           "26(6)) requires a deployer to keep its logs at least that long");
  }
}

std::int64_t AuditLog::purge(const std::string& before, const std::string& now,
                             const std::string& os_user) {
  check_retention_floor(before, now);  // whoever calls: nothing younger is ever purged
  // Only runs past their own retention (the purpose's, at least the floor) may lose data.
  std::set<std::string> purgeable;
  RowFilter runs;
  runs.kinds = {"run"};
  runs.with_body = true;
  store_->scan(runs, [&](const StoredRow& s) {
    const auto j = nlohmann::json::parse(s.row.body, nullptr, false);
    int months = kRetentionFloorMonths;
    if (j.is_object() && j.contains("retention_months") &&
        j["retention_months"].is_number_integer()) {
      months = std::max(kRetentionFloorMonths, j["retention_months"].get<int>());
    }
    if (s.row.time < months_before(now, months)) purgeable.insert(s.row.run);
  });
  const std::int64_t purged = store_->erase({"assessment", kBatch, "decision"}, purgeable, before);
  nlohmann::ordered_json body;
  body["kind"] = "purge";
  body["time"] = now;
  body["before"] = before;
  body["rows"] = purged;
  body["os_user"] = os_user;
  std::vector<AuditRow> row(1);
  row[0].kind = "purge";
  row[0].time = now;
  row[0].body = body.dump();
  append(row);
  return purged;
}

bool AuditLog::has_hash(const std::string& hex) const {
  bool found = false;
  store_->scan({}, [&](const StoredRow& s) { found = found || to_hex(s.hash) == hex; });
  return found;
}

std::optional<Digest> AuditLog::hash_at(std::int64_t seq) const {
  return store_->hash_at(seq);
}

Checkpoint AuditLog::checkpoint(const std::string& key, const std::string& now) const {
  Checkpoint c;
  if (const auto head = store_->head()) {
    c.rows = head->first;
    c.head = to_hex(head->second);
  } else {
    c.head = std::string(64, '0');
  }
  c.time = now;
  c.mac = hmac_hex(key, checkpoint_message(c));
  return c;
}

std::string checkpoint_json(const Checkpoint& c) {
  nlohmann::ordered_json j;
  j["format"] = "skon-audit-checkpoint";
  j["rows"] = c.rows;
  j["head"] = c.head;
  j["time"] = c.time;
  j["hmac_sha256"] = c.mac;
  return j.dump(2) + "\n";
}

Checkpoint read_checkpoint(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw base::InputError("cannot read the checkpoint " + path);
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  const auto is = [&](const char* k, bool number) {
    return j.is_object() && j.contains(k) && (number ? j[k].is_number_integer() : j[k].is_string());
  };
  if (!is("format", false) || j["format"] != "skon-audit-checkpoint" || !is("rows", true) ||
      !is("head", false) || !is("time", false) || !is("hmac_sha256", false)) {
    throw base::InputError(path + ": not a Skøn audit checkpoint");
  }
  return {j["rows"].get<std::int64_t>(), j["head"].get<std::string>(), j["time"].get<std::string>(),
          j["hmac_sha256"].get<std::string>()};
}

std::optional<std::string> check_against(const Checkpoint& c, const std::string& key,
                                         const AuditLog& log, const VerifyResult& verified) {
  const std::string mac = hmac_hex(key, checkpoint_message(c));
  if (mac.size() != c.mac.size() || CRYPTO_memcmp(mac.data(), c.mac.data(), mac.size()) != 0) {
    return "the checkpoint's signature does not match this key (a forged or altered checkpoint, "
           "or the wrong key)";
  }
  if (verified.rows < c.rows) {
    return "the log has " + std::to_string(verified.rows) + " rows, fewer than the " +
           std::to_string(c.rows) + " the checkpoint of " + c.time + " saw: its tail was cut";
  }
  if (c.rows == 0) return std::nullopt;
  const auto hash = log.hash_at(c.rows);
  if (!hash || to_hex(*hash) != c.head) {
    return "row " + std::to_string(c.rows) + " differs from the checkpoint of " + c.time +
           ": the log was rewritten up to it";
  }
  return std::nullopt;
}

}  // namespace skon::engine
