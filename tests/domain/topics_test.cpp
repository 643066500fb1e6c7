// Open-space topics: propose, edit, withdraw, schedule (and move), unschedule, hide/unhide, merge.
#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

class TopicsTest : public EventTest {};

TEST_F(TopicsTest, ProposeTopic) {
  const auto p = run_as<TopicProposed>(ProposeTopic{"  Packaging in 2026 ", "line 1\nline 2  \n"},
                                       Actor::of(ada));
  EXPECT_EQ(p.topic.id, 1);
  const Topic& t = topic(1);
  EXPECT_EQ(t.title, "Packaging in 2026");
  EXPECT_EQ(t.description, "line 1\nline 2");
  EXPECT_EQ(t.convener, ada);
  EXPECT_EQ(t.state, TopicState::proposed);
  EXPECT_FALSE(t.room_id);
  EXPECT_FALSE(t.slot_id);
  EXPECT_FALSE(t.merged_into);
  EXPECT_TRUE(t.voters.empty());
  EXPECT_EQ(propose(bob), 2);
}

TEST_F(TopicsTest, ProposeTopicRejections) {
  EXPECT_TRUE(rejects(ProposeTopic{"t", ""}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(ProposeTopic{"", ""}, Actor::of(ada), "invalid_value", "title"));
  EXPECT_TRUE(rejects(ProposeTopic{"\x01\x02 ", ""}, Actor::of(ada), "invalid_value", "title"));
  EXPECT_TRUE(rejects(ProposeTopic{std::string(121, 't'), ""}, Actor::of(ada), "too_long", "title"));
  EXPECT_TRUE(rejects(ProposeTopic{"t", std::string(2001, 'd')}, Actor::of(ada), "too_long",
                      "description"));
  EXPECT_TRUE(rejects(ProposeTopic{"t", "bad \xC0\xAF utf8"}, Actor::of(ada), "invalid_value",
                      "description"));
  run(ProposeTopic{std::string(120, 't'), std::string(2000, 'd')}, Actor::of(ada));
}

TEST_F(TopicsTest, ProposalsLockedExceptForOrganizers) {
  run(SetLocks{true, std::nullopt}, Actor::of(org));
  EXPECT_TRUE(rejects(ProposeTopic{"t", ""}, Actor::of(ada), "locked"));
  propose(org);
  run(SetLocks{false, std::nullopt}, Actor::of(org));
  propose(ada);
}

TEST_F(TopicsTest, EditTopic) {
  const Id t = propose(ada, "Old");
  run(EditTopic{t, std::string("Old"), std::string("desc")}, Actor::of(ada));
  const auto e = run_as<TopicEdited>(EditTopic{t, std::string(" New "), std::nullopt}, Actor::of(ada));
  EXPECT_EQ(e.title, "New");
  EXPECT_EQ(e.description, "desc");  // an absent field keeps its value
  EXPECT_EQ(topic(t).title, "New");
  EXPECT_EQ(topic(t).description, "desc");
  run(EditTopic{t, std::nullopt, std::string("")}, Actor::of(org));  // organizer may edit
  EXPECT_EQ(topic(t).description, "");
  EXPECT_EQ(topic(t).title, "New");
}

TEST_F(TopicsTest, EditTopicRejections) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(EditTopic{t, std::string("x"), std::nullopt}, Actor::of(bob), "forbidden", "topic_id"));
  EXPECT_TRUE(rejects(EditTopic{t, std::string("x"), std::nullopt}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(EditTopic{99, std::string("x"), std::nullopt}, Actor::of(ada), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(EditTopic{t, std::nullopt, std::nullopt}, Actor::of(ada), "bad_request", "title"));
  EXPECT_TRUE(rejects(EditTopic{t, std::string(" "), std::nullopt}, Actor::of(ada), "invalid_value", "title"));
  EXPECT_TRUE(rejects(EditTopic{t, std::string(121, 'x'), std::nullopt}, Actor::of(ada), "too_long", "title"));
  EXPECT_TRUE(rejects(EditTopic{t, std::nullopt, std::string(2001, 'x')}, Actor::of(ada), "too_long",
                      "description"));
}

TEST_F(TopicsTest, ScheduleTopicIntoAFreeCell) {
  const Id t = propose(ada);
  const auto s = run_as<TopicScheduled>(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  EXPECT_EQ(s.room_id, r1);
  EXPECT_EQ(topic(t).state, TopicState::scheduled);
  EXPECT_EQ(topic(t).room_id, std::optional<Id>(r1));
  EXPECT_EQ(topic(t).slot_id, std::optional<Id>(s1));
  EXPECT_EQ(board.cell_holder(r1, s1), std::optional<Id>(t));
  const Id u = propose(bob);
  run(ScheduleTopic{u, r1, s2}, Actor::of(org));  // organizer schedules someone else's topic
  EXPECT_EQ(board.cell_holder(r1, s2), std::optional<Id>(u));
}

TEST_F(TopicsTest, OneTopicPerCell) {
  const Id t = propose(ada);
  const Id u = propose(bob);
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  EXPECT_TRUE(rejects(ScheduleTopic{u, r1, s1}, Actor::of(bob), "cell_taken", "slot_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{u, r1, s1}, Actor::of(org), "cell_taken", "slot_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, r1, s1}, Actor::of(ada), "conflict", "slot_id"));
  run(ScheduleTopic{u, r2, s1}, Actor::of(bob));  // other room, same slot: fine
}

TEST_F(TopicsTest, SchedulingAScheduledTopicMovesIt) {
  const Id t = propose(ada);
  const Id u = propose(bob);
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  run(ScheduleTopic{t, r2, s2}, Actor::of(ada));
  EXPECT_EQ(board.cell_holder(r1, s1), std::nullopt);
  EXPECT_EQ(board.cell_holder(r2, s2), std::optional<Id>(t));
  EXPECT_EQ(topic(t).room_id, std::optional<Id>(r2));
  run(ScheduleTopic{u, r1, s1}, Actor::of(bob));  // the old cell is free again
}

TEST_F(TopicsTest, ScheduleTopicRejections) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(ScheduleTopic{t, r1, s1}, Actor::of(bob), "forbidden", "topic_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, r1, s1}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(ScheduleTopic{99, r1, s1}, Actor::of(ada), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, 99, s1}, Actor::of(ada), "not_found", "room_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, r1, 99}, Actor::of(ada), "not_found", "slot_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, sprint_a, s1}, Actor::of(ada), "invalid_value", "room_id"));
}

