#include "store.hpp"

#include <algorithm>

#include "migrations.hpp"

namespace boardwalk::storage {

std::optional<Durability> durability_from(std::string_view s) {
  if (s == "full") return Durability::full;
  if (s == "normal") return Durability::normal;
  if (s == "off") return Durability::off;
  return std::nullopt;
}

Result<Store::Opened> Store::open(const std::string& path, Durability durability) {
  auto db = Connection::open(path);
  if (!db) return db.error();
  // SQLite quietly opens a write-protected file read-only; every commit would then fail.
  // Refuse to start instead, saying why.
  if (path != ":memory:" && sqlite3_db_readonly(db->handle(), "main") == 1) {
    return make_error("storage_error", "the database '" + path +
                                           "' is read-only (file permissions or a read-only file system); "
                                           "boardwalk must be able to write it");
  }
  auto wal = Statement::prepare(*db, "PRAGMA journal_mode=WAL");
  if (!wal) return wal.error();
  if (auto r = wal->step(); !r) return r.error();
  if (path != ":memory:" && wal->column_text(0) != "wal") {
    return make_error("storage_error", "cannot switch '" + path + "' to WAL mode");
  }
  wal->reset();
  const char* sync = durability == Durability::full     ? "PRAGMA synchronous=FULL"
                     : durability == Durability::normal ? "PRAGMA synchronous=NORMAL"
                                                        : "PRAGMA synchronous=OFF";
  if (auto s = db->exec(sync); !s) return s.error();
  if (auto s = db->exec("PRAGMA foreign_keys=ON"); !s) return s.error();
  auto applied = migrate(*db, embedded_migrations());
  if (!applied) return applied.error();

  std::unique_ptr<Store> store(new Store(path, std::move(*db)));
  auto insert = Statement::prepare(store->db_,
                                   "INSERT INTO events (slug, seq, kind, at, body) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return insert.error();
  store->insert_change_.emplace(std::move(*insert));
  auto upsert = Statement::prepare(store->db_,
                                   "INSERT INTO boards (slug, created_at, last_seq) VALUES (?1, ?2, ?3) "
                                   "ON CONFLICT (slug) DO UPDATE SET last_seq = excluded.last_seq");
  if (!upsert) return upsert.error();
  store->upsert_board_.emplace(std::move(*upsert));
  if (auto s = store->prepare_snapshot_statements(); !s) return s.error();
  return Opened{std::move(store), std::move(*applied)};
}

Status Store::append(std::span<const StoredChange> changes) {
  if (changes.empty()) return Ok{};
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  for (const StoredChange& c : changes) {
    insert_change_->reset();
    insert_change_->bind(1, c.slug).bind(2, c.seq).bind(3, c.kind).bind(4, c.at).bind(5, c.body);
    if (auto r = insert_change_->step(); !r) return r.error();
    upsert_board_->reset();
    upsert_board_->bind(1, c.slug).bind(2, c.at).bind(3, c.seq);
    if (auto r = upsert_board_->step(); !r) return r.error();
  }
  insert_change_->reset();
  upsert_board_->reset();
  return tx->commit();
}

Result<std::vector<EventHead>> Store::events() {
  auto q = Statement::prepare(db_, "SELECT slug, last_seq FROM boards ORDER BY created_at, slug");
  if (!q) return q.error();
  std::vector<EventHead> out;
  while (true) {
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(EventHead{q->column_text(0), q->column_int(1)});
  }
  return out;
}

Status Store::for_each_change(const std::string& slug, domain::Seq after,
                              const std::function<Status(const StoredChange&)>& fn) {
  auto q = Statement::prepare(db_, "SELECT seq, kind, at, body FROM events WHERE slug = ?1 AND seq > ?2 ORDER BY seq");
  if (!q) return q.error();
  q->bind(1, slug).bind(2, after);
  StoredChange c;
  c.slug = slug;
  while (true) {
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) break;
    c.seq = q->column_int(0);
    c.kind = q->column_text(1);
    c.at = q->column_int(2);
    c.body = q->column_text(3);
    if (auto s = fn(c); !s) return s;
  }
  return Ok{};
}

}  // namespace boardwalk::storage

