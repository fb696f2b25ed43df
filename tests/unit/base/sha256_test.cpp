#include "skon/base/sha256.hpp"

#include <doctest/doctest.h>

using namespace skon::base;

TEST_CASE("sha256: known vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 incremental;
  incremental.update("a");
  incremental.update("bc");
  CHECK(incremental.hex() == sha256_hex("abc"));
}

TEST_CASE("hmac-sha256: RFC 4231 test case 2") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac-sha256: the precomputed form equals the one-shot form, for short and long keys") {
  for (const std::string& key :
       {std::string("Jefe"), std::string(100, 'k'), std::string(64, 'x')}) {
    const HmacSha256 h(key);
    for (const std::string& msg :
         {std::string(""), std::string("0101012222"), std::string(1000, 'm')}) {
      CHECK(h.hex(msg) == hmac_sha256_hex(key, msg));
    }
  }
  // RFC 4231 test case 6: a 131-byte key.
  CHECK(HmacSha256(std::string(131, '\xaa'))
            .hex("Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}
