// Subscribing and resync by seq: a snapshot without since, exactly the missed changes with a
// since inside the replay window, a snapshot when since is too old or from the future, and
// the same across a restart of the engine on the same database.
#include <map>

#include "engine_fixture.hpp"

namespace boardwalk::test {
namespace {

using domain::Id;
using domain::Seq;

// The changes a live subscriber saw, by seq, as the exact text sent.
std::map<Seq, std::string> changes_by_seq(const FakeSubscriber& s) {
  std::map<Seq, std::string> out;
  const auto ms = s.messages();
  const auto texts = s.texts();
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (ms[i]["type"] == "change") out[ms[i]["seq"].get<Seq>()] = texts[i];
  }
  return out;
}

// Subscribes with `since` and checks the whole answer: what came before the ack, and the ack.
struct Resync {
  FakeSubscriber::Messages before_ack;
  std::vector<std::string> texts_before_ack;
  json ack;
  int frames = 0;       // answers delivered, the ack included
  int bulk_frames = 0;  // of which snapshots or replays (deliver_bulk)
};

class ResyncHelpers : public EngineTest {
 protected:
  Resync resubscribe(std::optional<Seq> since, const std::string& slug = kSlug) {
    Resync r;
    const Conn c = connect();
    r.ack = subscribe(c, slug, since);
    const auto ms = c->messages();
    const auto texts = c->texts();
    for (std::size_t i = 0; i < ms.size() && ms[i] != r.ack; ++i) {
      r.before_ack.push_back(ms[i]);
      r.texts_before_ack.push_back(texts[i]);
    }
    EXPECT_EQ(r.before_ack.size() + 1, ms.size()) << "something came after the ack";
    EXPECT_EQ(c->bad_frames(), 0);
    r.frames = c->frames();
    r.bulk_frames = c->bulk_frames();
    return r;
  }

  // A few participants and topics: seq ends at setup_seq_ + 8.
  void make_history() {
    const Participant ada = participant("Ada");
    const Participant bob = participant("Bob");
    const Id t1 = propose(ada, "Typing");
    const Id t2 = propose(bob, "Packaging");
    ASSERT_EQ(command(bob.conn, domain::Vote{t1})["type"], "ack");
    ASSERT_EQ(command(ada.conn, domain::Vote{t2})["type"], "ack");
    ASSERT_EQ(command(ada.conn, domain::ScheduleTopic{t1, 1, 1})["type"], "ack");
    ASSERT_EQ(command(bob.conn, domain::Unvote{t1})["type"], "ack");
    ASSERT_EQ(current_seq(), setup_seq_ + 8);
  }

