#include "duplicate_ids.hpp"

#include <map>

namespace skon::engine::detail {
namespace {

constexpr std::size_t kBits = std::size_t{1} << 26;  // 8 MiB
constexpr int kProbes = 8;  // about 1e-5 false suspects per id at two million ids

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

DuplicateIds::DuplicateIds() : bits_(kBits / 64, 0) {}

std::uint64_t DuplicateIds::hash(std::string_view id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then mixed
  for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
  return mix(h);
}

void DuplicateIds::add(std::uint64_t h) {
  bool all_set = true;
  std::uint64_t probe = h;
  for (int k = 0; k < kProbes; ++k) {
    probe = mix(probe + static_cast<std::uint64_t>(k));
    const std::size_t bit = probe & (kBits - 1);
    std::uint64_t& word = bits_[bit / 64];
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    all_set &= (word & mask) != 0;
    word |= mask;
  }
  if (all_set) suspects_.insert(h);
}

void DuplicateIds::confirm(models::RecordSource& source,
                           const std::function<std::string(std::string_view)>& shown) const {
  std::map<std::string, std::pair<std::size_t, std::size_t>> first;  // id -> row, line
  models::Row row;
  while (source.next(row)) {
    const std::string id = shown(row.texts[0]);
    if (!suspects_.contains(hash(id))) continue;
    const auto [it, added] = first.emplace(id, std::pair{row.row, row.line});
    if (added) continue;
    throw base::InputError(
        "rows " + std::to_string(it->second.first) + " (line " + std::to_string(it->second.second) +
        ") and " + std::to_string(row.row) + " (line " + std::to_string(row.line) +
        ") have the same id in column '" + source.columns()[0].name +
        "'; an assessment is per person: remove or merge the duplicate, nothing was written");
  }
}

}  // namespace skon::engine::detail
