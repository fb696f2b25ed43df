#pragma once

// Appends a run's batch rows of assessments to the audit log on a thread of its own, in the order
// given, so the log's inserts overlap the assessing and the writing of the output; the batches
// queued meanwhile share one transaction. finish() waits for
// every batch and rethrows the first failure: the run commits its output only after it.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "skon/audit/audit_log.hpp"

namespace skon::engine::detail {

class AuditWriter {
 public:
  explicit AuditWriter(AuditLog& log) : log_(log), thread_([this] { loop(); }) {}
  ~AuditWriter() {
    stop();
    if (thread_.joinable()) thread_.join();
  }
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues a batch; throws the writer's failure, if any, so a run stops early.
  void push(AuditRow row) {
    std::unique_lock lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
    // A bounded queue: the run never holds more than a few batches in memory.
    room_.wait(lock, [&] { return queue_.size() < kMaxQueued || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    queue_.push_back(std::move(row));
    ready_.notify_one();
  }

  // Every queued batch is in the log when this returns; rethrows the first failure.
  void finish() {
    stop();
    if (thread_.joinable()) thread_.join();
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  static constexpr std::size_t kMaxQueued = 8;

  void stop() {
    std::lock_guard lock(mutex_);
    done_ = true;
    ready_.notify_one();
  }

  void loop() {
    for (;;) {
      std::vector<AuditRow> rows;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        for (AuditRow& row : queue_) rows.push_back(std::move(row));
        queue_.clear();
        room_.notify_all();
      }
      try {
        log_.append(rows);
      } catch (...) {
        std::lock_guard lock(mutex_);
        failure_ = std::current_exception();
        queue_.clear();
        room_.notify_all();
        return;
      }
    }
  }

  AuditLog& log_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<AuditRow> queue_;
  bool done_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace skon::engine::detail
