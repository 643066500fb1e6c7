// Migrations: the numbered schema/*.sql files are embedded in order, an empty database gets all
// of them (each recorded), a database made by an older schema upgrades itself with its data
// intact, and a database from a newer boardwalk is refused with a clear error.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "temp_db.hpp"

namespace boardwalk::test {
namespace {

using storage::Connection;
using storage::Statement;

struct MigrationRow {
  std::int64_t version;
  std::string name;
  bool operator==(const MigrationRow&) const = default;
};

std::vector<MigrationRow> recorded(const Connection& db) {
  auto q = Statement::prepare(db, "SELECT version, name FROM schema_migrations ORDER BY version");
  if (!q) throw std::runtime_error(q.error().message);
  std::vector<MigrationRow> out;
  while (true) {
    auto row = q->step();
    if (!row) throw std::runtime_error(row.error().message);
    if (!*row) break;
    out.push_back({q->column_int(0), q->column_text(1)});
  }
  return out;
}

std::vector<MigrationRow> all_embedded() {
  std::vector<MigrationRow> out;
  for (const auto& m : storage::embedded_migrations()) out.push_back({m.version, m.name});
  return out;
}

bool table_exists(const Connection& db, const std::string& name) {
  auto q = Statement::prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  if (!q) throw std::runtime_error(q.error().message);
  q->bind(1, std::string_view(name));
  auto row = q->step();
  return row && *row;
}

Connection open_or_die(const std::string& path) {
  auto db = Connection::open(path);
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

TEST(MigrationsTest, EmbeddedListIsNumberedInOrderStartingAtOne) {
  const auto& list = storage::embedded_migrations();
  ASSERT_GE(list.size(), 2u);
  EXPECT_STREQ(list[0].name, "001_events.sql");
  EXPECT_STREQ(list[1].name, "002_boards.sql");
  ASSERT_GE(list.size(), 3u);
  EXPECT_STREQ(list[2].name, "003_board_snapshots.sql");
  for (std::size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].version, static_cast<int>(i) + 1) << list[i].name;
    EXPECT_NE(std::string(list[i].sql).find("CREATE TABLE"), std::string::npos) << list[i].name;
  }
}

TEST(MigrationsTest, EmptyDatabaseGetsEveryMigrationRecordedAndAgainIsANoOp) {
  Connection db = open_or_die(":memory:");
  auto applied = storage::migrate(db, storage::embedded_migrations());
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, (std::vector<std::string>{"001_events.sql", "002_boards.sql", "003_board_snapshots.sql",
                                                "004_secret_key.sql"}));
  EXPECT_EQ(recorded(db), all_embedded());
  EXPECT_TRUE(table_exists(db, "events"));
  EXPECT_TRUE(table_exists(db, "boards"));
  EXPECT_TRUE(table_exists(db, "board_snapshots"));
  EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));  // no transaction left open

  auto again = storage::migrate(db, storage::embedded_migrations());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(recorded(db), all_embedded());
}

TEST(MigrationsTest, AFailingMigrationIsRolledBackAndNotRecorded) {
  Connection db = open_or_die(":memory:");
  const std::vector<storage::Migration> list = {
      {1, "001_ok.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "002_bad.sql", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  auto applied = storage::migrate(db, list);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, "storage_error");
  EXPECT_NE(applied.error().message.find("002_bad.sql"), std::string::npos) << applied.error().message;
  EXPECT_EQ(recorded(db), (std::vector<MigrationRow>{{1, "001_ok.sql"}}));
  EXPECT_TRUE(table_exists(db, "a"));
  EXPECT_FALSE(table_exists(db, "b"));  // half of 002 did not stay behind
  EXPECT_TRUE(sqlite3_get_autocommit(db.handle()));
}

TEST(MigrationsTest, NewerDatabaseIsRefusedByMigrate) {
  Connection db = open_or_die(":memory:");
  ASSERT_TRUE(storage::migrate(db, storage::embedded_migrations()));
  const std::vector<storage::Migration> older = {storage::embedded_migrations()[0]};
  auto r = storage::migrate(db, older);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "storage_error");
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
}

// A database made by a boardwalk that knew only 001: the events table has rows but there is no
// boards table yet. Opening it with the current schema applies 002, which fills boards from the
// log, and leaves the log untouched.
TEST(MigrationsTest, DatabaseFromAnOlderSchemaUpgradesWithDataIntact) {
  TempDb file;
  {
    Connection old = open_or_die(file.path());
    const std::vector<storage::Migration> first = {storage::embedded_migrations()[0]};
    auto applied = storage::migrate(old, first);
    ASSERT_TRUE(applied) << applied.error().message;
    ASSERT_EQ(*applied, std::vector<std::string>{"001_events.sql"});
    ASSERT_FALSE(table_exists(old, "boards"));
    ASSERT_TRUE(
        old.exec("INSERT INTO events (slug, seq, kind, at, body) VALUES "
                 "('late', 1, 'event_created', 500, '{\"n\":1}'),"
                 "('late', 2, 'room_added', 501, '{\"n\":2}'),"
                 "('late', 3, 'slot_added', 502, '{\"n\":3}'),"
                 "('early', 1, 'event_created', 100, '{\"n\":\"e1\"}'),"
                 "('early', 2, 'room_added', 900, '{\"n\":\"e2\"}')"));
  }

  auto opened = storage::Store::open(file.path());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->migrations_applied,
            (std::vector<std::string>{"002_boards.sql", "003_board_snapshots.sql", "004_secret_key.sql"}));
  storage::Store& store = *opened->store;
  EXPECT_EQ(recorded(store.connection()), all_embedded());

  auto heads = store.events();
  ASSERT_TRUE(heads) << heads.error().message;
  ASSERT_EQ(heads->size(), 2u);
  EXPECT_EQ((*heads)[0].slug, "early");  // ordered by creation time: min(at) 100 < 500
  EXPECT_EQ((*heads)[0].last_seq, 2);
  EXPECT_EQ((*heads)[1].slug, "late");
  EXPECT_EQ((*heads)[1].last_seq, 3);

  std::vector<std::string> bodies;
  ASSERT_TRUE(store.for_each_change("late", 0, [&](const storage::StoredChange& c) -> Status {
    bodies.push_back(std::to_string(c.seq) + c.kind + std::to_string(c.at) + c.body);
    return Ok{};
  }));
  EXPECT_EQ(bodies, (std::vector<std::string>{"1event_created500{\"n\":1}", "2room_added501{\"n\":2}",
                                              "3slot_added502{\"n\":3}"}));

  // The upgraded store carries on where the old one stopped.
  const storage::StoredChange next{"late", 4, "topic_proposed", 503, "{}"};
  ASSERT_TRUE(store.append(std::span(&next, 1)));
  heads = store.events();
  ASSERT_TRUE(heads);
  EXPECT_EQ((*heads)[1].last_seq, 4);
}

