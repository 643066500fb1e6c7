// Secrets handed to devices (participant secrets, organizer codes, ticket codes): random,
// shown once, stored only as a keyed hash.
//
// The hash is HMAC-SHA256 under the server's secret key, which lives in a key file outside the
// database (app/secret_key_file.hpp), so a copy of the database alone does not let anyone test
// guesses of short codes offline. It is defined over the plain SHA-256 of the secret,
//   hash_secret(key, s) = hex(HMAC-SHA256(key, hex(SHA-256(s)))),
// because databases written before keys existed hold hex(SHA-256(s)): such a stored hash h
// becomes the keyed one as upgrade_plain_hash(key, h), without knowing s
// (app/credential_upgrade.hpp).
#pragma once

#include <string>
#include <string_view>

namespace boardwalk::engine {

// 128 random bits from the OS CSPRNG, base64url without padding (22 characters).
std::string new_secret();
// `n` random bytes from the OS CSPRNG (throws if the OS cannot provide them).
std::string random_bytes(std::size_t n);
// Lowercase hex HMAC-SHA256 of hex(SHA-256(secret)) under `key` (64 characters).
std::string hash_secret(std::string_view key, std::string_view secret);
// Lowercase hex SHA-256 of `secret`: the unkeyed hash that old databases hold.
std::string plain_hash(std::string_view secret);
// The keyed hash of the secret whose plain hash is `plain_hash_hex`.
std::string upgrade_plain_hash(std::string_view key, std::string_view plain_hash_hex);

}  // namespace boardwalk::engine