  // Checks a whole subscribe answer; used as EXPECT_TRUE(is_snapshot(...)) so that every
  // check is in the test body and a failure names what differed.
  static ::testing::AssertionResult is_snapshot(const Resync& r, Seq seq) {
    if (r.before_ack.size() != 1) {
      return ::testing::AssertionFailure() << r.before_ack.size() << " messages before the ack, expected one snapshot";
    }
    const json& snap = r.before_ack[0];
    if (snap.value("type", "") != "snapshot" || snap.value("seq", Seq{-1}) != seq) {
      return ::testing::AssertionFailure() << "expected a snapshot at seq " << seq << ", got " << snap.dump();
    }
    return is_ack(r, "snapshot", seq);
  }
  static ::testing::AssertionResult is_replay(const Resync& r, Seq since, Seq seq) {
    std::vector<std::int64_t> seqs;
    for (const auto& m : r.before_ack) {
      if (m.value("type", "") != "change") return ::testing::AssertionFailure() << "not a change: " << m.dump();
      seqs.push_back(m.value("seq", std::int64_t{-1}));
    }
    if (seqs != range(since + 1, seq)) {
      return ::testing::AssertionFailure()
             << "replayed " << json(seqs).dump() << ", expected seqs " << since + 1 << ".." << seq;
    }
    return is_ack(r, "replay", seq);
  }
  static ::testing::AssertionResult is_ack(const Resync& r, const std::string& mode, Seq seq) {
    if (r.ack.value("type", "") != "ack" || r.ack.value("mode", "") != mode || r.ack.value("seq", Seq{-1}) != seq) {
      return ::testing::AssertionFailure()
             << "expected an ack in mode " << mode << " at seq " << seq << ", got " << r.ack.dump();
    }
    return ::testing::AssertionSuccess();
  }
};

using EngineSubscribeTest = ResyncHelpers;
using EngineResyncTest = ResyncHelpers;

TEST_F(EngineSubscribeTest, WithoutSinceASnapshotThenTheAck) {
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Resync r = resubscribe(std::nullopt);
  EXPECT_TRUE(is_snapshot(r, setup_seq_ + 8));
  const json& board = r.before_ack.at(0)["board"];
  EXPECT_EQ(board, snapshot()["board"]);
  EXPECT_EQ(board["topics"].size(), 2u);
  EXPECT_EQ(board["participants"].size(), 2u);
  EXPECT_EQ(r.before_ack.at(0)["event"], kSlug);
}

TEST_F(EngineSubscribeTest, SinceInsideTheWindowReplaysExactlyTheMissedChanges) {
  const Conn live = connect();
  ASSERT_EQ(subscribe(live)["type"], "ack");
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Seq now = setup_seq_ + 8;
  ASSERT_TRUE(live->wait_change(now));
  const auto seen_live = changes_by_seq(*live);

  for (const Seq since : {Seq{0}, Seq{3}, setup_seq_ + 4, now - 1}) {
    const Resync r = resubscribe(since);
    EXPECT_TRUE(is_replay(r, since, now));
    // Byte for byte what live subscribers got.
    for (std::size_t i = 0; i < r.before_ack.size(); ++i) {
      const Seq seq = r.before_ack[i]["seq"].get<Seq>();
      if (seen_live.contains(seq)) {
        EXPECT_EQ(r.texts_before_ack[i], seen_live.at(seq)) << seq;
      }
    }
  }
  // Up to date: nothing to replay, but still a replay.
  EXPECT_TRUE(is_replay(resubscribe(now), now, now));
}

TEST_F(EngineSubscribeTest, SinceNewerThanTheBoardGetsASnapshot) {
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Seq now = setup_seq_ + 8;
  EXPECT_TRUE(is_snapshot(resubscribe(now + 1), now));
  EXPECT_TRUE(is_snapshot(resubscribe(now + 1000), now));
}

TEST_F(EngineSubscribeTest, AfterTheAckEveryLaterChangeArrivesExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Seq now = setup_seq_ + 8;
  const Conn c = connect();
  ASSERT_EQ(subscribe(c, kSlug, setup_seq_)["mode"], "replay");
  const Participant cy = participant("Cy");
  propose(cy, "Later");
  ASSERT_TRUE(c->wait_change(now + 2));
  sync();
  EXPECT_EQ(c->change_seqs(), range(setup_seq_ + 1, now + 2));
}

TEST_F(EngineSubscribeTest, AMissingEventIsNotFound) {
  const Conn c = connect();
  const json e = subscribe(c, "missing");
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], "not_found");
  EXPECT_EQ(e["field"], "event");
  EXPECT_EQ(c->size(), 1u);
}

TEST_F(EngineSubscribeTest, ASnapshotOrAReplayIsOneAnswerThenTheAck) {
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Seq now = setup_seq_ + 8;
  // All missed changes as one answer of JSON Lines, so its size is judged as one (the session
  // does not count a snapshot or replay against its send cap), then the ack.
  const Resync replay = resubscribe(Seq{3});
  EXPECT_TRUE(is_replay(replay, 3, now));
  EXPECT_EQ(replay.frames, 2);
  EXPECT_EQ(replay.bulk_frames, 1);
  const Resync snapshot = resubscribe(std::nullopt);
  EXPECT_TRUE(is_snapshot(snapshot, now));
  EXPECT_EQ(snapshot.frames, 2);
  EXPECT_EQ(snapshot.bulk_frames, 1);
  // Nothing missed: no empty answer, only the ack.
  const Resync current = resubscribe(now);
  EXPECT_TRUE(is_replay(current, now, now));
  EXPECT_EQ(current.frames, 1);
  EXPECT_EQ(current.bulk_frames, 0);
}

// --- a replay window of 3 changes -------------------------------------------------------------

class EngineSmallWindowTest : public ResyncHelpers {
 protected:
  engine::EngineOptions options() override {
    engine::EngineOptions o = EngineTest::options();
    o.replay_window = 3;
    return o;
  }
};