TEST_F(TopicsTest, UnscheduleTopic) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(UnscheduleTopic{t}, Actor::of(ada), "invalid_state", "topic_id"));
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  EXPECT_TRUE(rejects(UnscheduleTopic{t}, Actor::of(bob), "forbidden", "topic_id"));
  EXPECT_TRUE(rejects(UnscheduleTopic{99}, Actor::of(ada), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(UnscheduleTopic{t}, Actor::anonymous(), "not_joined"));
  run_as<TopicUnscheduled>(UnscheduleTopic{t}, Actor::of(ada));
  EXPECT_EQ(topic(t).state, TopicState::proposed);
  EXPECT_FALSE(topic(t).room_id);
  EXPECT_FALSE(topic(t).slot_id);
  EXPECT_EQ(board.cell_holder(r1, s1), std::nullopt);
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  run(UnscheduleTopic{t}, Actor::of(org));
  EXPECT_EQ(topic(t).state, TopicState::proposed);
}

TEST_F(TopicsTest, WithdrawTopicFreesItsCell) {
  const Id t = propose(ada);
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  run_as<TopicWithdrawn>(WithdrawTopic{t}, Actor::of(ada));
  EXPECT_EQ(topic(t).state, TopicState::withdrawn);
  EXPECT_FALSE(topic(t).room_id);
  EXPECT_EQ(board.cell_holder(r1, s1), std::nullopt);
  const Id u = propose(bob);
  run(ScheduleTopic{u, r1, s1}, Actor::of(bob));
  run(WithdrawTopic{u}, Actor::of(org));  // organizers may withdraw any topic
  EXPECT_EQ(topic(u).state, TopicState::withdrawn);
}

TEST_F(TopicsTest, WithdrawTopicRejections) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(WithdrawTopic{t}, Actor::of(bob), "forbidden", "topic_id"));
  EXPECT_TRUE(rejects(WithdrawTopic{99}, Actor::of(ada), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(WithdrawTopic{t}, Actor::anonymous(), "not_joined"));
}

