// The server's secret key for credential hashes (engine/secrets.hpp): 32 random bytes in a
// file outside the database (by default DB.key next to it), readable by its owner only. A copy
// of the database without this file does not let anyone test guesses of codes; without the
// file, nobody's secret, organizer code or ticket code works any more, so it is backed up with
// the database (README, "Backups").
#pragma once

#include <cstddef>
#include <string>

#include "domain/result.hpp"

namespace boardwalk::app {

inline constexpr std::size_t secret_key_bytes = 32;

// Reads the key; an error if the file is missing, not a regular file or not 32 bytes long.
Result<std::string> load_secret_key(const std::string& path);
// Reads the key, or creates the file (mode 0600, written completely before it appears under
// `path`, so a crash never leaves a short key behind) with fresh random bytes if it does not
// exist. `created` tells which.
Result<std::string> load_or_create_secret_key(const std::string& path, bool& created);

}  // namespace boardwalk::app
