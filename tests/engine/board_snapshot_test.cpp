// Stored board snapshots in the engine: one after every snapshot_interval committed changes
// and one on stop; a restart reads only the changes after the snapshot (and the replay
// window), and rebuilds the same board and the same replay frames as a full replay would; a
// corrupt snapshot, or one ahead of the log, falls back to the whole log (and is replaced);
// a snapshot the disk refuses never fails a commit.
#include <random>

#include "engine/board_loader.hpp"
#include "engine_fixture.hpp"
#include "protocol/board_state_codec.hpp"
#include "random_board.hpp"
#include "storage/sqlite.hpp"

namespace boardwalk::test {
namespace {

using domain::Seq;

constexpr std::size_t kInterval = 10;

class EngineSnapshotTest : public EngineTest {
 protected:
  engine::EngineOptions options() override {
    engine::EngineOptions o = EngineTest::options();
    o.snapshot_interval = kInterval;
    o.replay_window = 5;
    return o;
  }

  // A second connection to the file, as another process would open it.
  storage::Connection side() {
    auto db = storage::Connection::open(file_.path());
    if (!db) throw std::runtime_error(db.error().message);
    return std::move(*db);
  }
  std::vector<Seq> snapshot_seqs(const std::string& slug = kSlug) {
    auto db = side();
    auto q = storage::Statement::prepare(db, "SELECT seq FROM board_snapshots WHERE event_slug = ?1 ORDER BY seq");
    if (!q) throw std::runtime_error(q.error().message);
    q->bind(1, std::string_view(slug));
    std::vector<Seq> out;
    while (true) {
      auto row = q->step();
      if (!row) throw std::runtime_error(row.error().message);
      if (!*row) break;
      out.push_back(q->column_int(0));
    }
    return out;
  }
  void exec(const std::string& sql) {
    auto db = side();
    const auto s = db.exec(sql);
    ASSERT_TRUE(s) << s.error().message;
  }
  // `n` accepted changes, one commit each (send waits for the ack).
  void topics(const Participant& p, int n) {
    for (int i = 0; i < n; ++i) propose(p, "T" + std::to_string(++topic_count_));
  }
  int topic_count_ = 0;
};

TEST_F(EngineSnapshotTest, ASnapshotAfterEveryIntervalOfCommitsAndOneOnStop) {
  // Set-up (apply_now) stored seq 5 of conf and 2 of other, without snapshots yet.
  EXPECT_TRUE(snapshot_seqs().empty());
  const Participant ada = participant("Ada");  // seq 6
  topics(ada, 4);                              // seq 10: first snapshot
  sync();
  EXPECT_EQ(snapshot_seqs(), std::vector<Seq>{10});
  topics(ada, 9);  // seq 19: not yet
  sync();
  EXPECT_EQ(snapshot_seqs(), std::vector<Seq>{10});
  topics(ada, 11);  // seq 30: snapshots at 20 and 30, only the newest two are kept
  sync();
  EXPECT_EQ(snapshot_seqs(), (std::vector<Seq>{20, 30}));
  topics(ada, 3);  // seq 33
  sync();
  EXPECT_TRUE(snapshot_seqs(kOther).empty());

  engine_->stop();  // stores what is newer than the newest snapshot, for every event
  EXPECT_EQ(snapshot_seqs(), (std::vector<Seq>{30, 33}));
  EXPECT_EQ(snapshot_seqs(kOther), std::vector<Seq>{2});
  engine_->stop();  // again: nothing newer, nothing stored
  EXPECT_EQ(snapshot_seqs(), (std::vector<Seq>{30, 33}));
}

// The log below the snapshot and below the replay window is made unreadable: a restart that
// still works cannot have read it. The board, its private state (secrets) and the replay
// frames are as before.
TEST_F(EngineSnapshotTest, ARestartReadsOnlyTheChangesAfterTheSnapshotAndTheWindow) {
  const Conn live = connect();
  ASSERT_EQ(subscribe(live)["type"], "ack");
  const Participant ada = participant("Ada");
  topics(ada, 25);  // seq 31, snapshots at 10, 20, 30
  const Seq last = current_seq();
  ASSERT_EQ(last, 31);
  ASSERT_TRUE(live->wait_change(last));
  const json before = snapshot();
  engine_->stop();
  exec("DELETE FROM board_snapshots WHERE seq = 31");  // as after a kill -9: snapshot at 30, tail 31
  ASSERT_EQ(snapshot_seqs(), std::vector<Seq>{30});
  exec("UPDATE events SET body = 'not json' WHERE slug = 'conf' AND seq <= 26");

  restart();
  EXPECT_EQ(snapshot(), before);
  const Conn phone = connect();
  ASSERT_EQ(auth(phone, ada.secret)["type"], "ack");  // private state came from the snapshot
  // Replay from the window (seq 27..31) gives the same bytes live subscribers got.
  const Conn late = connect();
  const json ack = subscribe(late, kSlug, last - 5);
  EXPECT_EQ(ack["mode"], "replay") << ack.dump();
  std::vector<std::string> replayed, original;
  for (const auto& t : late->texts()) {
    if (json::parse(t).value("type", "") == "change") replayed.push_back(t);
  }
  for (const auto& t : live->texts()) {
    const json j = json::parse(t);
    if (j.value("type", "") == "change" && j["seq"].get<Seq>() > last - 5) original.push_back(t);
  }
  EXPECT_EQ(replayed.size(), 5u);
  EXPECT_EQ(replayed, original);
  EXPECT_EQ(command(phone, domain::ProposeTopic{"next", ""})["seq"], last + 1);
}

TEST_F(EngineSnapshotTest, ACorruptSnapshotFallsBackToTheWholeLogAndIsReplaced) {
  const Participant ada = participant("Ada");
  topics(ada, 7);
  const json before = snapshot();
  const Seq last = before["seq"].get<Seq>();
  engine_->stop();
  ASSERT_EQ(snapshot_seqs(), (std::vector<Seq>{10, last}));
  exec("UPDATE board_snapshots SET body = substr(body, 1, length(body) - 3)");  // torn writes

  restart();
  EXPECT_EQ(snapshot(), before);
  const Conn phone = connect();
  EXPECT_EQ(auth(phone, ada.secret)["type"], "ack");
  // The start-up stored a good snapshot in place of the bad newest one.
  storage::Connection db = side();
  auto q = storage::Statement::prepare(db, "SELECT body FROM board_snapshots WHERE event_slug = 'conf' AND seq = ?1");
  ASSERT_TRUE(q);
  q->bind(1, last);
  auto row = q->step();
  ASSERT_TRUE(row && *row);
  auto board = protocol::decode_board_state(q->column_blob(0));
  ASSERT_TRUE(board) << board.error().message;
  EXPECT_EQ(board->seq(), last);
}

TEST_F(EngineSnapshotTest, ASnapshotAheadOfTheLogIsNotUsedAndIsDropped) {
  const Participant ada = participant("Ada");
  topics(ada, 3);
  const json before = snapshot();
  const Seq last = before["seq"].get<Seq>();
  engine_->stop();
  // A snapshot claiming a seq the log does not have (a log restored from an older backup
  // next to newer snapshots): using it would invent changes.
  exec(
      "INSERT INTO board_snapshots (event_slug, seq, body, created_at) "
      "SELECT event_slug, " +
      std::to_string(last + 50) +
      ", body, created_at FROM board_snapshots "
      "WHERE event_slug = 'conf' AND seq = " +
      std::to_string(last));
  ASSERT_EQ(snapshot_seqs(), (std::vector<Seq>{last, last + 50}));
  restart();
  EXPECT_EQ(snapshot(), before);
  // Dropped: once the log reached its seq it would pass for a snapshot of a different history.
  EXPECT_EQ(snapshot_seqs(), std::vector<Seq>{last});
  const Conn phone = connect();
  ASSERT_EQ(auth(phone, ada.secret)["type"], "ack");
  EXPECT_EQ(command(phone, domain::ProposeTopic{"next", ""})["seq"], last + 1);
}

TEST_F(EngineSnapshotTest, ASnapshotTheDiskRefusesNeverFailsACommit) {
  exec(
      "CREATE TRIGGER refuse_snapshot BEFORE INSERT ON board_snapshots "
      "BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
  const Participant ada = participant("Ada");
  for (int i = 0; i < 25; ++i) {
    const json ack = command(ada.conn, domain::ProposeTopic{"T" + std::to_string(i), ""});
    ASSERT_EQ(ack["type"], "ack") << ack.dump();
  }
  const json before = snapshot();
  EXPECT_TRUE(snapshot_seqs().empty());
  restart();  // the stop's snapshot is refused too: the whole log is replayed
  EXPECT_EQ(snapshot(), before);
  exec("DROP TRIGGER refuse_snapshot");
}

// --- the loader against full replay, on random boards ------------------------------------------

std::vector<std::string> frame_texts(const engine::LoadedBoard& b) {
  std::vector<std::string> out;
  for (const auto& f : b.recent) out.push_back(*f);
  return out;
}

// Property: random command runs stored in a log with snapshots at random points; the board the
// loader builds (newest snapshot + tail) has the same full-fidelity encoding and the same
// replay frames as a full replay of the log.
TEST(BoardLoaderProperty, SnapshotPlusTailEqualsFullReplay) {
  spdlog::set_level(spdlog::level::err);
  for (unsigned seed = 1; seed <= 12; ++seed) {
    auto opened = storage::Store::open(":memory:");
    ASSERT_TRUE(opened) << opened.error().message;
    storage::Store& store = *opened->store;
    RandomBoard run(seed, "ev");
    std::mt19937 rng(seed);
    std::size_t stored = 0;
    const auto store_log = [&] {
      std::vector<storage::StoredChange> rows;
      for (; stored < run.log().size(); ++stored) {
        const domain::Change& c = run.log()[stored];
        rows.push_back({"ev", c.seq, std::string(domain::change_kind(c.body)), c.at,
                        protocol::encode_change(c, "ev", protocol::Audience::storage).dump()});
      }
      ASSERT_TRUE(store.append(rows));
    };
    for (int i = 0; i < 500; ++i) {
      (void)run.step();
      if (std::uniform_int_distribution<int>(0, 99)(rng) < 2) {
        store_log();
        ASSERT_TRUE(store.save_snapshot("ev", run.board().seq(), protocol::encode_board_state(run.board()), 0));
      }
    }
    store_log();
    const Seq last = run.board().seq();
    auto newest = store.latest_snapshot("ev", last);
    ASSERT_TRUE(newest);

    for (const std::size_t window : {std::size_t{3}, std::size_t{50}, std::size_t{100000}}) {
      const engine::LoadOptions options{window, 1000000, 0};
      auto from_snapshot = engine::load_board(store, "ev", options);
      ASSERT_TRUE(from_snapshot) << from_snapshot.error().message;
      // The same log without snapshots.
      auto plain = storage::Store::open(":memory:");
      ASSERT_TRUE(plain);
      std::vector<storage::StoredChange> rows;
      ASSERT_TRUE(store.for_each_change("ev", 0, [&](const storage::StoredChange& c) -> Status {
        rows.push_back(c);
        return Ok{};
      }));
      ASSERT_TRUE(plain->store->append(rows));
      auto full = engine::load_board(*plain->store, "ev", options);
      ASSERT_TRUE(full) << full.error().message;

      const std::string expected = protocol::encode_board_state(run.board());
      ASSERT_EQ(protocol::encode_board_state(full->board), expected) << "seed " << seed;
      ASSERT_EQ(protocol::encode_board_state(from_snapshot->board), expected)
          << "seed " << seed << ", snapshot at " << (newest->has_value() ? (*newest)->seq : 0);
      ASSERT_EQ(observable_state(from_snapshot->board, run.log()), observable_state(run.board(), run.log()))
          << "seed " << seed;
      EXPECT_EQ(from_snapshot->recent_first, full->recent_first);
      EXPECT_EQ(frame_texts(*from_snapshot), frame_texts(*full));
      EXPECT_EQ(from_snapshot->recent.size(), std::min<std::size_t>(window, static_cast<std::size_t>(last)));
    }
  }
}

TEST(BoardLoader, AGapInTheLogIsStillAnError) {
  spdlog::set_level(spdlog::level::critical);
  auto opened = storage::Store::open(":memory:");
  ASSERT_TRUE(opened);
  storage::Store& store = *opened->store;
  RandomBoard run(5u, "ev");
  for (int i = 0; i < 50; ++i) (void)run.step();
  std::vector<storage::StoredChange> rows;
  for (const domain::Change& c : run.log()) {
    if (c.seq == 20) continue;
    rows.push_back({"ev", c.seq, std::string(domain::change_kind(c.body)), c.at,
                    protocol::encode_change(c, "ev", protocol::Audience::storage).dump()});
  }
  ASSERT_TRUE(store.append(rows));
  auto loaded = engine::load_board(store, "ev", engine::LoadOptions{});
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, "storage_error");
  EXPECT_NE(loaded.error().message.find("gap"), std::string::npos) << loaded.error().message;
}

}  // namespace
}  // namespace boardwalk::test
