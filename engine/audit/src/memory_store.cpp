// The audit store in memory: the same contract as the SQLite store (one transaction per append,
// under a lock), for unit tests of the chain logic.
#include <algorithm>
#include <mutex>

#include "skon/audit/audit_store.hpp"

namespace skon::engine {
namespace {

class MemoryStore final : public AuditStore {
 public:
  std::int64_t append(const std::vector<AuditRow>& rows, const Link& link) override {
    std::lock_guard lock(mutex_);
    Digest prev = rows_.empty() ? Digest{} : rows_.back().hash;
    std::int64_t seq = rows_.empty() ? 0 : rows_.back().seq;
    const std::int64_t first = seq + 1;
    std::vector<StoredRow> added;  // all or none: a link that throws leaves the store as it was
    for (const AuditRow& r : rows) {
      StoredRow s;
      s.seq = ++seq;
      s.row = r;
      s.hash = link(prev, seq, r);
      prev = s.hash;
      added.push_back(std::move(s));
    }
    for (StoredRow& s : added) rows_.push_back(std::move(s));
    return first;
  }

  void scan(const RowFilter& f, const std::function<void(const StoredRow&)>& each) const override {
    std::vector<StoredRow> copy;  // `each` may append (it does not hold the lock)
    {
      std::lock_guard lock(mutex_);
      for (const StoredRow& s : rows_) {
        const AuditRow& r = s.row;
        if (!f.kinds.empty() && std::find(f.kinds.begin(), f.kinds.end(), r.kind) == f.kinds.end())
          continue;
        if (!f.run.empty() && r.run != f.run) continue;
        if (!f.person.empty() && r.person != f.person && r.kind != "assessments") continue;
        if (!f.time_before.empty() && !(r.time < f.time_before)) continue;
        if (f.review_only && r.review < 1) continue;
        if (f.with_body && s.purged) continue;
        copy.push_back(s);
      }
    }
    for (const StoredRow& s : copy) each(s);
  }

  std::optional<std::pair<std::int64_t, Digest>> head() const override {
    std::lock_guard lock(mutex_);
    if (rows_.empty()) return std::nullopt;
    return std::make_pair(rows_.back().seq, rows_.back().hash);
  }

  std::optional<Digest> hash_at(std::int64_t seq) const override {
    std::lock_guard lock(mutex_);
    if (seq < 1 || seq > static_cast<std::int64_t>(rows_.size())) return std::nullopt;
    return rows_[static_cast<std::size_t>(seq - 1)].hash;
  }

  std::int64_t erase(const std::vector<std::string>& kinds, const std::set<std::string>& runs,
                     const std::string& before) override {
    std::lock_guard lock(mutex_);
    std::int64_t erased = 0;
    for (StoredRow& s : rows_) {
      AuditRow& r = s.row;
      if (s.purged || std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) continue;
      if (!(r.time < before) || !runs.contains(r.run)) continue;
      r.body.clear();
      r.person.clear();
      r.run.clear();
      r.review = -1;
      s.purged = true;
      ++erased;
    }
    return erased;
  }

  std::string name() const override { return "audit log (in memory)"; }

 private:
  mutable std::mutex mutex_;
  std::vector<StoredRow> rows_;
};

}  // namespace

std::unique_ptr<AuditStore> memory_store() {
  return std::make_unique<MemoryStore>();
}

}  // namespace skon::engine
