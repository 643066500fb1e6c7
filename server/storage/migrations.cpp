#include "migrations.hpp"

#include <ctime>

namespace boardwalk::storage {

Result<std::vector<std::string>> migrate(Connection& db, const std::vector<Migration>& list) {
  if (auto s = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                       " applied_at INTEGER NOT NULL)");
      !s) {
    return s.error();
  }
  auto current = Statement::prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!current) return current.error();
  auto has = current->step();
  if (!has) return has.error();
  const auto at_version = current->column_int(0);
  current->reset();  // an unfinished SELECT would block COMMIT below
  const int newest = list.empty() ? 0 : list.back().version;
  if (at_version > newest) {
    return make_error("storage_error",
                      "the database is at schema version " + std::to_string(at_version) +
                          ", newer than this boardwalk knows (" + std::to_string(newest) +
                          "); use a newer boardwalk");
  }
  std::vector<std::string> applied;
  for (const Migration& m : list) {
    if (m.version <= at_version) continue;
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    if (auto s = db.exec(m.sql); !s) {
      return make_error("storage_error", std::string("migration ") + m.name + " failed: " + s.error().message);
    }
    auto record = Statement::prepare(
        db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
    if (!record) return record.error();
    record->bind(1, m.version).bind(2, m.name).bind(3, static_cast<std::int64_t>(std::time(nullptr)));
    if (auto r = record->step(); !r) return r.error();
    record->reset();
    if (auto s = tx->commit(); !s) return s.error();
    applied.emplace_back(m.name);
  }
  return applied;
}

}  // namespace boardwalk::storage
