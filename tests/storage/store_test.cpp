// The durable change log: WAL and the durability setting on open, append is all-or-nothing,
// reopening gives back identical rows and last_seq, and for_each_change reads one event's
// changes in seq order after a given seq.
#include <gtest/gtest.h>

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/board.hpp"
#include "protocol/codec.hpp"
#include "storage/migrations.hpp"
#include "storage/store.hpp"
#include "temp_db.hpp"

namespace boardwalk::test {
namespace {

using storage::Durability;
using storage::Statement;
using storage::Store;
using storage::StoredChange;

std::unique_ptr<Store> open_store(const std::string& path, Durability d = Durability::full) {
  auto opened = Store::open(path, d);
  if (!opened) throw std::runtime_error(opened.error().message);
  return std::move(opened->store);
}

std::string pragma(storage::Connection& db, const std::string& name) {
  auto q = Statement::prepare(db, "PRAGMA " + name);
  if (!q) throw std::runtime_error(q.error().message);
  auto row = q->step();
  if (!row || !*row) throw std::runtime_error("no pragma row");
  return q->column_text(0);
}

StoredChange change(const std::string& slug, domain::Seq seq, domain::UnixTime at = 1000) {
  return StoredChange{slug, seq, "kind_" + std::to_string(seq), at + seq,
                      "{\"slug\":\"" + slug + "\",\"seq\":" + std::to_string(seq) + "}"};
}

// Every stored row of the log, in a comparable form.
std::vector<std::string> all_rows(Store& store) {
  auto q = Statement::prepare(store.connection(), "SELECT slug, seq, kind, at, body FROM events ORDER BY slug, seq");
  if (!q) throw std::runtime_error(q.error().message);
  std::vector<std::string> out;
  while (true) {
    auto row = q->step();
    if (!row) throw std::runtime_error(row.error().message);
    if (!*row) break;
    out.push_back(q->column_text(0) + "|" + std::to_string(q->column_int(1)) + "|" + q->column_text(2) + "|" +
                  std::to_string(q->column_int(3)) + "|" + q->column_text(4));
  }
  return out;
}

std::vector<StoredChange> read_changes(Store& store, const std::string& slug, domain::Seq after) {
  std::vector<StoredChange> out;
  auto s = store.for_each_change(slug, after, [&](const StoredChange& c) -> Status {
    out.push_back(c);
    return Ok{};
  });
  if (!s) throw std::runtime_error(s.error().message);
  return out;
}

domain::Seq last_seq(Store& store, const std::string& slug) {
  auto heads = store.events();
  if (!heads) throw std::runtime_error(heads.error().message);
  for (const auto& h : *heads) {
    if (h.slug == slug) return h.last_seq;
  }
  return 0;
}

TEST(StoreTest, OpenCreatesAMigratedWalDatabaseWithFullSyncByDefault) {
  TempDb file;
  auto opened = Store::open(file.path());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->migrations_applied, (std::vector<std::string>{"001_events.sql", "002_boards.sql",
                                                                  "003_board_snapshots.sql", "004_secret_key.sql"}));
  Store& store = *opened->store;
  EXPECT_EQ(store.path(), file.path());
  EXPECT_EQ(pragma(store.connection(), "journal_mode"), "wal");
  EXPECT_EQ(pragma(store.connection(), "synchronous"), "2");  // FULL
  EXPECT_EQ(pragma(store.connection(), "foreign_keys"), "1");
  auto q = Statement::prepare(store.connection(), "SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->step());
  EXPECT_EQ(q->column_int(0), static_cast<std::int64_t>(storage::embedded_migrations().size()));
  auto heads = store.events();
  ASSERT_TRUE(heads);
  EXPECT_TRUE(heads->empty());
}

TEST(StoreTest, DurabilitySettingsMapToSynchronousLevels) {
  TempDb full, normal, off;
  EXPECT_EQ(pragma(open_store(full.path(), Durability::full)->connection(), "synchronous"), "2");
  EXPECT_EQ(pragma(open_store(normal.path(), Durability::normal)->connection(), "synchronous"), "1");
  EXPECT_EQ(pragma(open_store(off.path(), Durability::off)->connection(), "synchronous"), "0");
}

TEST(StoreTest, DurabilityFromParsesExactlyTheDocumentedNames) {
  EXPECT_EQ(storage::durability_from("full"), Durability::full);
  EXPECT_EQ(storage::durability_from("normal"), Durability::normal);
  EXPECT_EQ(storage::durability_from("off"), Durability::off);
  EXPECT_EQ(storage::durability_from("FULL"), std::nullopt);
  EXPECT_EQ(storage::durability_from(""), std::nullopt);
  EXPECT_EQ(storage::durability_from("extra"), std::nullopt);
}

TEST(StoreTest, OpenOnAnUnwritablePathIsAClearError) {
  auto opened = Store::open("/nonexistent-dir-boardwalk/x.db");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, "storage_error");
  EXPECT_NE(opened.error().message.find("/nonexistent-dir-boardwalk/x.db"), std::string::npos);
}

TEST(StoreTest, AppendedChangesSurviveReopenIdentically) {
  TempDb file;
  std::vector<std::string> before;
  {
    auto store = open_store(file.path());
    const std::vector<StoredChange> first = {change("a", 1), change("a", 2), change("b", 1)};
    ASSERT_TRUE(store->append(first));
    const std::vector<StoredChange> second = {change("a", 3), change("b", 2), change("b", 3), change("b", 4)};
    ASSERT_TRUE(store->append(second));
    ASSERT_TRUE(store->append({}));  // an empty group is fine and stores nothing
    before = all_rows(*store);
    ASSERT_EQ(before.size(), 7u);
  }
  auto opened = Store::open(file.path());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_TRUE(opened->migrations_applied.empty());
  Store& store = *opened->store;
  EXPECT_EQ(all_rows(store), before);
  EXPECT_EQ(last_seq(store, "a"), 3);
  EXPECT_EQ(last_seq(store, "b"), 4);
  const auto a = read_changes(store, "a", 0);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].slug, "a");
  EXPECT_EQ(a[2].seq, 3);
  EXPECT_EQ(a[2].kind, "kind_3");
  EXPECT_EQ(a[2].at, 1003);
  EXPECT_EQ(a[2].body, "{\"slug\":\"a\",\"seq\":3}");
}

