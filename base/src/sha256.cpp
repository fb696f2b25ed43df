#include "skon/base/sha256.hpp"

// The pseudonym of every assessed person is an HMAC: the low-level SHA256_CTX is a plain struct
// that copies without allocating, which EVP contexts do not. OpenSSL 3 marks it deprecated but
// keeps it; the one-shot functions below still use EVP.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "skon/base/errors.hpp"

namespace skon::base {
namespace {

void hex_into_string(const unsigned char* bytes, unsigned int n, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out.resize(2 * n);
  for (unsigned int i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
}

}  // namespace

void sha256_into(std::string_view bytes, unsigned char* out) {
  SHA256_CTX c;
  if (SHA256_Init(&c) != 1 || SHA256_Update(&c, bytes.data(), bytes.size()) != 1 ||
      SHA256_Final(out, &c) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
}

void append_hex(const unsigned char* bytes, std::size_t n, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out.resize(at + 2 * n);  // one resize: appending a character at a time showed in profiles
  char* to = out.data() + at;
  for (std::size_t i = 0; i < n; ++i) {
    to[2 * i] = kDigits[bytes[i] >> 4];
    to[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
}

namespace {

std::string to_hex(const unsigned char* bytes, unsigned int n) {
  std::string out;
  hex_into_string(bytes, n, out);
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

Sha256::~Sha256() {
  EVP_MD_CTX_free(state_->ctx);
}

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
  // Mapped rather than read: the bytes are hashed where the page cache holds them, without a
  // copy (a JSON Lines cohort of a million people is 450 MB).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError("cannot read '" + path.string() + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map != MAP_FAILED) {
      ::madvise(map, size, MADV_SEQUENTIAL);
      // Hashed in windows whose pages are released behind us: the process does not grow with
      // the file (a million JSON lines are 450 MB).
      constexpr std::size_t kWindow = 8u << 20;
      const char* bytes = static_cast<const char*>(map);
      Sha256 h;
      for (std::size_t at = 0; at < size; at += kWindow) {
        const std::size_t n = std::min(kWindow, size - at);
        h.update(std::string_view(bytes + at, n));
        ::madvise(const_cast<char*>(bytes) + at, n, MADV_DONTNEED);
      }
      ::munmap(map, size);
      ::close(fd);
      return h.hex();
    }
  }
  ::close(fd);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read '" + path.string() + "'");
  Sha256 h;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    h.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return h.hex();
}

struct HmacSha256::State {
  SHA256_CTX inner;  // after absorbing key ^ ipad
  SHA256_CTX outer;  // after absorbing key ^ opad
};

HmacSha256::HmacSha256(std::string_view key) : state_(std::make_unique<State>()) {
  std::array<unsigned char, 64> block{};
  if (key.size() > block.size()) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block.data());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<unsigned char, 64> ipad{}, opad{};
  for (std::size_t i = 0; i < block.size(); ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  if (SHA256_Init(&state_->inner) != 1 ||
      SHA256_Update(&state_->inner, ipad.data(), ipad.size()) != 1 ||
      SHA256_Init(&state_->outer) != 1 ||
      SHA256_Update(&state_->outer, opad.data(), opad.size()) != 1) {
    throw std::runtime_error("cannot initialise HMAC-SHA-256");
  }
}

HmacSha256::~HmacSha256() = default;

void HmacSha256::hex_into(std::string_view message, std::string& out) const {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256_CTX work = state_->inner;
  if (SHA256_Update(&work, message.data(), message.size()) != 1 ||
      SHA256_Final(digest.data(), &work) != 1) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  work = state_->outer;
  if (SHA256_Update(&work, digest.data(), digest.size()) != 1 ||
      SHA256_Final(digest.data(), &work) != 1) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  hex_into_string(digest.data(), SHA256_DIGEST_LENGTH, out);
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

}  // namespace skon::base
