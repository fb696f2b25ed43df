#include "skon/models/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

namespace skon::models {
namespace {

std::string to_hex(const unsigned char* bytes, unsigned int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return out;
}

}  // namespace

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("cannot initialise SHA-256");
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(state_->ctx); }

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("SHA-256 update failed");
  }
}

std::string Sha256::hex() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(state_->ctx, digest.data(), &n) != 1) {
    throw std::runtime_error("SHA-256 final failed");
  }
  return to_hex(digest.data(), n);
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex();
}

std::string sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path.string() + "'");
  Sha256 h;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    h.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return h.hex();
}

struct HmacSha256::State {
  EVP_MD_CTX* inner = nullptr;  // after absorbing key ^ ipad
  EVP_MD_CTX* outer = nullptr;  // after absorbing key ^ opad
  EVP_MD_CTX* work = nullptr;
};

HmacSha256::HmacSha256(std::string_view key) : state_(std::make_unique<State>()) {
  const EVP_MD* md = EVP_sha256();
  std::array<unsigned char, 64> block{};
  if (key.size() > block.size()) {
    unsigned int n = 0;
    EVP_Digest(key.data(), key.size(), block.data(), &n, md, nullptr);
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<unsigned char, 64> ipad{}, opad{};
  for (std::size_t i = 0; i < block.size(); ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  state_->inner = EVP_MD_CTX_new();
  state_->outer = EVP_MD_CTX_new();
  state_->work = EVP_MD_CTX_new();
  if (state_->inner == nullptr || state_->outer == nullptr || state_->work == nullptr ||
      EVP_DigestInit_ex(state_->inner, md, nullptr) != 1 ||
      EVP_DigestUpdate(state_->inner, ipad.data(), ipad.size()) != 1 ||
      EVP_DigestInit_ex(state_->outer, md, nullptr) != 1 ||
      EVP_DigestUpdate(state_->outer, opad.data(), opad.size()) != 1) {
    throw std::runtime_error("cannot initialise HMAC-SHA-256");
  }
}

HmacSha256::~HmacSha256() {
  EVP_MD_CTX_free(state_->inner);
  EVP_MD_CTX_free(state_->outer);
  EVP_MD_CTX_free(state_->work);
}

void HmacSha256::hex_into(std::string_view message, std::string& out) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  if (EVP_MD_CTX_copy_ex(state_->work, state_->inner) != 1 ||
      EVP_DigestUpdate(state_->work, message.data(), message.size()) != 1 ||
      EVP_DigestFinal_ex(state_->work, digest.data(), &n) != 1 ||
      EVP_MD_CTX_copy_ex(state_->work, state_->outer) != 1 ||
      EVP_DigestUpdate(state_->work, digest.data(), n) != 1 ||
      EVP_DigestFinal_ex(state_->work, digest.data(), &n) != 1) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  out = to_hex(digest.data(), n);
}

std::string HmacSha256::hex(std::string_view message) const {
  std::string out;
  hex_into(message, out);
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
           &n) == nullptr) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return to_hex(digest.data(), n);
}

}  // namespace skon::models
