// The durable change log. The engine appends each group of changes in one transaction
// (group commit) and acknowledges them only after it returns; at start-up it reads every
// event's changes back to rebuild the boards.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/result.hpp"
#include "domain/types.hpp"
#include "sqlite.hpp"

namespace boardwalk::storage {

// How hard a commit waits for the disk. `full` (default) survives power loss; `normal`
// survives a crash of boardwalk but may lose the last commits on power loss; `off` may
// corrupt the database on power loss and is only for benchmarks.
enum class Durability { full, normal, off };
std::optional<Durability> durability_from(std::string_view s);

struct StoredChange {
  std::string slug;
  domain::Seq seq = 0;
  std::string kind;
  domain::UnixTime at = 0;
  std::string body;  // JSON
};

struct EventHead {
  std::string slug;
  domain::Seq last_seq = 0;
};

class Store {
 public:
  struct Opened;
  // Opens (creating if needed) the database, sets WAL and `durability`, applies migrations.
  static Result<Opened> open(const std::string& path, Durability durability = Durability::full);

  // Appends every change in one transaction: all or none are stored.
  Status append(std::span<const StoredChange> changes);
  Result<std::vector<EventHead>> events();
  // Calls `fn` for each stored change of `slug` with seq > after, in seq order.
  Status for_each_change(const std::string& slug, domain::Seq after,
                         const std::function<Status(const StoredChange&)>& fn);
  [[nodiscard]] const std::string& path() const { return path_; }
  Connection& connection() { return db_; }

 private:
  Store(std::string path, Connection db) : path_(std::move(path)), db_(std::move(db)) {}
  std::string path_;
  Connection db_;
  std::optional<Statement> insert_change_;
  std::optional<Statement> upsert_board_;
};

struct Store::Opened {
  std::unique_ptr<Store> store;
  std::vector<std::string> migrations_applied;
};

}  // namespace boardwalk::storage
