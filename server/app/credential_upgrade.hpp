// Ties a database to its secret key (app/secret_key_file.hpp, schema/004_secret_key.sql).
// Databases written before keyed hashes hold plain SHA-256 hashes of secrets, organizer codes
// and ticket codes; the first start with a key rewrites each stored hash h as
// upgrade_plain_hash(key, h) (engine/secrets.hpp), which is exactly the keyed hash of the same
// secret, so everybody keeps their identity, codes and tickets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "storage/store.hpp"

namespace boardwalk::app {

// The recorded check value of the database's key, or nullopt if it is not keyed yet.
Result<std::optional<std::string>> recorded_key_check(storage::Store& store);
// The check value stored for `key`: an HMAC of a fixed text, which does not reveal the key.
std::string key_check_of(std::string_view key);
// Upgrades every stored credential hash to `key`, drops the stored board snapshots (a cache
// of the log, rebuilt at load) and records the key, in one transaction. Returns how many
// hashes it upgraded. Only for a database that is not keyed yet.
Result<std::size_t> key_database(storage::Store& store, std::string_view key);

// What the server and the CLI call after opening the store: returns the key to hash with.
// A keyed database needs its key file (`key_file`) and refuses any other key; a database that
// is not keyed yet gets the key file (created if missing) and is upgraded to it. ":memory:"
// databases without a key file get a random key that lives as long as the process.
Result<std::string> prepare_secret_key(storage::Store& store, const std::string& key_file);

}  // namespace boardwalk::app
