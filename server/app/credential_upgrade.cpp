#include "credential_upgrade.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "app/secret_key_file.hpp"
#include "engine/secrets.hpp"

namespace boardwalk::app {

using nlohmann::json;
using storage::Statement;

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Rewrites, anywhere in a stored change, each "..._hash" text and each text in a "..._hashes"
// list (secret_hash, code_hash, ticket_hash, ticket_hashes). Empty means "none" and stays.
std::size_t upgrade_hashes(json& j, std::string_view key) {
  std::size_t n = 0;
  const auto upgrade = [&](json& value) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) {
      value = engine::upgrade_plain_hash(key, value.get_ref<const std::string&>());
      ++n;
    }
  };
  if (j.is_object()) {
    for (auto& [name, value] : j.items()) {
      if (ends_with(name, "_hash")) {
        upgrade(value);
      } else if (ends_with(name, "_hashes") && value.is_array()) {
        for (auto& item : value) upgrade(item);
      } else {
        n += upgrade_hashes(value, key);
      }
    }
  } else if (j.is_array()) {
    for (auto& item : j) n += upgrade_hashes(item, key);
  }
  return n;
}

}  // namespace

std::string key_check_of(std::string_view key) { return engine::hash_secret(key, "boardwalk secret key check"); }

Result<std::optional<std::string>> recorded_key_check(storage::Store& store) {
  auto q = Statement::prepare(store.connection(), "SELECT key_check FROM secret_key WHERE id = 1");
  if (!q) return q.error();
  auto row = q->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>{q->column_text(0)};
}

Result<std::size_t> key_database(storage::Store& store, std::string_view key) {
  auto& db = store.connection();
  auto tx = storage::Transaction::begin(db);
  if (!tx) return tx.error();
  // Only changes that hold a hash; read completely before any row is rewritten.
  struct Row {
    std::string slug;
    std::int64_t seq;
    std::string body;
  };
  std::vector<Row> rows;
  {
    auto q = Statement::prepare(db, "SELECT slug, seq, body FROM events WHERE instr(body, '_hash') > 0");
    if (!q) return q.error();
    for (;;) {
      auto row = q->step();
      if (!row) return row.error();
      if (!*row) break;
      rows.push_back({q->column_text(0), q->column_int(1), q->column_text(2)});
    }
  }
  auto update = Statement::prepare(db, "UPDATE events SET body = ?1 WHERE slug = ?2 AND seq = ?3");
  if (!update) return update.error();
  std::size_t upgraded = 0;
  for (const Row& r : rows) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) {
      return make_error("storage_error", "event " + r.slug + ": unreadable change " + std::to_string(r.seq) +
                                             "; its hashes cannot be upgraded");
    }
    const std::size_t n = upgrade_hashes(j, key);
    if (n == 0) continue;
    upgraded += n;
    update->bind(1, j.dump(-1, ' ', false, json::error_handler_t::replace)).bind(2, r.slug).bind(3, r.seq);
    if (auto s = update->step(); !s) return s.error();
    update->reset();
  }
  // Snapshots hold the old hashes too; they are only a cache of the log (rebuilt at load).
  if (auto s = db.exec("DELETE FROM board_snapshots"); !s) return s.error();
  auto record = Statement::prepare(db, "INSERT INTO secret_key (id, key_check, keyed_at) VALUES (1, ?1, ?2)");
  if (!record) return record.error();
  record->bind(1, key_check_of(key)).bind(2, static_cast<std::int64_t>(std::time(nullptr)));
  if (auto s = record->step(); !s) return s.error();
  record->reset();
  if (auto s = tx->commit(); !s) return s.error();
  return upgraded;
}

Result<std::string> prepare_secret_key(storage::Store& store, const std::string& key_file) {
  auto check = recorded_key_check(store);
  if (!check) return check.error();
  std::string key;
  if (*check) {
    if (key_file.empty()) return make_error("storage_error", "the database is keyed, but no secret key file was given");
    auto loaded = load_secret_key(key_file);
    if (!loaded) {
      return make_error("storage_error", loaded.error().message + ". The database " + store.path() +
                                             " was keyed with a secret key file, and without it no participant "
                                             "secret, organizer code or ticket code works: restore the file "
                                             "(or point --secret-key-file at it)");
    }
    if (key_check_of(*loaded) != **check) {
      return make_error("storage_error", "the secret key file " + key_file + " is not the key of the database " +
                                             store.path() +
                                             " (its credentials would all fail); use the key file it was keyed "
                                             "with (--secret-key-file)");
    }
    return std::move(*loaded);
  }
  if (key_file.empty()) {
    key = engine::random_bytes(secret_key_bytes);  // an in-memory database dies with the process
  } else {
    bool created = false;
    auto loaded = load_or_create_secret_key(key_file, created);
    if (!loaded) return loaded.error();
    if (created) spdlog::info("created the secret key file {} (keep it with the database's backups)", key_file);
    key = std::move(*loaded);
  }
  auto upgraded = key_database(store, key);
  if (!upgraded) return upgraded.error();
  if (*upgraded > 0) {
    spdlog::info("upgraded {} stored credential hashes to keyed hashes (secret key file {})", *upgraded, key_file);
  }
  return key;
}

}  // namespace boardwalk::app
