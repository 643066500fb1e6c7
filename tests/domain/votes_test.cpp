// vote / unvote: one vote per participant per topic, the per-event cap, refunds, locks.
#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

class VotesTest : public EventTest {};

TEST_F(VotesTest, VoteAndUnvote) {
  const Id t = propose(ada);
  const auto v = run_as<VoteAdded>(Vote{t}, Actor::of(bob));
  EXPECT_EQ(v.topic_id, t);
  EXPECT_EQ(v.participant_id, bob);
  run(Vote{t}, Actor::of(ada));  // the convener may vote for their own topic
  run(Vote{t}, Actor::of(org));
  EXPECT_EQ(topic(t).voters, (std::vector<Id>{bob, ada, org}));  // in the order cast
  EXPECT_EQ(board.votes_used(bob), 1);
  const auto u = run_as<VoteRemoved>(Unvote{t}, Actor::of(ada));
  EXPECT_EQ(u.participant_id, ada);
  EXPECT_EQ(topic(t).voters, (std::vector<Id>{bob, org}));
  EXPECT_EQ(board.votes_used(ada), 0);
  run(Vote{t}, Actor::of(ada));  // voting again after unvoting is fine
  EXPECT_EQ(topic(t).voters, (std::vector<Id>{bob, org, ada}));
}

TEST_F(VotesTest, OneVotePerParticipantPerTopic) {
  const Id t = propose(ada);
  run(Vote{t}, Actor::of(bob));
  EXPECT_TRUE(rejects(Vote{t}, Actor::of(bob), "already_voted", "topic_id"));
  EXPECT_EQ(topic(t).voters.size(), 1u);
}

TEST_F(VotesTest, UnvoteWithoutAVote) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(Unvote{t}, Actor::of(bob), "not_voted", "topic_id"));
  run(Vote{t}, Actor::of(bob));
  EXPECT_TRUE(rejects(Unvote{t}, Actor::of(cy), "not_voted", "topic_id"));
}

TEST_F(VotesTest, VoteRejections) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(Vote{99}, Actor::of(bob), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(Unvote{99}, Actor::of(bob), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(Vote{t}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(Unvote{t}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(Vote{t}, Actor::of(77), "not_joined"));
  EXPECT_TRUE(rejects(Vote{t}, Actor::system(), "forbidden"));
  EXPECT_TRUE(rejects(Unvote{t}, Actor::system(), "forbidden"));
}

TEST_F(VotesTest, VotingLocked) {
  const Id t = propose(ada);
  run(Vote{t}, Actor::of(bob));
  run(SetLocks{std::nullopt, true}, Actor::of(org));
  EXPECT_TRUE(rejects(Vote{t}, Actor::of(cy), "locked"));
  EXPECT_TRUE(rejects(Unvote{t}, Actor::of(bob), "locked"));
  EXPECT_TRUE(rejects(Vote{t}, Actor::of(org), "locked"));  // organizers too
  propose(ada);  // proposals are not affected
  run(SetLocks{std::nullopt, false}, Actor::of(org));
  run(Vote{t}, Actor::of(cy));
}

TEST_F(VotesTest, VoteCap) {
  run(SetVoteCap{2}, Actor::of(org));
  const Id a = propose(ada), b = propose(ada), c = propose(ada);
  run(Vote{a}, Actor::of(bob));
  run(Vote{b}, Actor::of(bob));
  EXPECT_EQ(board.votes_used(bob), 2);
  EXPECT_TRUE(rejects(Vote{c}, Actor::of(bob), "vote_cap_reached", "topic_id"));
  run(Vote{c}, Actor::of(cy));  // the cap is per participant
  run(Unvote{a}, Actor::of(bob));
  run(Vote{c}, Actor::of(bob));
  EXPECT_EQ(board.votes_used(bob), 2);
  // Lowering the cap below what was already cast keeps the votes but blocks new ones.
  run(SetVoteCap{1}, Actor::of(org));
  EXPECT_EQ(board.votes_used(bob), 2);
  EXPECT_TRUE(rejects(Vote{a}, Actor::of(bob), "vote_cap_reached", "topic_id"));
  run(SetVoteCap{0}, Actor::of(org));  // 0 = unlimited
  run(Vote{a}, Actor::of(bob));
  EXPECT_EQ(board.votes_used(bob), 3);
}

TEST_F(VotesTest, WithdrawRefundsVotes) {
  run(SetVoteCap{1}, Actor::of(org));
  const Id a = propose(ada), b = propose(ada);
  run(Vote{a}, Actor::of(bob));
  EXPECT_TRUE(rejects(Vote{b}, Actor::of(bob), "vote_cap_reached", "topic_id"));
  run(WithdrawTopic{a}, Actor::of(ada));
  EXPECT_EQ(board.votes_used(bob), 0);
  run(Vote{b}, Actor::of(bob));
  EXPECT_EQ(board.votes_used(bob), 1);
}

TEST_F(VotesTest, HiddenTopicVotesStillCount) {
  run(SetVoteCap{1}, Actor::of(org));
  const Id a = propose(ada), b = propose(ada);
  run(Vote{a}, Actor::of(bob));
  run(HideTopic{a}, Actor::of(org));
  EXPECT_EQ(board.votes_used(bob), 1);
  EXPECT_TRUE(rejects(Vote{b}, Actor::of(bob), "vote_cap_reached", "topic_id"));
  EXPECT_TRUE(rejects(Vote{a}, Actor::of(cy), "invalid_state", "topic_id"));
}

// Current behaviour (see report): a voter may take back a vote from a hidden topic so that a
// hidden topic cannot hold a vote budget hostage.
TEST_F(VotesTest, UnvoteOnAHiddenTopicGivesTheVoteBack) {
  const Id a = propose(ada);
  run(Vote{a}, Actor::of(bob));
  run(HideTopic{a}, Actor::of(org));
  run(Unvote{a}, Actor::of(bob));
  EXPECT_EQ(board.votes_used(bob), 0);
  EXPECT_TRUE(topic(a).voters.empty());
}

TEST_F(VotesTest, VotesOnScheduledTopics) {
  const Id a = propose(ada);
  run(ScheduleTopic{a, r1, s1}, Actor::of(ada));
  run(Vote{a}, Actor::of(bob));
  run(UnscheduleTopic{a}, Actor::of(ada));
  EXPECT_EQ(topic(a).voters, std::vector<Id>{bob});
}

}  // namespace
}  // namespace boardwalk::test
