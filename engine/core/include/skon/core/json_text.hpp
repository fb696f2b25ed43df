#pragma once

// JSON text written by hand, for speed and a fixed key order: the same inputs give byte-identical
// output.

#include <string>
#include <string_view>

namespace skon::engine::detail {

// A JSON string literal of `s` (quotes included).
void append_json_string(std::string& out, std::string_view s);
// Shortest round-trip decimal (integers without a fraction), or null for NaN/Inf.
void append_json_number(std::string& out, double v);

// Writes text into a scratch buffer through a pointer, checking room inline: the hot path of
// writing a million records makes no out-of-line call per piece. The buffer is reused from one
// record to the next (it only grows), so nothing is allocated or cleared per record; view() is
// what this writer wrote.
class TextWriter {
 public:
  explicit TextWriter(std::string& storage) : storage_(storage) {
    if (storage_.size() < 4096) storage_.resize(4096);
    p_ = storage_.data();
    end_ = p_ + storage_.size();
  }
  TextWriter(const TextWriter&) = delete;
  TextWriter& operator=(const TextWriter&) = delete;

  std::string_view view() const {
    return {storage_.data(), static_cast<std::size_t>(p_ - storage_.data())};
  }

  void put(char c) {
    need(1);
    *p_++ = c;
  }
  void put(std::string_view s) {
    need(s.size());
    __builtin_memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  // A JSON string literal of `s`, as append_json_string writes it.
  void string(std::string_view s);
  // A number as append_json_number writes it.
  void number(double v);
  // `v` millionths as an exact decimal: -2033491 is -2.033491, 10570 is 0.01057.
  void micro(long long v);

 private:
  void need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  void grow(std::size_t n);

  std::string& storage_;
  char* p_;
  char* end_;
};

}  // namespace skon::engine::detail
