// Fan-out by change feed: the engine appends each stored change once to its event's feed, and
// a subscriber follows the feed from exactly where its snapshot or replay ends. So every
// subscriber gets the same bytes, nobody gets a change twice or misses one when subscribing
// between changes, the sender's ack comes before its change, and the network is told once per
// group commit that there is something to send.
#include "engine_fixture.hpp"

namespace boardwalk::test {
namespace {

using domain::Id;
using domain::Seq;

class EngineFeedTest : public EngineTest {};

TEST_F(EngineFeedTest, StoredChangesReachEverySubscriberOnceInSeqOrderAsTheSameBytes) {
  const Conn lobby = connect();
  const Conn phone = connect();
  ASSERT_EQ(subscribe(lobby)["type"], "ack");
  ASSERT_EQ(subscribe(phone)["type"], "ack");
  const Participant ada = participant("Ada");
  for (int i = 0; i < 5; ++i) propose(ada, "Topic " + std::to_string(i));
  sync();

  EXPECT_EQ(lobby->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 6));
  EXPECT_EQ(phone->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 6));
  // The same change text, byte for byte, for every subscriber (after each one's own snapshot
  // and ack), and what a later replay sends is the very same text.
  const auto lobby_texts = lobby->texts();
  const auto phone_texts = phone->texts();
  ASSERT_EQ(lobby_texts.size(), 2 + 6U);
  ASSERT_EQ(phone_texts.size(), 2 + 6U);
  const std::vector<std::string> lobby_changes(lobby_texts.begin() + 2, lobby_texts.end());
  EXPECT_EQ(lobby_changes, std::vector<std::string>(phone_texts.begin() + 2, phone_texts.end()));
  const Conn late = connect();
  ASSERT_EQ(subscribe(late, kSlug, setup_seq_)["mode"], "replay");
  const auto late_texts = late->texts();
  ASSERT_EQ(late_texts.size(), 6 + 1U);
  EXPECT_EQ(lobby_changes, std::vector<std::string>(late_texts.begin(), late_texts.end() - 1));
  EXPECT_EQ(lobby->bad_frames(), 0);
  EXPECT_EQ(phone->bad_frames(), 0);
}

TEST_F(EngineFeedTest, SubscribingBetweenChangesGivesNoDuplicateAndNoGap) {
  const Conn early = connect();
  ASSERT_EQ(subscribe(early)["type"], "ack");
  const Participant ada = participant("Ada");
  propose(ada, "Typing");
  propose(ada, "Packaging");

  const Conn late = connect();  // replays the three changes, then follows the feed
  const json ack = subscribe(late, kSlug, setup_seq_);
  EXPECT_EQ(ack["mode"], "replay");
  EXPECT_EQ(ack["seq"], setup_seq_ + 3);
  const Conn fresh = connect();  // a snapshot that already holds them
  const json fresh_ack = subscribe(fresh);
  EXPECT_EQ(fresh_ack["mode"], "snapshot");
  EXPECT_EQ(fresh_ack["seq"], setup_seq_ + 3);
  EXPECT_EQ(fresh->followed_from(), late->followed_from());  // both follow from the same byte
  propose(ada, "Testing");
  sync();

  EXPECT_EQ(early->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 4));
  EXPECT_EQ(late->change_seqs(), range(setup_seq_ + 1, setup_seq_ + 4));
  EXPECT_EQ(fresh->change_seqs(), range(setup_seq_ + 4, setup_seq_ + 4));
  EXPECT_EQ(fresh->of_type("snapshot").size(), 1U);
}

TEST_F(EngineFeedTest, ResubscribingToAnotherEventFollowsOnlyThatEvent) {
  const Conn screen = connect();
  ASSERT_EQ(subscribe(screen)["type"], "ack");
  ASSERT_EQ(subscribe(screen, kOther)["type"], "ack");
  EXPECT_EQ(screen->follows(), 2);
  const Participant ada = participant("Ada");  // a change of the first event
  propose(ada, "Typing");
  sync();
  EXPECT_TRUE(screen->of_type("change").empty()) << "still got the first event's changes";
}

TEST_F(EngineFeedTest, TheSenderGetsItsAckBeforeItsChange) {
  const Participant ada = participant("Ada");
  ASSERT_EQ(subscribe(ada.conn)["type"], "ack");
  // The fake reads its feed before recording each answer, like a session writing answers and
  // changes in the order it has them: an ack queued after its change reached the feed would be
  // recorded after the change.
  const json id = post_command(ada.conn, domain::ProposeTopic{"Typing", ""});
  ASSERT_TRUE(ada.conn->wait_answer(id));
  ASSERT_TRUE(ada.conn->wait_change(setup_seq_ + 2));
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

TEST_F(EngineFeedTest, TheNetworkIsToldOncePerGroupCommitAndNotForRejections) {
  const Participant ada = participant("Ada");
  sync();
  const int after_join = change_notices_.load();
  EXPECT_GE(after_join, 1);

  const json bad = command(ada.conn, domain::Vote{9999});  // no such topic: nothing stored
  EXPECT_EQ(bad["type"], "error");
  sync();
  EXPECT_EQ(change_notices_.load(), after_join);

  {
    // Five commands queued behind a held writer are decided together and stored in one
    // transaction: one notice for all five.
    Hold hold(*engine_);
    ASSERT_TRUE(hold.held());
    for (int i = 0; i < 5; ++i) post_command(ada.conn, domain::ProposeTopic{"T" + std::to_string(i), ""});
  }
  sync();
  EXPECT_EQ(current_seq(), setup_seq_ + 6);
  EXPECT_EQ(change_notices_.load(), after_join + 1);
}

}  // namespace
}  // namespace boardwalk::test
