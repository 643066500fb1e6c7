// Issue 11's rules in the domain: caps on what one participant may hold, text that shows
// nothing, organizer invitations and code rotation, add_maintainer's limits, and the counts
// that changes carry so their public form names nobody.
#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

class HardeningTest : public EventTest {};

TEST_F(HardeningTest, AParticipantMayHoldAtMostTopicCapLiveTopics) {
  ASSERT_EQ(board.info().topic_cap, 5);
  std::vector<Id> mine;
  for (int i = 0; i < 5; ++i) mine.push_back(propose(ada, "Topic " + std::to_string(i)));
  EXPECT_TRUE(rejects(ProposeTopic{"One too many", ""}, Actor::of(ada), "cap_reached", "title"));
  // Hidden topics still count: hiding is moderation, not a way to make room.
  run(HideTopic{mine[0]}, Actor::of(org));
  EXPECT_TRUE(rejects(ProposeTopic{"Still too many", ""}, Actor::of(ada), "cap_reached", "title"));
  // Withdrawing and merging free a place.
  run(WithdrawTopic{mine[1]}, Actor::of(ada));
  const Id sixth = propose(ada, "Sixth");
  run(MergeTopic{mine[2], sixth}, Actor::of(org));
  propose(ada, "Seventh");
  EXPECT_TRUE(rejects(ProposeTopic{"Eighth", ""}, Actor::of(ada), "cap_reached", "title"));
  // Others are not affected; organizers are not capped.
  propose(bob, "Bob's");
  for (int i = 0; i < 7; ++i) propose(org, "Organizer " + std::to_string(i));
}

TEST_F(HardeningTest, AParticipantMayMaintainAtMostProjectCapProjects) {
  ASSERT_EQ(board.info().project_cap, 3);
  const Id p1 = create_project(ada, "One");
  create_project(ada, "Two");
  create_project(ada, "Three");
  ProjectFields f;
  f.name = "Four";
  f.repo_url = "https://example.org/four";
  EXPECT_TRUE(rejects(CreateProject{f}, Actor::of(ada), "cap_reached", "name"));
  run(WithdrawProject{p1}, Actor::of(ada));
  create_project(ada, "Four");
}

TEST_F(HardeningTest, OrganizersSetTheCapsWithinLimits) {
  run(SetCaps{1, std::nullopt}, Actor::of(org));
  EXPECT_EQ(board.info().topic_cap, 1);
  EXPECT_EQ(board.info().project_cap, 3);
  propose(ada);
  EXPECT_TRUE(rejects(ProposeTopic{"Second", ""}, Actor::of(ada), "cap_reached"));
  run(SetCaps{0, 0}, Actor::of(org));  // 0 = no cap
  propose(ada, "Second");
  EXPECT_TRUE(rejects(SetCaps{101, std::nullopt}, Actor::of(org), "invalid_value", "topic_cap"));
  EXPECT_TRUE(rejects(SetCaps{std::nullopt, -1}, Actor::of(org), "invalid_value", "project_cap"));
  EXPECT_TRUE(rejects(SetCaps{}, Actor::of(org), "bad_request"));
  EXPECT_TRUE(rejects(SetCaps{3, 3}, Actor::of(ada), "forbidden"));
}

TEST_F(HardeningTest, TextThatShowsNothingIsInvalid) {
  const char* invisible[] = {"\u200B\u200B", "\u00AD", "\u200D\uFE0F", "\u2060 \uFEFF", "\u3164", "\u2800"};
  for (const char* text : invisible) {
    EXPECT_TRUE(rejects(ProposeTopic{text, ""}, Actor::of(ada), "invalid_value", "title")) << text;
    EXPECT_TRUE(rejects(Join{text, "s-x", std::nullopt, std::nullopt}, Actor::anonymous(), "invalid_value", "name"));
  }
  EXPECT_TRUE(rejects(ProposeTopic{"Visible", "\u200B\u00AD"}, Actor::of(ada), "invalid_value", "description"));
  // Zero-width characters inside visible text stay: joiners build emoji.
  const Id t = propose(ada, "Family \U0001F468\u200D\U0001F469");
  EXPECT_EQ(topic(t).title, "Family \U0001F468\u200D\U0001F469");
}

