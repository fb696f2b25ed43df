#include "read_ahead.hpp"

#include <utility>

namespace skon::models::detail {
namespace {

constexpr std::size_t kRowsPerChunk = 1024;
constexpr std::size_t kChunksAhead = 4;

}  // namespace

ReadAhead::ReadAhead(std::unique_ptr<RecordSource> inner) : inner_(std::move(inner)) {
  thread_ = std::thread([this] { produce(); });
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  room_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadAhead::produce() {
  for (;;) {
    Chunk chunk;
    {
      std::unique_lock lock(mutex_);
      room_.wait(lock, [&] { return stopping_ || full_.size() < kChunksAhead; });
      if (stopping_) return;
      if (!empty_.empty()) {  // reuse a spent chunk's rows and their storage
        chunk = std::move(empty_.front());
        empty_.pop_front();
      }
    }
    chunk.rows.resize(kRowsPerChunk);
    chunk.count = 0;
    chunk.error = nullptr;
    try {
      while (chunk.count < kRowsPerChunk && inner_->next(chunk.rows[chunk.count])) ++chunk.count;
      chunk.last = chunk.count < kRowsPerChunk;
    } catch (...) {
      chunk.error = std::current_exception();
      chunk.last = true;
    }
    chunk.rows_read = inner_->rows_read();
    chunk.rows_rejected = inner_->rows_rejected();
    chunk.bytes_read = inner_->bytes_read();
    if (chunk.last) chunk.content_sha256 = inner_->content_sha256();
    const bool last = chunk.last;
    {
      std::lock_guard lock(mutex_);
      full_.push_back(std::move(chunk));
    }
    ready_.notify_one();
    if (last) return;
  }
}

bool ReadAhead::next(Row& row) {
  while (position_ == current_.count) {
    if (current_.error) std::rethrow_exception(std::exchange(current_.error, nullptr));
    if (finished_ || current_.last) {
      finished_ = true;
      return false;
    }
    std::unique_lock lock(mutex_);
    if (!current_.rows.empty()) empty_.push_back(std::move(current_));
    ready_.wait(lock, [&] { return !full_.empty(); });
    current_ = std::move(full_.front());
    full_.pop_front();
    lock.unlock();
    room_.notify_one();
    position_ = 0;
    rows_read_ = current_.rows_read;
    rows_rejected_ = current_.rows_rejected;
    bytes_read_ = current_.bytes_read;
    if (current_.last) content_sha256_ = current_.content_sha256;
  }
  std::swap(row, current_.rows[position_++]);  // the caller's storage goes back into the chunk
  return true;
}

}  // namespace skon::models::detail