namespace boardwalk::storage {

Status Store::prepare_snapshot_statements() {
  const auto prepare = [&](std::optional<Statement>& into, std::string_view sql) -> Status {
    auto st = Statement::prepare(db_, sql);
    if (!st) return st.error();
    into.emplace(std::move(*st));
    return Ok{};
  };
  if (auto s = prepare(insert_snapshot_,
                       "INSERT INTO board_snapshots (event_slug, seq, body, created_at) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (event_slug, seq) DO UPDATE "
                       "SET body = excluded.body, created_at = excluded.created_at");
      !s) {
    return s;
  }
  if (auto s = prepare(prune_snapshots_,
                       "DELETE FROM board_snapshots WHERE event_slug = ?1 AND seq NOT IN "
                       "(SELECT seq FROM board_snapshots WHERE event_slug = ?1 "
                       "ORDER BY seq DESC LIMIT ?2)");
      !s) {
    return s;
  }
  if (auto s = prepare(latest_snapshot_,
                       "SELECT seq, body, created_at FROM board_snapshots "
                       "WHERE event_slug = ?1 AND seq <= ?2 ORDER BY seq DESC LIMIT 1");
      !s) {
    return s;
  }
  return prepare(newest_snapshot_seq_, "SELECT COALESCE(MAX(seq), 0) FROM board_snapshots WHERE event_slug = ?1");
}

Status Store::save_snapshot(const std::string& slug, domain::Seq seq, std::string_view body,
                            domain::UnixTime created_at, int keep) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  insert_snapshot_->reset();
  insert_snapshot_->bind(1, slug).bind(2, seq).bind_blob(3, body).bind(4, created_at);
  auto inserted = insert_snapshot_->step();
  insert_snapshot_->reset();
  if (!inserted) return inserted.error();
  prune_snapshots_->reset();
  prune_snapshots_->bind(1, slug).bind(2, static_cast<std::int64_t>(std::max(keep, 1)));
  auto pruned = prune_snapshots_->step();
  prune_snapshots_->reset();
  if (!pruned) return pruned.error();
  if (auto s = tx->commit(); !s) return s;
  note_snapshot_attempt(slug, seq);
  return Ok{};
}

void Store::note_snapshot_attempt(const std::string& slug, domain::Seq seq) {
  auto& newest = newest_snapshot_[slug];
  newest = std::max(newest, seq);
}

Result<std::optional<StoredSnapshot>> Store::latest_snapshot(const std::string& slug, domain::Seq at_most) {
  latest_snapshot_->reset();
  latest_snapshot_->bind(1, slug).bind(2, at_most);
  auto row = latest_snapshot_->step();
  if (!row) return row.error();
  std::optional<StoredSnapshot> out;
  if (*row) {
    out = StoredSnapshot{latest_snapshot_->column_int(0), latest_snapshot_->column_blob(1),
                         latest_snapshot_->column_int(2)};
  }
  latest_snapshot_->reset();  // an unfinished SELECT would hold its read snapshot open
  return out;
}

Status Store::drop_snapshots_after(const std::string& slug, domain::Seq seq) {
  auto drop = Statement::prepare(db_, "DELETE FROM board_snapshots WHERE event_slug = ?1 AND seq > ?2");
  if (!drop) return drop.error();
  drop->bind(1, slug).bind(2, seq);
  if (auto r = drop->step(); !r) return r.error();
  newest_snapshot_.erase(slug);  // read again when next asked
  return Ok{};
}

Result<domain::Seq> Store::newest_snapshot_seq(const std::string& slug) {
  if (const auto it = newest_snapshot_.find(slug); it != newest_snapshot_.end()) return it->second;
  newest_snapshot_seq_->reset();
  newest_snapshot_seq_->bind(1, slug);
  auto row = newest_snapshot_seq_->step();
  if (!row) return row.error();
  const domain::Seq seq = *row ? newest_snapshot_seq_->column_int(0) : 0;
  newest_snapshot_seq_->reset();
  newest_snapshot_[slug] = seq;
  return seq;
}

}  // namespace boardwalk::storage
