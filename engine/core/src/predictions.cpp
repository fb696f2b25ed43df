#include "skon/core/predictions.hpp"

#include <cstdio>

namespace skon::engine {
namespace {

// As the assessments' pseudonyms: the first 128 bits of HMAC-SHA-256, in hex.
constexpr std::size_t kPseudonymDigits = 32;

}  // namespace

PredictionsFile::PredictionsFile(const std::string& path, const std::string& id_key)
    : out_(path), hmac_(id_key.empty() ? nullptr : std::make_unique<base::HmacSha256>(id_key)) {
  out_.write("id,probability,outcome\n");
}

void PredictionsFile::add(std::string_view id, double probability, double outcome) {
  line_.clear();
  if (hmac_) {
    hmac_->hex_into(id, pseudonym_);
    line_.append(pseudonym_, 0, kPseudonymDigits);
  } else {
    line_.append(id);
  }
  char b[48];
  std::snprintf(b, sizeof b, ",%.17g,%d\n", probability, outcome > 0.5 ? 1 : 0);
  line_ += b;
  out_.write(line_);
}

}  // namespace skon::engine
