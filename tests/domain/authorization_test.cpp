// The authorization matrix: every command (row) against every kind of actor (column). The
// expected table below is written out by hand and must match docs/authorization.md; the
// test runs each cell through Board::decide on a board where the actor really has that role
// or ownership, so it checks behaviour, not the table against itself.
#include <map>
#include <set>

#include "board_fixture.hpp"
#include "domain/authorization.hpp"

namespace boardwalk::test {
namespace {

// Columns: the server itself, a connection that has not joined, an attendee who owns nothing,
// the owner (convener of the topics, maintainer of the project), an organizer, a display.
enum Col { kServer, kAnonymous, kAttendee, kOwner, kOrganizer, kDisplay, kCols };
const char* const col_names[] = {"server", "anonymous", "attendee", "owner", "organizer", "display"};

// 'Y' = allowed past authorization (the command may still fail a rule), 'N' = refused with
// forbidden or not_joined. Votes and sprint sign-ups are personal: the server has none.
const std::map<std::string, std::string> expected = {
    //                      srv anon att own org disp
    {"create_event",
     "Y"
     "N"
     "N"
     "N"
     "N"
     "N"},
    {"set_organizer_code",
     "Y"
     "N"
     "N"
     "N"
     "N"
     "N"},
    {"add_tickets",
     "Y"
     "N"
     "N"
     "N"
     "N"
     "N"},
    {"join",
     "Y"
     "Y"
     "Y"
     "Y"
     "Y"
     "Y"},
    {"add_room",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"add_slot",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"set_vote_cap",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"set_locks",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"set_join_mode",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"set_visibility",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"set_caps",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"rotate_organizer_code",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"create_invitation",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"set_role",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"create_display",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"remove_participant",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"hide_topic",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"unhide_topic",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"merge_topic",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"hide_project",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"unhide_project",
     "Y"
     "N"
     "N"
     "N"
     "Y"
     "N"},
    {"propose_topic",
     "Y"
     "N"
     "Y"
     "Y"
     "Y"
     "N"},
    {"vote",
     "N"
     "N"
     "Y"
     "Y"
     "Y"
     "N"},
    {"unvote",
     "N"
     "N"
     "Y"
     "Y"
     "Y"
     "N"},
    {"create_project",
     "Y"
     "N"
     "Y"
     "Y"
     "Y"
     "N"},
    {"join_project",
     "N"
     "N"
     "Y"
     "Y"
     "Y"
     "N"},
    {"leave_project",
     "Y"
     "N"
     "Y"
     "Y"
     "Y"
     "N"},
    {"edit_topic",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"withdraw_topic",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"schedule_topic",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"unschedule_topic",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"edit_project",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"withdraw_project",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"add_maintainer",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"claim_table",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
    {"release_table",
     "Y"
     "N"
     "N"
     "Y"
     "Y"
     "N"},
};

class AuthorizationTest : public EventTest {
 protected:
  Id owner = 0, display = 0, topic = 0, other_topic = 0, project = 0, hidden_topic = 0, hidden_project = 0;

  void SetUp() override {
    EventTest::SetUp();
    owner = ada;
    display = run_as<ParticipantJoined>(CreateDisplay{"Hall TV", "display-secret"}, Actor::of(org)).participant.id;
    topic = propose(owner, "Owned topic");
    other_topic = propose(owner, "Another owned topic");
    hidden_topic = propose(owner, "Hidden topic");
    run(HideTopic{hidden_topic}, Actor::of(org));
    run(Vote{topic}, Actor::of(bob));
    project = create_project(owner, "Owned project", std::optional<int>());
    hidden_project = create_project(owner, "Hidden project", std::optional<int>());
    run(HideProject{hidden_project}, Actor::of(org));
    run(ClaimTable{project, "2026-05-18", sprint_a}, Actor::of(owner));
  }

  // A well-formed instance of each command aimed at the owner's items.
  Command make(const std::string& type) {
    ProjectFields fields;
    fields.name = "New project";
    fields.repo_url = "https://example.org/repo";
    ProjectFields edit;
    edit.description = "edited";
    const std::map<std::string, Command> commands = {
        {"create_event", CreateEvent{"another", "Another", "UTC", 0, {}}},
        {"set_organizer_code", SetOrganizerCode{"new-code-hash"}},
        {"add_tickets", AddTickets{{"t1"}}},
        {"join", Join{"Newcomer", "fresh-secret", std::nullopt, std::nullopt}},
        {"add_room", AddRoom{"Room 303", RoomKind::open_space, 10}},
        {"add_slot", AddSlot{"2026-05-17", utc("2026-05-17T18:00:00Z"), utc("2026-05-17T19:00:00Z")}},
        {"set_vote_cap", SetVoteCap{3}},
        {"set_locks", SetLocks{true, std::nullopt}},
        {"set_join_mode", SetJoinMode{JoinMode::tickets}},
        {"set_visibility", SetVisibility{Visibility::participants}},
        {"set_caps", SetCaps{2, 2}},
        {"rotate_organizer_code", RotateOrganizerCode{"rotated-code-hash"}},
        {"create_invitation", CreateInvitation{"invitation-hash"}},
        {"set_role", SetRole{cy, Role::maintainer}},
        {"create_display", CreateDisplay{"TV 2", "display-2-secret"}},
        {"remove_participant", RemoveParticipant{cy}},
        {"hide_topic", HideTopic{topic}},
        {"unhide_topic", UnhideTopic{hidden_topic}},
        {"merge_topic", MergeTopic{other_topic, topic}},
        {"hide_project", HideProject{project}},
        {"unhide_project", UnhideProject{hidden_project}},
        {"propose_topic", ProposeTopic{"A topic", ""}},
        {"vote", Vote{other_topic}},
        {"unvote", Unvote{topic}},
        {"create_project", CreateProject{fields}},
        {"join_project", JoinProject{project}},
        {"leave_project", LeaveProject{project}},
        {"edit_topic", EditTopic{topic, std::string("Renamed"), std::nullopt}},
        {"withdraw_topic", WithdrawTopic{topic}},
        {"schedule_topic", ScheduleTopic{topic, r1, s1}},
        {"unschedule_topic", UnscheduleTopic{topic}},
        {"edit_project", EditProject{project, edit}},
        {"withdraw_project", WithdrawProject{project}},
        {"add_maintainer", AddMaintainer{project, cy}},
        {"claim_table", ClaimTable{project, "2026-05-19", sprint_b}},
        {"release_table", ReleaseTable{project, "2026-05-18"}},
    };
    return commands.at(type);
  }

  Actor actor(Col c) const {
    switch (c) {
      case kServer:
        return Actor::system();
      case kAnonymous:
        return Actor::anonymous();
      case kAttendee:
        return Actor::of(bob);
      case kOwner:
        return Actor::of(owner);
      case kOrganizer:
        return Actor::of(org);
      case kDisplay:
        return Actor::of(display);
      default:
        throw std::logic_error("column");
    }
  }
};

TEST_F(AuthorizationTest, EveryCommandHasARowAndEveryRowIsTested) {
  std::set<std::string> rows;
  for (const auto& p : permissions()) rows.insert(std::string(p.command));
  std::set<std::string> tested;
  for (const auto& [type, cells] : expected) tested.insert(type);
  EXPECT_EQ(rows, tested);
  EXPECT_EQ(rows.size(), std::variant_size_v<Command>);
}

TEST_F(AuthorizationTest, EachCellOfTheMatrix) {
  for (const auto& [type, cells] : expected) {
    ASSERT_EQ(cells.size(), static_cast<std::size_t>(kCols)) << type;
    const Command command = make(type);
    ASSERT_EQ(command_type(command), type);
    for (int c = 0; c < kCols; ++c) {
      const auto result = board.decide(command, actor(static_cast<Col>(c)));
      const bool refused = !result && (result.error().code == "forbidden" || result.error().code == "not_joined");
      const bool allowed = cells[static_cast<std::size_t>(c)] == 'Y';
      EXPECT_EQ(!refused, allowed) << type << " as " << col_names[c] << ": "
                                   << (result ? "accepted" : result.error().code + " (" + result.error().message + ")");
    }
  }
}

TEST_F(AuthorizationTest, ARemovedParticipantCanDoNothing) {
  run(RemoveParticipant{bob}, Actor::of(org));
  EXPECT_TRUE(rejects(ProposeTopic{"Still here?", ""}, Actor::of(bob), "not_joined"));
  EXPECT_TRUE(rejects(Vote{other_topic}, Actor::of(bob), "not_joined"));
  // Their vote was taken back and their secret no longer identifies them.
  EXPECT_TRUE(board.topic(topic)->voters.empty());
  EXPECT_EQ(board.votes_used(bob), 0);
  EXPECT_TRUE(board.participant(bob)->removed);
}

TEST_F(AuthorizationTest, TicketModeNeedsAnUnusedTicket) {
  run(AddTickets{{"hash-a", "hash-b"}});
  run(SetJoinMode{JoinMode::tickets}, Actor::of(org));
  EXPECT_TRUE(
      rejects(Join{"No ticket", "s-1", std::nullopt, std::nullopt}, Actor::anonymous(), "ticket_required", "ticket"));
  EXPECT_TRUE(rejects(Join{"Bad", "s-2", std::nullopt, std::nullopt, std::string("hash-zzz")}, Actor::anonymous(),
                      "bad_secret", "ticket"));
  const auto joined = run_as<ParticipantJoined>(Join{"Tess", "s-3", std::nullopt, std::nullopt, std::string("hash-a")},
                                                Actor::anonymous());
  EXPECT_EQ(joined.participant.role, Role::attendee);
  EXPECT_EQ(board.tickets_used(), 1u);
  EXPECT_TRUE(rejects(Join{"Tess again", "s-4", std::nullopt, std::nullopt, std::string("hash-a")}, Actor::anonymous(),
                      "ticket_used", "ticket"));
  // The organizer code still works without a ticket.
  EXPECT_EQ(run_as<ParticipantJoined>(Join{"Org 2", "s-5", std::string("organizer-code-hash"), std::nullopt},
                                      Actor::anonymous())
                .participant.role,
            Role::organizer);
  EXPECT_TRUE(rejects(AddTickets{{"hash-b"}}, Actor::system(), "conflict", "tickets"));
}

TEST_F(AuthorizationTest, DisplaysCannotBeTurnedIntoOtherRolesOrBack) {
  EXPECT_TRUE(rejects(SetRole{display, Role::organizer}, Actor::of(org), "invalid_value", "role"));
  EXPECT_TRUE(rejects(SetRole{bob, Role::display}, Actor::of(org), "invalid_value", "role"));
  EXPECT_TRUE(rejects(RemoveParticipant{org}, Actor::of(org), "invalid_value", "participant_id"));
}

}  // namespace
}  // namespace boardwalk::test
