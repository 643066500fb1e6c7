#include "store.hpp"

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
  auto upsert = Statement::prepare(
      store->db_,
      "INSERT INTO boards (slug, created_at, last_seq) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (slug) DO UPDATE SET last_seq = excluded.last_seq");
  if (!upsert) return upsert.error();
  store->upsert_board_.emplace(std::move(*upsert));
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
  auto q = Statement::prepare(
      db_, "SELECT seq, kind, at, body FROM events WHERE slug = ?1 AND seq > ?2 ORDER BY seq");
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
