#pragma once

// Work on batches by several threads, results consumed in input order: what lets `skon assess`
// use both cores while its output stays byte-identical to a single-threaded run. At most
// `in_flight` batches exist at once, so memory does not grow with the input.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace skon::engine {

template <typename Batch>
class OrderedPool {
 public:
  // `work(worker_index, batch)` runs on a worker thread; `consume(batch)` on a consumer thread of
  // its own, in submission order — so writing the output overlaps reading the input. An
  // exception in either stops the pool and is rethrown by submit() or finish().
  OrderedPool(std::size_t workers, std::size_t in_flight,
              std::function<void(std::size_t, Batch&)> work, std::function<void(Batch&)> consume)
      : work_(std::move(work)), consume_(std::move(consume)), in_flight_(in_flight) {
    for (std::size_t w = 0; w < workers; ++w) threads_.emplace_back([this, w] { run(w); });
    consumer_ = std::thread([this] { consume_in_order(); });
  }
  ~OrderedPool() { stop_threads(); }
  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // Hands a batch to the workers once fewer than `in_flight` batches are outstanding.
  void submit(Batch batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return failed_ || submitted_ - consumed_ < in_flight_; });
    rethrow_locked();
    queue_.emplace_back(submitted_++, std::move(batch));
    work_ready_.notify_one();
  }

  // Waits until every batch is consumed, stops the threads; rethrows a failure.
  void finish() {
    {
      std::unique_lock lock(mutex_);
      room_.wait(lock, [&] { return failed_ || consumed_ == submitted_; });
    }
    stop_threads();
    std::unique_lock lock(mutex_);
    rethrow_locked();
  }

 private:
  void consume_in_order() {
    std::unique_lock lock(mutex_);
    for (;;) {
      consumable_.wait(lock, [&] { return stopping_ || failed_ || ready_.count(consumed_) > 0; });
      if (failed_) return;
      auto it = ready_.find(consumed_);
      if (it == ready_.end()) return;  // stopping, and everything submitted was consumed
      Batch batch = std::move(it->second);
      ready_.erase(it);
      lock.unlock();
      try {
        consume_(batch);
      } catch (...) {
        lock.lock();
        fail(std::current_exception());
        return;
      }
      lock.lock();
      ++consumed_;
      room_.notify_all();
    }
  }

  void run(std::size_t worker) {
    for (;;) {
      std::pair<std::size_t, Batch> item;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [&] { return stopping_ || failed_ || !queue_.empty(); });
        if (failed_ || queue_.empty()) return;
        item = std::move(queue_.front());
        queue_.pop_front();
      }
      try {
        work_(worker, item.second);
      } catch (...) {
        std::unique_lock lock(mutex_);
        fail(std::current_exception());
        return;
      }
      std::unique_lock lock(mutex_);
      ready_.emplace(item.first, std::move(item.second));
      consumable_.notify_one();
    }
  }

  void fail(std::exception_ptr e) {
    if (!failed_) error_ = e;
    failed_ = true;
    room_.notify_all();
    work_ready_.notify_all();
    consumable_.notify_all();
  }

  void rethrow_locked() {
    if (failed_ && error_) std::rethrow_exception(error_);
  }

  void stop_threads() {
    {
      std::unique_lock lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    consumable_.notify_all();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
    if (consumer_.joinable()) consumer_.join();
  }

  std::function<void(std::size_t, Batch&)> work_;
  std::function<void(Batch&)> consume_;
  std::size_t in_flight_;
  std::mutex mutex_;
  std::condition_variable work_ready_, room_, consumable_;
  std::deque<std::pair<std::size_t, Batch>> queue_;
  std::map<std::size_t, Batch> ready_;
  std::size_t submitted_ = 0, consumed_ = 0;
  bool stopping_ = false, failed_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;
  std::thread consumer_;
};

}  // namespace skon::engine
