// Secrets handed to devices (participant secrets, organizer codes): random, shown once,
// stored only as a hash.
#pragma once

#include <string>
#include <string_view>

namespace boardwalk::engine {

// 128 random bits from the OS CSPRNG, base64url without padding (22 characters).
std::string new_secret();
// Lowercase hex SHA-256 of `secret`.
std::string hash_secret(std::string_view secret);

}  // namespace boardwalk::engine
