#pragma once

// The predictions file of `skon evaluate --predictions`: one row per person measured — the
// pseudonym (or the raw id when no key is given: --reveal-ids), the probability to the last
// digit, the outcome — written atomically, or nothing at all.

#include <memory>
#include <string>
#include <string_view>

#include "skon/base/atomic_file.hpp"
#include "skon/base/sha256.hpp"

namespace skon::engine {

class PredictionsFile {
 public:
  // `id_key` empty: ids are written as they are.
  PredictionsFile(const std::string& path, const std::string& id_key);
  void add(std::string_view id, double probability, double outcome);
  void commit() { out_.commit(); }

 private:
  base::AtomicFile out_;
  std::unique_ptr<base::HmacSha256> hmac_;
  std::string line_, pseudonym_;
};

}  // namespace skon::engine