TEST(StoreTest, EventsAreListedInCreationOrderWithTheirLastSeq) {
  auto store = open_store(":memory:");
  const std::vector<StoredChange> group = {change("zeta", 1, 100), change("alpha", 1, 200), change("zeta", 2, 300)};
  ASSERT_TRUE(store->append(group));
  auto heads = store->events();
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), 2u);
  EXPECT_EQ((*heads)[0].slug, "zeta");  // created first, although it sorts last by name
  EXPECT_EQ((*heads)[0].last_seq, 2);
  EXPECT_EQ((*heads)[1].slug, "alpha");
  EXPECT_EQ((*heads)[1].last_seq, 1);
}

// The engine relies on this: a failed group commit leaves nothing behind, not even the rows
// before the failing one, and the store carries on.
TEST(StoreTest, AppendIsAllOrNothing) {
  TempDb file;
  auto store = open_store(file.path());
  ASSERT_TRUE(store->append(std::vector<StoredChange>{change("a", 1)}));
  const auto before = all_rows(*store);

  // Second row duplicates (slug, seq) of the first row of the same batch.
  const std::vector<StoredChange> dup_in_batch = {change("a", 2), change("a", 2), change("a", 3)};
  auto s = store->append(dup_in_batch);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "storage_error");
  EXPECT_NE(s.error().message.find("UNIQUE"), std::string::npos) << s.error().message;
  EXPECT_EQ(all_rows(*store), before);
  EXPECT_EQ(last_seq(*store, "a"), 1);

  // Second row duplicates a row already stored; the first is new (and for another event).
  const std::vector<StoredChange> dup_stored = {change("b", 1), change("a", 1)};
  ASSERT_FALSE(store->append(dup_stored));
  EXPECT_EQ(all_rows(*store), before);
  EXPECT_EQ(last_seq(*store, "b"), 0);

  // A row the schema refuses (seq must be positive).
  ASSERT_FALSE(store->append(std::vector<StoredChange>{change("a", 2), change("a", 0)}));
  EXPECT_EQ(all_rows(*store), before);

  // Still usable, on this connection and after reopening.
  EXPECT_TRUE(sqlite3_get_autocommit(store->connection().handle()));
  ASSERT_TRUE(store->append(std::vector<StoredChange>{change("a", 2), change("b", 1)}));
  EXPECT_EQ(last_seq(*store, "a"), 2);
  EXPECT_EQ(last_seq(*store, "b"), 1);
  store.reset();
  auto reopened = open_store(file.path());
  EXPECT_EQ(all_rows(*reopened).size(), 3u);
  EXPECT_EQ(last_seq(*reopened, "a"), 2);
}