// A database made by a boardwalk that knew 001 and 002 (before board snapshots): opening it
// applies 003 alone, keeps the log and the boards table as they were, and snapshots work.
TEST(MigrationsTest, DatabaseFromSchema002GainsBoardSnapshotsWithDataIntact) {
  TempDb file;
  {
    Connection old = open_or_die(file.path());
    const std::vector<storage::Migration> first_two = {storage::embedded_migrations()[0],
                                                       storage::embedded_migrations()[1]};
    auto applied = storage::migrate(old, first_two);
    ASSERT_TRUE(applied) << applied.error().message;
    ASSERT_FALSE(table_exists(old, "board_snapshots"));
    ASSERT_TRUE(
        old.exec("INSERT INTO events (slug, seq, kind, at, body) VALUES "
                 "('conf', 1, 'event_created', 100, '{\"n\":1}'), ('conf', 2, 'room_added', 101, '{\"n\":2}');"
                 "INSERT INTO boards (slug, created_at, last_seq) VALUES ('conf', 100, 2)"));
  }

  auto opened = storage::Store::open(file.path());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->migrations_applied, (std::vector<std::string>{"003_board_snapshots.sql", "004_secret_key.sql"}));
  storage::Store& store = *opened->store;
  EXPECT_EQ(recorded(store.connection()), all_embedded());
  EXPECT_TRUE(table_exists(store.connection(), "board_snapshots"));

  auto heads = store.events();
  ASSERT_TRUE(heads) << heads.error().message;
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ((*heads)[0].last_seq, 2);
  int rows = 0;
  ASSERT_TRUE(store.for_each_change("conf", 0, [&](const storage::StoredChange&) -> Status {
    ++rows;
    return Ok{};
  }));
  EXPECT_EQ(rows, 2);

  auto none = store.latest_snapshot("conf", 2);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());  // an upgraded database starts without snapshots
  ASSERT_TRUE(store.save_snapshot("conf", 2, "body", 102));
  auto some = store.latest_snapshot("conf", 2);
  ASSERT_TRUE(some && some->has_value());
  EXPECT_EQ((*some)->seq, 2);
}

TEST(MigrationsTest, StoreRefusesADatabaseRecordedAtANewerVersion) {
  TempDb file;
  {
    auto opened = storage::Store::open(file.path());
    ASSERT_TRUE(opened) << opened.error().message;
    ASSERT_TRUE(opened->store->connection().exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future.sql', 0)"));
  }
  auto reopened = storage::Store::open(file.path());
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code, "storage_error");
  const std::string& message = reopened.error().message;
  EXPECT_NE(message.find("999"), std::string::npos) << message;
  EXPECT_NE(message.find("newer"), std::string::npos) << message;

  // Refusing touched nothing: the future version is still recorded as it was.
  Connection db = open_or_die(file.path());
  auto rows = recorded(db);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back(), (MigrationRow{999, "999_future.sql"}));
}

}  // namespace
}  // namespace boardwalk::test
