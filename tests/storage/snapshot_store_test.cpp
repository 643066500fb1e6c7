// Stored board snapshots: bodies come back byte for byte (binary, NULs included), the newest
// at or below a seq is found, only the newest two per event are kept (other events untouched),
// saving the same seq again replaces it, and the newest seq is known without re-reading.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/store.hpp"
#include "temp_db.hpp"

namespace boardwalk::test {
namespace {

using storage::Statement;
using storage::Store;

std::unique_ptr<Store> open_store(const std::string& path) {
  auto opened = Store::open(path);
  if (!opened) throw std::runtime_error(opened.error().message);
  return std::move(opened->store);
}

std::string body_for(domain::Seq seq) {
  std::string b("BW\0\xFF", 4);  // binary: a NUL and a byte that is no UTF-8
  return b + std::to_string(seq) + std::string(3, '\0');
}

std::vector<domain::Seq> stored_seqs(Store& store, const std::string& slug) {
  auto q = Statement::prepare(store.connection(), "SELECT seq FROM board_snapshots WHERE event_slug = ?1 ORDER BY seq");
  if (!q) throw std::runtime_error(q.error().message);
  q->bind(1, std::string_view(slug));
  std::vector<domain::Seq> out;
  while (true) {
    auto row = q->step();
    if (!row) throw std::runtime_error(row.error().message);
    if (!*row) break;
    out.push_back(q->column_int(0));
  }
  return out;
}

TEST(SnapshotStore, NoSnapshotIsNone) {
  auto store = open_store(":memory:");
  auto latest = store->latest_snapshot("conf", 100);
  ASSERT_TRUE(latest) << latest.error().message;
  EXPECT_FALSE(latest->has_value());
  auto newest = store->newest_snapshot_seq("conf");
  ASSERT_TRUE(newest);
  EXPECT_EQ(*newest, 0);
}

TEST(SnapshotStore, ABinaryBodyComesBackExactlyAfterReopening) {
  TempDb file;
  {
    auto store = open_store(file.path());
    ASSERT_TRUE(store->save_snapshot("conf", 42, body_for(42), 1234));
  }
  auto store = open_store(file.path());
  auto latest = store->latest_snapshot("conf", 42);
  ASSERT_TRUE(latest) << latest.error().message;
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->seq, 42);
  EXPECT_EQ((*latest)->body, body_for(42));
  EXPECT_EQ((*latest)->body.size(), body_for(42).size());
  EXPECT_EQ((*latest)->created_at, 1234);
}

TEST(SnapshotStore, LatestIsTheNewestAtOrBelowTheGivenSeq) {
  auto store = open_store(":memory:");
  ASSERT_TRUE(store->save_snapshot("conf", 10, body_for(10), 1, 5));
  ASSERT_TRUE(store->save_snapshot("conf", 20, body_for(20), 2, 5));
  ASSERT_TRUE(store->save_snapshot("other", 30, body_for(30), 3, 5));
  const auto seq_at = [&](domain::Seq at_most) -> domain::Seq {
    auto r = store->latest_snapshot("conf", at_most);
    if (!r) throw std::runtime_error(r.error().message);
    return r->has_value() ? (*r)->seq : 0;
  };
  EXPECT_EQ(seq_at(100), 20);
  EXPECT_EQ(seq_at(20), 20);
  EXPECT_EQ(seq_at(19), 10);  // a snapshot beyond the log's end is not used
  EXPECT_EQ(seq_at(9), 0);
  EXPECT_EQ(seq_at(30), 20);  // another event's snapshot is not this one's
}

TEST(SnapshotStore, OnlyTheNewestTwoPerEventAreKept) {
  auto store = open_store(":memory:");
  ASSERT_TRUE(store->save_snapshot("other", 5, body_for(5), 1));
  for (domain::Seq seq = 100; seq <= 500; seq += 100) {
    ASSERT_TRUE(store->save_snapshot("conf", seq, body_for(seq), seq));
    EXPECT_LE(stored_seqs(*store, "conf").size(), 2u);
  }
  EXPECT_EQ(stored_seqs(*store, "conf"), (std::vector<domain::Seq>{400, 500}));
  EXPECT_EQ(stored_seqs(*store, "other"), (std::vector<domain::Seq>{5}));
  auto newest = store->newest_snapshot_seq("conf");
  ASSERT_TRUE(newest);
  EXPECT_EQ(*newest, 500);
}

TEST(SnapshotStore, SavingTheSameSeqAgainReplacesIt) {
  auto store = open_store(":memory:");
  ASSERT_TRUE(store->save_snapshot("conf", 7, "first", 1));
  ASSERT_TRUE(store->save_snapshot("conf", 7, "second", 2));
  auto latest = store->latest_snapshot("conf", 7);
  ASSERT_TRUE(latest && latest->has_value());
  EXPECT_EQ((*latest)->body, "second");
  EXPECT_EQ(stored_seqs(*store, "conf"), std::vector<domain::Seq>{7});
}

TEST(SnapshotStore, TheNewestSeqIsReadFromTheFileOnceThenKept) {
  TempDb file;
  {
    auto store = open_store(file.path());
    ASSERT_TRUE(store->save_snapshot("conf", 300, body_for(300), 1));
  }
  auto store = open_store(file.path());
  auto newest = store->newest_snapshot_seq("conf");
  ASSERT_TRUE(newest);
  EXPECT_EQ(*newest, 300);
  // A failed attempt counts for pacing, so a refusing disk is not asked at every commit.
  store->note_snapshot_attempt("conf", 350);
  EXPECT_EQ(*store->newest_snapshot_seq("conf"), 350);
  store->note_snapshot_attempt("conf", 10);  // never goes back
  EXPECT_EQ(*store->newest_snapshot_seq("conf"), 350);
}

TEST(SnapshotStore, AFailedSaveStoresNothingAndIsAnErrorValue) {
  TempDb file;
  auto store = open_store(file.path());
  ASSERT_TRUE(store->save_snapshot("conf", 1, "one", 1));
  ASSERT_TRUE(store->connection().exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON board_snapshots BEGIN SELECT RAISE(ABORT, 'disk says no'); END"));
  auto s = store->save_snapshot("conf", 2, "two", 2);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "storage_error");
  EXPECT_EQ(stored_seqs(*store, "conf"), std::vector<domain::Seq>{1});
  EXPECT_TRUE(sqlite3_get_autocommit(store->connection().handle()));  // rolled back, nothing open
  ASSERT_TRUE(store->connection().exec("DROP TRIGGER refuse"));
  ASSERT_TRUE(store->save_snapshot("conf", 2, "two", 2));  // and the store still works
  EXPECT_EQ(stored_seqs(*store, "conf"), (std::vector<domain::Seq>{1, 2}));
}

}  // namespace
}  // namespace boardwalk::test