TEST_F(EngineSmallWindowTest, SinceOlderThanTheWindowGetsASnapshot) {
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Seq now = setup_seq_ + 8;
  EXPECT_TRUE(is_replay(resubscribe(now - 3), now - 3, now));  // the oldest replayable point
  EXPECT_TRUE(is_replay(resubscribe(now - 1), now - 1, now));
  EXPECT_TRUE(is_snapshot(resubscribe(now - 4), now));  // one change too old: never partial
  EXPECT_TRUE(is_snapshot(resubscribe(0), now));
  EXPECT_TRUE(is_snapshot(resubscribe(-5), now));
}

TEST_F(EngineSmallWindowTest, TheWindowIsRebuiltOnLoad) {
  ASSERT_NO_FATAL_FAILURE(make_history());
  const Seq now = setup_seq_ + 8;
  restart();
  EXPECT_TRUE(is_replay(resubscribe(now - 3), now - 3, now));
  EXPECT_TRUE(is_snapshot(resubscribe(now - 4), now));
}

// --- restart ----------------------------------------------------------------------------------

TEST_F(EngineResyncTest, ARestartedEngineHasTheSameBoardAndSeqAndResumesReplay) {
  const Conn live = connect();
  ASSERT_EQ(subscribe(live)["type"], "ack");
  const Participant ada = participant("Ada");
  const Participant bob = participant("Bob");
  const Id t1 = propose(ada, "Typing");
  ASSERT_EQ(command(bob.conn, domain::Vote{t1})["type"], "ack");
  ASSERT_EQ(command(ada.conn, domain::ScheduleTopic{t1, 2, 2})["type"], "ack");
  const Seq seen_by_client = current_seq();  // a phone that saw up to here, then went offline
  domain::ProjectFields f;
  f.name = "CPython";
  f.repo_url = "https://github.com/python/cpython";
  ASSERT_EQ(command(bob.conn, domain::CreateProject{f})["type"], "ack");
  const Id t2 = propose(bob, "Packaging");
  ASSERT_EQ(command(ada.conn, domain::Vote{t2})["type"], "ack");
  const json before = snapshot();
  const Seq seq = before["seq"].get<Seq>();
  ASSERT_EQ(seq, setup_seq_ + 8);
  ASSERT_TRUE(live->wait_change(seq));
  const auto live_texts = changes_by_seq(*live);
  const json other_before = snapshot(kOther);

  restart(/*start=*/false);
  ASSERT_NE(engine_->board(kSlug), nullptr);
  EXPECT_EQ(engine_->board(kSlug)->seq(), seq);
  EXPECT_EQ(protocol::encode_board(*engine_->board(kSlug)), before["board"]);
  EXPECT_EQ(engine_->event_slugs(), (std::vector<std::string>{kSlug, kOther}));
  EXPECT_EQ(engine_->event_count(), 2u);
  engine_->start();
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(snapshot(kOther), other_before);

  // The offline phone resubscribes with its last seq and gets exactly what it missed, the same
  // bytes live subscribers got before the restart.
  const Resync r = resubscribe(seen_by_client);
  EXPECT_TRUE(is_replay(r, seen_by_client, seq));
  for (std::size_t i = 0; i < r.before_ack.size(); ++i) {
    EXPECT_EQ(r.texts_before_ack[i], live_texts.at(r.before_ack[i]["seq"].get<Seq>()));
  }

  // Identity survives: Ada's secret still works, and her next change takes the next seq.
  const Conn phone = connect();
  const json authed = auth(phone, ada.secret);
  ASSERT_EQ(authed["type"], "ack") << authed.dump();
  EXPECT_EQ(authed["participant"]["id"], ada.id);
  const json next = command(phone, domain::Unvote{t2});
  ASSERT_EQ(next["type"], "ack") << next.dump();
  EXPECT_EQ(next["seq"], seq + 1);
  // New ids continue after the old ones.
  const json topic = command(phone, domain::ProposeTopic{"Third", ""});
  EXPECT_EQ(topic["topic_id"], 3);
  EXPECT_EQ(topic["seq"], seq + 2);
}

}  // namespace
}  // namespace boardwalk::test
