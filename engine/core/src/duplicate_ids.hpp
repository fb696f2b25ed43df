#pragma once

// Finds ids that occur more than once in a cohort — an assessment is per person — in memory that
// does not grow with the cohort: a Bloom filter of 8 MiB sees every id once and keeps the few
// that may have been seen before; a second pass over the input, made only then, settles which
// really repeat and names both rows.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "skon/models/record_source.hpp"

namespace skon::engine::detail {

class DuplicateIds {
 public:
  DuplicateIds();

  // A 64-bit hash of the id as outputs show it (a keyed pseudonym, so not steerable).
  static std::uint64_t hash(std::string_view id);

  // Records an id's hash; in input order, on one thread.
  void add(std::uint64_t h);

  bool suspicious() const { return !suspects_.empty(); }

  // The second pass: reads `source` (the same input again) and throws base::InputError naming
  // the first two rows whose ids (as `shown`) are equal, if any.
  void confirm(models::RecordSource& source,
               const std::function<std::string(std::string_view)>& shown) const;

 private:
  std::vector<std::uint64_t> bits_;
  std::unordered_set<std::uint64_t> suspects_;
};

}  // namespace skon::engine::detail