TEST_F(HardeningTest, AnInvitationMakesOneOrganizerOnce) {
  run(CreateInvitation{"invite-1"}, Actor::of(org));
  EXPECT_TRUE(rejects(CreateInvitation{"invite-2"}, Actor::of(ada), "forbidden"));
  Join j{"Dora", next_secret(), std::nullopt, std::nullopt};
  j.invite_hash = "invite-1";
  const auto joined = run_as<ParticipantJoined>(j, Actor::anonymous());
  EXPECT_EQ(joined.participant.role, Role::organizer);
  Join again{"Eve", next_secret(), std::nullopt, std::nullopt};
  again.invite_hash = "invite-1";
  EXPECT_TRUE(rejects(again, Actor::anonymous(), "bad_secret", "invite"));
  again.invite_hash = "unknown";
  EXPECT_TRUE(rejects(again, Actor::anonymous(), "bad_secret", "invite"));
}

TEST_F(HardeningTest, RemovingAnOrganizerRotatesTheCodeAndVoidsTheirInvitations) {
  const Id olga2 = join("Olga II", Role::organizer);
  run(CreateInvitation{"olga2-invite"}, Actor::of(olga2));
  const auto removed = run_as<ParticipantRemoved>(RemoveParticipant{olga2, "new-code"}, Actor::of(org));
  EXPECT_EQ(removed.new_code_hash, "new-code");
  EXPECT_EQ(board.info().organizer_code_hash, "new-code");
  EXPECT_EQ(board.invitation("olga2-invite"), nullptr);
  // The old code no longer makes organizers.
  Join with_old{"Mallory", next_secret(), std::string("organizer-code-hash"), std::nullopt};
  EXPECT_TRUE(rejects(with_old, Actor::anonymous(), "bad_secret", "code"));
  // Removing an attendee leaves the code alone.
  const auto plain = run_as<ParticipantRemoved>(RemoveParticipant{bob, "other-code"}, Actor::of(org));
  EXPECT_TRUE(plain.new_code_hash.empty());
  EXPECT_EQ(board.info().organizer_code_hash, "new-code");
}

TEST_F(HardeningTest, DemotingAnOrganizerRotatesTheCode) {
  const Id olga2 = join("Olga II", Role::organizer);
  const auto set = run_as<ParticipantRoleSet>(SetRole{olga2, Role::attendee, "rotated"}, Actor::of(org));
  EXPECT_EQ(set.new_code_hash, "rotated");
  EXPECT_EQ(board.info().organizer_code_hash, "rotated");
  const auto promote = run_as<ParticipantRoleSet>(SetRole{ada, Role::organizer, "unused"}, Actor::of(org));
  EXPECT_TRUE(promote.new_code_hash.empty());
  EXPECT_EQ(board.info().organizer_code_hash, "rotated");
  EXPECT_TRUE(rejects(SetRole{org, Role::attendee, "x"}, Actor::of(org), "invalid_value", "participant_id"));
}

TEST_F(HardeningTest, OrganizersRotateTheCodeLive) {
  run(RotateOrganizerCode{"fresh"}, Actor::of(org));
  EXPECT_EQ(board.info().organizer_code_hash, "fresh");
  EXPECT_TRUE(rejects(RotateOrganizerCode{"mine"}, Actor::of(ada), "forbidden"));
}