TEST(StoreTest, ForEachChangeReadsOneEventInSeqOrderAfterTheGivenSeq) {
  auto store = open_store(":memory:");
  // Interleaved events, each group in arbitrary order within itself.
  ASSERT_TRUE(store->append(std::vector<StoredChange>{change("b", 1), change("a", 2), change("a", 1)}));
  ASSERT_TRUE(store->append(std::vector<StoredChange>{change("a", 4), change("b", 2), change("a", 3), change("a", 5)}));
  auto seqs = [&](const std::string& slug, domain::Seq after) {
    std::vector<domain::Seq> out;
    for (const auto& c : read_changes(*store, slug, after)) {
      EXPECT_EQ(c.slug, slug);
      EXPECT_EQ(c.kind, "kind_" + std::to_string(c.seq));
      out.push_back(c.seq);
    }
    return out;
  };
  EXPECT_EQ(seqs("a", 0), (std::vector<domain::Seq>{1, 2, 3, 4, 5}));
  EXPECT_EQ(seqs("a", 2), (std::vector<domain::Seq>{3, 4, 5}));
  EXPECT_EQ(seqs("a", 4), (std::vector<domain::Seq>{5}));
  EXPECT_TRUE(seqs("a", 5).empty());
  EXPECT_TRUE(seqs("a", 99).empty());
  EXPECT_EQ(seqs("b", 0), (std::vector<domain::Seq>{1, 2}));
  EXPECT_TRUE(seqs("c", 0).empty());
}

TEST(StoreTest, ForEachChangeStopsAtTheFirstErrorAndReturnsIt) {
  auto store = open_store(":memory:");
  ASSERT_TRUE(store->append(std::vector<StoredChange>{change("a", 1), change("a", 2), change("a", 3)}));
  std::vector<domain::Seq> seen;
  auto s = store->for_each_change("a", 0, [&](const StoredChange& c) -> Status {
    seen.push_back(c.seq);
    if (c.seq == 2) return make_error("boom", "stop here");
    return Ok{};
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "boom");
  EXPECT_EQ(seen, (std::vector<domain::Seq>{1, 2}));
  // No read left open: a write right after works.
  EXPECT_TRUE(store->append(std::vector<StoredChange>{change("a", 4)}));
}

// What the engine does at start-up, on real changes: the board rebuilt from the stored log of a
// reopened file is identical to the one that produced it.
TEST(StoreTest, RealChangesReplayedFromAReopenedFileGiveTheSameBoard) {
  using namespace domain;
  TempDb file;
  Board original;
  {
    auto store = open_store(file.path());
    std::vector<StoredChange> group;
    auto run = [&](const Command& command, const Actor& actor) {
      auto body = original.decide(command, actor);
      ASSERT_TRUE(body) << body.error().message;
      Change c{original.seq() + 1, 1778868000 + original.seq(), std::nullopt, *body};
      if (actor.kind == Actor::Kind::participant) c.actor = actor.participant;
      original.apply(c);
      group.push_back(StoredChange{"conf", c.seq, std::string(change_kind(c.body)), c.at,
                                   protocol::encode_change(c, "conf", protocol::Audience::storage).dump()});
    };
    run(CreateEvent{"conf", "Conf", "Europe/Prague", 2, {}}, Actor::system());
    run(AddRoom{"Room A", RoomKind::open_space, 30}, Actor::system());
    run(AddSlot{"2026-05-15", 1778868000, 1778871600}, Actor::system());
    ASSERT_TRUE(store->append(group));
    group.clear();
    run(Join{"Ada", "hash-ada", std::nullopt, std::nullopt}, Actor::anonymous());
    run(ProposeTopic{"Typing", "all the types"}, Actor::of(1));
    run(Vote{1}, Actor::of(1));
    run(ScheduleTopic{1, 1, 1}, Actor::of(1));
    ASSERT_TRUE(store->append(group));
  }
  auto store = open_store(file.path());
  EXPECT_EQ(last_seq(*store, "conf"), original.seq());
  Board rebuilt;
  ASSERT_TRUE(store->for_each_change("conf", 0, [&](const StoredChange& stored) -> Status {
    auto c = protocol::decode_change(nlohmann::json::parse(stored.body));
    if (!c) return c.error();
    rebuilt.apply(*c);
    return Ok{};
  }));
  EXPECT_EQ(rebuilt.seq(), original.seq());
  EXPECT_EQ(protocol::encode_board(rebuilt).dump(), protocol::encode_board(original).dump());
  EXPECT_EQ(rebuilt.participant_by_secret("hash-ada"), std::optional<Id>(1));
}

}  // namespace
}  // namespace boardwalk::test
