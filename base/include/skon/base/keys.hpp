#pragma once

// The one policy for secret keys — the pseudonym key and the audit checkpoint key alike: at
// least 16 bytes and at least 64 bits of empirical entropy, so a key anyone could guess
// ("aaaaaaaaaaaaaaaa", all zeros, "password12345678") is refused. A guessable pseudonym key makes
// pseudonyms reversible by trying every CPR number; a guessable checkpoint key lets anyone sign
// a rewritten log's head.

#include <string>
#include <string_view>

namespace skon::base {

// The key's bytes' empirical entropy in bits (Shannon entropy of its byte counts times length).
double key_entropy_bits(std::string_view key);

// UsageError naming `what` ("the pseudonymization key") when `key` is shorter than 16 bytes or
// has less than 64 bits of entropy, with how to make a random one.
void check_secret_key(std::string_view key, std::string_view what);

// The key in file `path` (a trailing newline dropped), checked: InputError when it cannot be
// read or is empty, UsageError when it is too weak.
std::string read_secret_key(const std::string& path, std::string_view what);

// Whether anyone but the file's owner may read it (a key file should be 0600).
bool readable_by_others(const std::string& path);

}  // namespace skon::base