TEST_F(HardeningTest, AddMaintainerRefusesDisplaysAndRemovedParticipants) {
  const Id project = create_project(ada);
  const Id tv = run_as<ParticipantJoined>(CreateDisplay{"Hall TV", next_secret()}, Actor::of(org)).participant.id;
  EXPECT_TRUE(rejects(AddMaintainer{project, tv}, Actor::of(ada), "invalid_value", "participant_id"));
  run(RemoveParticipant{cy, ""}, Actor::of(org));
  EXPECT_TRUE(rejects(AddMaintainer{project, cy}, Actor::of(ada), "invalid_state", "participant_id"));
}

TEST_F(HardeningTest, OrganizersMayEditAHiddenTopicButItsConvenerMayNot) {
  const Id t = propose(ada, "Spam");
  run(HideTopic{t}, Actor::of(org));
  EXPECT_TRUE(rejects(EditTopic{t, std::string("Fixed"), std::nullopt}, Actor::of(ada), "invalid_state"));
  run(EditTopic{t, std::string("Fixed"), std::string("")}, Actor::of(org));
  EXPECT_EQ(topic(t).title, "Fixed");
  EXPECT_EQ(topic(t).state, TopicState::hidden);
}

TEST_F(HardeningTest, ChangesCarryTheCountsAfterThem) {
  const Id t = propose(ada, "Typing");
  const Id u = propose(bob, "Packaging");
  EXPECT_EQ(run_as<VoteAdded>(Vote{t}, Actor::of(bob)).votes, 1);
  EXPECT_EQ(run_as<VoteAdded>(Vote{t}, Actor::of(cy)).votes, 2);
  EXPECT_EQ(run_as<VoteAdded>(Vote{u}, Actor::of(cy)).votes, 1);
  EXPECT_EQ(run_as<VoteRemoved>(Unvote{t}, Actor::of(bob)).votes, 1);
  run(Vote{u}, Actor::of(ada));
  // cy voted for both: counted once after the merge.
  EXPECT_EQ(run_as<TopicMerged>(MergeTopic{t, u}, Actor::of(org)).votes, 2);
  EXPECT_EQ(topic(u).voters.size(), 2u);
  const Id p = create_project(ada);
  EXPECT_EQ(run_as<ProjectJoined>(JoinProject{p}, Actor::of(bob)).attendee_count, 1);
  EXPECT_EQ(run_as<ProjectJoined>(JoinProject{p}, Actor::of(cy)).attendee_count, 2);
  const auto removed = run_as<ParticipantRemoved>(RemoveParticipant{cy, ""}, Actor::of(org));
  ASSERT_TRUE(removed.counts.known);
  EXPECT_EQ(removed.counts.topic_votes, (std::vector<std::pair<Id, int>>{{u, 1}}));
  EXPECT_EQ(removed.counts.project_attendees, (std::vector<std::pair<Id, int>>{{p, 1}}));
  EXPECT_EQ(topic(u).voters.size(), 1u);
  EXPECT_EQ(run_as<ProjectLeft>(LeaveProject{p}, Actor::of(bob)).attendee_count, 0);
}

TEST_F(HardeningTest, OnlyConvenersAndMaintainersAreListed) {
  EXPECT_FALSE(board.listed(ada));
  EXPECT_FALSE(board.listed(org));
  propose(ada);
  EXPECT_TRUE(board.listed(ada));
  const Id p = create_project(bob);
  EXPECT_TRUE(board.listed(bob));
  EXPECT_FALSE(board.listed(cy));
  run(AddMaintainer{p, cy}, Actor::of(bob));
  EXPECT_TRUE(board.listed(cy));
  // Their own votes and sign-ups are known to the board, for their answers only.
  const Id t = propose(bob, "Bob's");
  run(Vote{t}, Actor::of(org));
  run(JoinProject{p}, Actor::of(org));
  EXPECT_EQ(board.votes_of(org), std::vector<Id>{t});
  EXPECT_EQ(board.projects_joined_by(org), std::vector<Id>{p});
  EXPECT_FALSE(board.listed(org));
}

}  // namespace
}  // namespace boardwalk::test
