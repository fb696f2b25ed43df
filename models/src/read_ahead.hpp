#pragma once

// A record source that parses on a thread of its own, a few thousand rows ahead of its reader:
// the caller's thread only takes finished rows, so parsing (JSON is costly) overlaps whatever the
// caller does with them. Rows, errors and counts arrive in input order, exactly as the wrapped
// source gives them.

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "skon/models/record_source.hpp"

namespace skon::models::detail {

class ReadAhead final : public RecordSource {
 public:
  explicit ReadAhead(std::unique_ptr<RecordSource> inner);
  ~ReadAhead() override;
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  bool next(Row& row) override;
  const std::vector<ColumnSpec>& columns() const override { return inner_->columns(); }
  std::size_t rows_read() const override { return rows_read_; }
  std::size_t rows_rejected() const override { return rows_rejected_; }
  std::size_t bytes_read() const override { return bytes_read_; }
  std::size_t bytes_total() const override { return inner_->bytes_total(); }
  std::string_view format() const override { return inner_->format(); }
  std::string content_sha256() const override { return content_sha256_; }

 private:
  struct Chunk {
    std::vector<Row> rows;  // rows[0, count) are filled
    std::size_t count = 0;
    std::exception_ptr error;  // after the rows
    bool last = false;
    std::size_t rows_read = 0, rows_rejected = 0, bytes_read = 0;  // the source's, after it
    std::string content_sha256;                                    // with the last chunk
  };
  void produce();

  std::unique_ptr<RecordSource> inner_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Chunk> full_, empty_;  // parsed chunks in order; spent ones to reuse
  bool stopping_ = false;
  Chunk current_;
  std::size_t position_ = 0;
  bool finished_ = false;
  std::size_t rows_read_ = 0, rows_rejected_ = 0, bytes_read_ = 0;
  std::string content_sha256_;
  std::thread thread_;
};

}  // namespace skon::models::detail
