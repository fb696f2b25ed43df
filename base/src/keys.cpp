#include "skon/base/keys.hpp"

#include <sys/stat.h>

#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

#include "skon/base/errors.hpp"

namespace skon::base {

namespace {
constexpr std::size_t kMinimumBytes = 16;
constexpr double kMinimumBits = 64;
constexpr const char* kMakeOne = "od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > KEYFILE";
}  // namespace

double key_entropy_bits(std::string_view key) {
  std::array<std::size_t, 256> counts{};
  for (unsigned char c : key) ++counts[c];
  double bits = 0;
  for (std::size_t n : counts) {
    if (n == 0) continue;
    const double p = static_cast<double>(n) / static_cast<double>(key.size());
    bits -= static_cast<double>(n) * std::log2(p);
  }
  return bits;
}

void check_secret_key(std::string_view key, std::string_view what) {
  if (key.size() < kMinimumBytes) {
    throw UsageError(std::string(what) + " must be at least 16 bytes");
  }
  const double bits = key_entropy_bits(key);
  if (bits < kMinimumBits) {
    throw UsageError(std::string(what) + " is too easy to guess (about " +
                     std::to_string(static_cast<int>(bits)) +
                     " bits); make a random one: " + kMakeOne);
  }
}

std::string read_secret_key(const std::string& path, std::string_view what) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string key = ss.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (!f || key.empty()) {
    throw InputError("cannot read a key from '" + path + "'; it should hold " + std::string(what) +
                     " (at least 16 random bytes)");
  }
  check_secret_key(key, what);
  return key;
}

bool readable_by_others(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0;
}

}  // namespace skon::base
