#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace skon::base {

// SHA-256 of a byte string, lowercase hex.
std::string sha256_hex(std::string_view bytes);

// SHA-256 of a byte string into `out` (32 bytes), without OpenSSL's per-call algorithm lookup
// (its lock showed in profiles of a million record hashes): for hashing in a run's inner loop.
void sha256_into(std::string_view bytes, unsigned char* out);

// Appends the lowercase hex of `n` bytes to `out`.
void append_hex(const unsigned char* bytes, std::size_t n, std::string& out);

// SHA-256 of a file's bytes, read in blocks; throws InputError when unreadable.
std::string sha256_file_hex(const std::filesystem::path& path);

// HMAC-SHA-256 of `message` under `key`, lowercase hex (pseudonymous ids).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// HMAC-SHA-256 under one key for many messages: the key's inner and outer states are computed
// once, so each message costs two short hashes (pseudonymizing a million ids stays cheap).
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  // Lowercase hex of HMAC-SHA-256(key, message); equal to hmac_sha256_hex(key, message).
  std::string hex(std::string_view message) const;
  void hex_into(std::string_view message, std::string& out) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

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

}  // namespace skon::base