TEST_F(TopicsTest, AWithdrawnTopicAcceptsNothing) {
  const Id t = propose(ada);
  const Id other = propose(bob);
  run(WithdrawTopic{t}, Actor::of(ada));
  for (const Actor& a : {Actor::of(ada), Actor::of(org)}) {
    EXPECT_TRUE(rejects(EditTopic{t, std::string("x"), std::nullopt}, a, "invalid_state", "topic_id"));
    EXPECT_TRUE(rejects(WithdrawTopic{t}, a, "invalid_state", "topic_id"));
    EXPECT_TRUE(rejects(ScheduleTopic{t, r1, s1}, a, "invalid_state", "topic_id"));
    EXPECT_TRUE(rejects(UnscheduleTopic{t}, a, "invalid_state", "topic_id"));
    EXPECT_TRUE(rejects(Vote{t}, a, "invalid_state", "topic_id"));
    EXPECT_TRUE(rejects(Unvote{t}, a, "invalid_state", "topic_id"));
  }
  EXPECT_TRUE(rejects(HideTopic{t}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(UnhideTopic{t}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(MergeTopic{t, other}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(MergeTopic{other, t}, Actor::of(org), "invalid_state", "into_topic_id"));
}

TEST_F(TopicsTest, HideTopicLeavesItsCellAndKeepsItsVotes) {
  const Id t = propose(ada);
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  run(Vote{t}, Actor::of(bob));
  run_as<TopicHidden>(HideTopic{t}, Actor::of(org));
  EXPECT_EQ(topic(t).state, TopicState::hidden);
  EXPECT_FALSE(topic(t).room_id);
  EXPECT_EQ(board.cell_holder(r1, s1), std::nullopt);
  EXPECT_EQ(topic(t).voters, std::vector<Id>{bob});
  EXPECT_EQ(board.votes_used(bob), 1);
  // A hidden topic accepts nothing from its convener or voters until unhidden.
  EXPECT_TRUE(rejects(EditTopic{t, std::string("x"), std::nullopt}, Actor::of(ada), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(WithdrawTopic{t}, Actor::of(ada), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, r1, s1}, Actor::of(ada), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{t, r1, s1}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(UnscheduleTopic{t}, Actor::of(ada), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(Vote{t}, Actor::of(cy), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(HideTopic{t}, Actor::of(org), "invalid_state", "topic_id"));
  const Id u = propose(cy);
  run(ScheduleTopic{u, r1, s1}, Actor::of(cy));  // the freed cell can be taken
}

TEST_F(TopicsTest, UnhideTopicMakesItProposedAgain) {
  const Id t = propose(ada);
  run(ScheduleTopic{t, r1, s1}, Actor::of(ada));
  run(HideTopic{t}, Actor::of(org));
  run_as<TopicUnhidden>(UnhideTopic{t}, Actor::of(org));
  EXPECT_EQ(topic(t).state, TopicState::proposed);
  EXPECT_FALSE(topic(t).room_id);
  run(Vote{t}, Actor::of(cy));
  run(EditTopic{t, std::string("again"), std::nullopt}, Actor::of(ada));
}

TEST_F(TopicsTest, HideUnhideRejections) {
  const Id t = propose(ada);
  EXPECT_TRUE(rejects(HideTopic{t}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(HideTopic{t}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(HideTopic{99}, Actor::of(org), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(UnhideTopic{t}, Actor::of(org), "invalid_state", "topic_id"));
  run(HideTopic{t}, Actor::of(org));
  EXPECT_TRUE(rejects(UnhideTopic{t}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(UnhideTopic{99}, Actor::of(org), "not_found", "topic_id"));
}

TEST_F(TopicsTest, MergeMovesVotesAndFreesTheCell) {
  const Id from = propose(ada, "Typing");
  const Id into = propose(bob, "Type hints");
  run(ScheduleTopic{from, r1, s1}, Actor::of(ada));
  run(Vote{from}, Actor::of(ada));
  run(Vote{from}, Actor::of(cy));  // cy votes for both
  run(Vote{into}, Actor::of(cy));
  run(Vote{into}, Actor::of(bob));
  ASSERT_EQ(board.votes_used(cy), 2);
  const auto m = run_as<TopicMerged>(MergeTopic{from, into}, Actor::of(org));
  EXPECT_EQ(m.into_topic_id, into);
  EXPECT_EQ(topic(from).state, TopicState::merged);
  EXPECT_EQ(topic(from).merged_into, std::optional<Id>(into));
  EXPECT_TRUE(topic(from).voters.empty());
  EXPECT_FALSE(topic(from).room_id);
  EXPECT_EQ(board.cell_holder(r1, s1), std::nullopt);
  // into keeps its voters in order, ada's vote moved, cy keeps exactly one vote.
  EXPECT_EQ(topic(into).voters, (std::vector<Id>{cy, bob, ada}));
  EXPECT_EQ(board.votes_used(ada), 1);
  EXPECT_EQ(board.votes_used(cy), 1);  // got one vote back in the budget
  EXPECT_EQ(board.votes_used(bob), 1);
  EXPECT_TRUE(rejects(Vote{into}, Actor::of(ada), "already_voted"));
  run(Unvote{into}, Actor::of(ada));
  EXPECT_EQ(board.votes_used(ada), 0);
}

TEST_F(TopicsTest, MergeRefundsTheDoubleVoteAgainstTheCap) {
  run(SetVoteCap{2}, Actor::of(org));
  const Id a = propose(ada);
  const Id b = propose(ada);
  const Id c = propose(ada);
  run(Vote{a}, Actor::of(cy));
  run(Vote{b}, Actor::of(cy));
  EXPECT_TRUE(rejects(Vote{c}, Actor::of(cy), "vote_cap_reached", "topic_id"));
  run(MergeTopic{a, b}, Actor::of(org));
  run(Vote{c}, Actor::of(cy));
  EXPECT_EQ(board.votes_used(cy), 2);
}

TEST_F(TopicsTest, MergeAHiddenTopic) {
  const Id from = propose(ada);
  const Id into = propose(bob);
  run(Vote{from}, Actor::of(cy));
  run(HideTopic{from}, Actor::of(org));
  run(MergeTopic{from, into}, Actor::of(org));
  EXPECT_EQ(topic(into).voters, std::vector<Id>{cy});
  EXPECT_EQ(board.votes_used(cy), 1);
}

TEST_F(TopicsTest, MergeRejections) {
  const Id a = propose(ada);
  const Id b = propose(bob);
  EXPECT_TRUE(rejects(MergeTopic{a, b}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(MergeTopic{a, b}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(MergeTopic{a, a}, Actor::of(org), "invalid_value", "into_topic_id"));
  EXPECT_TRUE(rejects(MergeTopic{99, b}, Actor::of(org), "not_found", "topic_id"));
  EXPECT_TRUE(rejects(MergeTopic{a, 99}, Actor::of(org), "not_found", "into_topic_id"));
  run(HideTopic{b}, Actor::of(org));
  EXPECT_TRUE(rejects(MergeTopic{a, b}, Actor::of(org), "invalid_state", "into_topic_id"));
  run(UnhideTopic{b}, Actor::of(org));
  run(MergeTopic{a, b}, Actor::of(org));
  const Id c = propose(cy);
  EXPECT_TRUE(rejects(MergeTopic{a, c}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(MergeTopic{c, a}, Actor::of(org), "invalid_state", "into_topic_id"));
}

TEST_F(TopicsTest, AMergedTopicAcceptsNothing) {
  const Id a = propose(ada);
  const Id b = propose(bob);
  run(MergeTopic{a, b}, Actor::of(org));
  EXPECT_TRUE(rejects(EditTopic{a, std::string("x"), std::nullopt}, Actor::of(ada), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(WithdrawTopic{a}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(ScheduleTopic{a, r1, s1}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(Vote{a}, Actor::of(cy), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(Unvote{a}, Actor::of(cy), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(HideTopic{a}, Actor::of(org), "invalid_state", "topic_id"));
  EXPECT_TRUE(rejects(UnhideTopic{a}, Actor::of(org), "invalid_state", "topic_id"));
}

}  // namespace
}  // namespace boardwalk::test
