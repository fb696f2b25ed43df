#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace skon::models {

// SHA-256 of a byte string, lowercase hex.
std::string sha256_hex(std::string_view bytes);

// SHA-256 of a file's bytes, read in blocks; throws std::runtime_error when unreadable.
std::string sha256_file_hex(const std::filesystem::path& path);

// HMAC-SHA-256 of `message` under `key`, lowercase hex (pseudonymous ids).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Incremental SHA-256, for hashing data while it streams past.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Finishes the digest; the object must not be updated afterwards.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace skon::models
