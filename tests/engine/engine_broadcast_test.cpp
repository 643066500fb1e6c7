// Broadcast ticks (EngineOptions::broadcast_interval > 0, the server's --coalesce-ms): under
// load the subscribers of an event get its committed changes once per interval, joined into
// one frame; a change after a quiet interval goes out at once; nobody gets a change twice or
// misses one when subscribing between ticks; stop() sends what is still waiting; on the
// sender's connection the ack still comes before its change.
#include "engine_fixture.hpp"

namespace boardwalk::test {
namespace {

using domain::Id;
using domain::Seq;

class EngineBroadcastTest : public EngineTest {
 protected:
  engine::EngineOptions options() override {
    auto o = EngineTest::options();
    // Long enough that a test never sees a tick it did not cause (stop() sends the rest).
    o.broadcast_interval = std::chrono::milliseconds(60'000);
    return o;
  }
  Conn watcher() {
    alive_.push_back(std::make_shared<FakeSubscriber>(/*lines=*/true));
    return alive_.back();
  }
};

TEST_F(EngineBroadcastTest, AChangeAfterAQuietIntervalGoesOutAtOnceAndTheNextWaitsForTheTick) {
  const Conn lobby = watcher();
  ASSERT_EQ(subscribe(lobby)["type"], "ack");
  const Participant ada = participant("Ada");  // the first change: quiet before it, so sent now
  ASSERT_TRUE(lobby->wait_change(setup_seq_ + 1)) << "a lone change waited for a tick";

  const Id topic = propose(ada, "Typing");  // within the interval: waits for the tick
  ASSERT_NE(topic, 0);
  sync();
  EXPECT_EQ(lobby->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 1));

  engine_->stop();  // stopping sends everything stored that is still waiting
  EXPECT_EQ(lobby->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 2));
  EXPECT_EQ(lobby->bad_frames(), 0);
}

TEST_F(EngineBroadcastTest, ChangesOfOneTickGoOutAsOneSharedFrameInSeqOrder) {
  const Conn lobby = watcher();
  const Conn phone = watcher();
  ASSERT_EQ(subscribe(lobby)["type"], "ack");
  ASSERT_EQ(subscribe(phone)["type"], "ack");
  const Participant ada = participant("Ada");
  ASSERT_TRUE(lobby->wait_change(setup_seq_ + 1));
  const int frames_before = lobby->frames();

  for (int i = 0; i < 5; ++i) propose(ada, "Topic " + std::to_string(i));
  engine_->stop();

  EXPECT_EQ(lobby->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 6));
  EXPECT_EQ(phone->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 6));
  EXPECT_EQ(lobby->frames(), frames_before + 1) << "five changes of one tick, one frame";
  // The same changes, byte for byte, for every subscriber (after each one's own snapshot and ack).
  const auto lobby_texts = lobby->texts();
  const auto phone_texts = phone->texts();
  ASSERT_EQ(lobby_texts.size(), phone_texts.size());
  EXPECT_EQ(std::vector<std::string>(lobby_texts.begin() + 2, lobby_texts.end()),
            std::vector<std::string>(phone_texts.begin() + 2, phone_texts.end()));
  EXPECT_EQ(lobby->bad_frames(), 0);
}

TEST_F(EngineBroadcastTest, SubscribingBetweenTicksGivesNoDuplicateAndNoGap) {
  const Conn early = watcher();
  ASSERT_EQ(subscribe(early)["type"], "ack");
  const Participant ada = participant("Ada");
  ASSERT_TRUE(early->wait_change(setup_seq_ + 1));
  propose(ada, "Typing");  // waits for the tick
  propose(ada, "Packaging");

  const Conn late = watcher();  // replays from before both waiting changes
  const json ack = subscribe(late, kSlug, setup_seq_);
  EXPECT_EQ(ack["mode"], "replay");
  EXPECT_EQ(ack["seq"], setup_seq_ + 3);
  const Conn fresh = watcher();  // a snapshot that already holds them
  EXPECT_EQ(subscribe(fresh)["mode"], "snapshot");
  propose(ada, "Testing");
  engine_->stop();

  EXPECT_EQ(early->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 4));
  EXPECT_EQ(late->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 4));
  EXPECT_EQ(fresh->change_seqs(), range(setup_seq_ + 4, setup_seq_ + 4));
}

TEST_F(EngineBroadcastTest, TheSenderGetsItsAckBeforeItsChange) {
  const Participant ada = participant("Ada");
  ASSERT_EQ(subscribe(ada.conn)["type"], "ack");
  const json id = post_command(ada.conn, domain::ProposeTopic{"Typing", ""});
  ASSERT_TRUE(ada.conn->wait_answer(id));
  engine_->stop();
  const auto ms = ada.conn->messages();
  std::size_t ack_at = ms.size();
  std::size_t change_at = ms.size();
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (FakeSubscriber::is_answer(ms[i]) && ms[i]["id"] == id) ack_at = i;
    if (ms[i].value("type", "") == "change" && ms[i]["seq"] == setup_seq_ + 2) change_at = i;
  }
  ASSERT_LT(change_at, ms.size()) << "the change never came";
  EXPECT_LT(ack_at, change_at);
}

}  // namespace
}  // namespace boardwalk::test
