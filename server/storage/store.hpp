// The durable change log. The engine appends each group of changes in one transaction
// (group commit) and acknowledges them only after it returns; at start-up it reads every
// event's changes back to rebuild the boards, starting from the newest stored board snapshot
// (a cache of the log, see schema/003_board_snapshots.sql) when there is one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
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

struct StoredSnapshot {
  domain::Seq seq = 0;
  std::string body;  // protocol::encode_board_state
  domain::UnixTime created_at = 0;
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

  // Stores `body`, the board of `slug` as of `seq`, and deletes all but the newest `keep`
  // snapshots of the event, in one transaction. Saving the same seq again replaces it.
  Status save_snapshot(const std::string& slug, domain::Seq seq, std::string_view body, domain::UnixTime created_at,
                       int keep = 2);
  // The newest snapshot of `slug` with seq <= at_most (a snapshot beyond the log's end is
  // never used), or none.
  Result<std::optional<StoredSnapshot>> latest_snapshot(const std::string& slug, domain::Seq at_most);
  // Deletes the snapshots of `slug` beyond `seq` (the end of its log): they describe a
  // history the log does not have, and would pass for a snapshot once the log got that far.
  Status drop_snapshots_after(const std::string& slug, domain::Seq seq);
  // The seq of the newest snapshot of `slug` (0 = none), for pacing snapshots. Read once,
  // then kept in memory and updated by save_snapshot, because the writer asks after every
  // commit. A failed save may be counted too (note_snapshot_attempt), so that a disk that
  // refuses snapshots is asked again after another interval of changes, not at every commit.
  Result<domain::Seq> newest_snapshot_seq(const std::string& slug);
  void note_snapshot_attempt(const std::string& slug, domain::Seq seq);

  [[nodiscard]] const std::string& path() const { return path_; }
  Connection& connection() { return db_; }

 private:
  Store(std::string path, Connection db) : path_(std::move(path)), db_(std::move(db)) {}
  Status prepare_snapshot_statements();
  std::string path_;
  Connection db_;
  std::optional<Statement> insert_change_;
  std::optional<Statement> upsert_board_;
  std::optional<Statement> insert_snapshot_;
  std::optional<Statement> prune_snapshots_;
  std::optional<Statement> latest_snapshot_;
  std::optional<Statement> newest_snapshot_seq_;
  std::map<std::string, domain::Seq> newest_snapshot_;  // slug -> seq, as far as known
};

struct Store::Opened {
  std::unique_ptr<Store> store;
  std::vector<std::string> migrations_applied;
};

}  // namespace boardwalk::storage
