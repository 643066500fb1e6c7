// Event set-up: create_event, organizer code, rooms, slots, vote cap, locks, and the checks every
// command goes through first (event exists, actor known).
#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

class SetupTest : public BoardTest {};

TEST_F(SetupTest, NewBoardIsNotCreated) {
  EXPECT_FALSE(board.created());
  EXPECT_EQ(board.seq(), 0);
}

TEST_F(SetupTest, CreateEventSetsInfoAndSortsAndDedupesSprintDays) {
  const auto e = run_as<EventCreated>(CreateEvent{"pycon-us-2026", "  PyCon US 2026 ",
                                                  "America/Los_Angeles", 5,
                                                  {"2026-05-19", "2026-05-18", "2026-05-19"}});
  EXPECT_EQ(e.name, "PyCon US 2026");
  EXPECT_TRUE(board.created());
  EXPECT_EQ(board.seq(), 1);
  EXPECT_EQ(board.info().slug, "pycon-us-2026");
  EXPECT_EQ(board.info().name, "PyCon US 2026");
  EXPECT_EQ(board.info().timezone, "America/Los_Angeles");
  EXPECT_EQ(board.info().vote_cap, 5);
  EXPECT_EQ(board.info().sprint_days, (std::vector<std::string>{"2026-05-18", "2026-05-19"}));
  EXPECT_FALSE(board.info().proposals_locked);
  EXPECT_FALSE(board.info().voting_locked);
}

TEST_F(SetupTest, EveryCommandButCreateEventNeedsTheEvent) {
  const std::vector<Command> commands = {
      SetOrganizerCode{"x"}, AddRoom{"R", RoomKind::open_space, 1}, SetVoteCap{1},
      SetLocks{true, std::nullopt}, Join{"Ada", "s", std::nullopt, std::nullopt},
      ProposeTopic{"t", ""}, CreateProject{}};
  for (const auto& c : commands) {
    EXPECT_TRUE(rejects(c, Actor::system(), "not_found", "event")) << command_type(c);
  }
  EXPECT_TRUE(rejects(Join{"Ada", "s", std::nullopt, std::nullopt}, Actor::anonymous(),
                      "not_found", "event"));
}

TEST_F(SetupTest, CreateEventOnlyByTheServer) {
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 0, {}}, Actor::anonymous(), "forbidden"));
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 0, {}}, Actor::of(1), "forbidden"));
  create_event();
  const Id org = join("Olga", Role::organizer);
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 0, {}}, Actor::of(org), "forbidden"));
}

TEST_F(SetupTest, CreateEventTwiceIsConflict) {
  create_event();
  EXPECT_TRUE(rejects(CreateEvent{"other", "Other", "UTC", 0, {}}, Actor::system(), "conflict",
                      "slug"));
}

TEST_F(SetupTest, CreateEventRejectsBadSlugs) {
  for (const std::string& slug : std::vector<std::string>{"", "-starts-with-dash", "UPPER", "has space", "under_score", "dot.ted", "ünï",
        std::string(65, 'a')}) {
    EXPECT_TRUE(rejects(CreateEvent{slug, "Ev", "UTC", 0, {}}, Actor::system(), "invalid_value",
                        "slug"))
        << slug;
  }
  run(CreateEvent{std::string(64, 'a'), "Ev", "UTC", 0, {}});
}

TEST_F(SetupTest, CreateEventRejectsBadValues) {
  EXPECT_TRUE(rejects(CreateEvent{"ev", "  ", "UTC", 0, {}}, Actor::system(), "invalid_value", "name"));
  EXPECT_TRUE(rejects(CreateEvent{"ev", std::string(121, 'n'), "UTC", 0, {}}, Actor::system(),
                      "too_long", "name"));
  for (const std::string& tz : std::vector<std::string>{"", "Europe Prague", "/Europe", "Europe/", "../etc/passwd", "Zone;"}) {
    EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", tz, 0, {}}, Actor::system(), "invalid_value",
                        "timezone"))
        << tz;
  }
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", -1, {}}, Actor::system(), "invalid_value", "vote_cap"));
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 1001, {}}, Actor::system(), "invalid_value", "vote_cap"));
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 0, {"2026-02-30"}}, Actor::system(),
                      "invalid_value", "sprint_days"));
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 0, {"May 18"}}, Actor::system(),
                      "invalid_value", "sprint_days"));
  std::vector<std::string> fifteen;
  for (int d = 1; d <= 15; ++d) fifteen.push_back("2026-06-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
  EXPECT_TRUE(rejects(CreateEvent{"ev", "Ev", "UTC", 0, fifteen}, Actor::system(), "invalid_value",
                      "sprint_days"));
  fifteen.pop_back();
  run(CreateEvent{"ev", "Ev", "UTC", 1000, fifteen});
  EXPECT_EQ(board.info().sprint_days.size(), 14u);
}

TEST_F(SetupTest, OrganizerCodeOnlyFromTheServer) {
  create_event();
  const Id org = join("Olga", Role::organizer);
  EXPECT_TRUE(rejects(SetOrganizerCode{"h"}, Actor::of(org), "forbidden"));
  EXPECT_TRUE(rejects(SetOrganizerCode{""}, Actor::system(), "invalid_value", "code"));
  run_as<OrganizerCodeSet>(SetOrganizerCode{"h1"});
  EXPECT_EQ(board.info().organizer_code_hash, "h1");
  run(SetOrganizerCode{"h2"});  // rotating replaces the old code
  EXPECT_EQ(board.info().organizer_code_hash, "h2");
}

class RoomsSlotsTest : public BoardTest {
 protected:
  Id org = 0, ada = 0;
  void SetUp() override {
    create_event();
    org = join("Olga", Role::organizer);
    ada = join("Ada");
  }
};

TEST_F(RoomsSlotsTest, AddRoomAssignsIdsAndTrimsName) {
  const auto a = run_as<RoomAdded>(AddRoom{" Room 101 ", RoomKind::open_space, 40}, Actor::of(org));
  const auto b = run_as<RoomAdded>(AddRoom{"Hall", RoomKind::sprint, 0});
  EXPECT_EQ(a.room.id, 1);
  EXPECT_EQ(b.room.id, 2);
  EXPECT_EQ(board.rooms().at(1).name, "Room 101");
  EXPECT_EQ(board.rooms().at(1).capacity, 40);
  EXPECT_EQ(board.rooms().at(2).kind, RoomKind::sprint);
}

TEST_F(RoomsSlotsTest, AddRoomRejections) {
  EXPECT_TRUE(rejects(AddRoom{"R", RoomKind::open_space, 1}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(AddRoom{"R", RoomKind::open_space, 1}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(AddRoom{"R", RoomKind::open_space, 1}, Actor::of(99), "not_joined"));
  EXPECT_TRUE(rejects(AddRoom{" \t", RoomKind::open_space, 1}, Actor::of(org), "invalid_value", "name"));
  EXPECT_TRUE(rejects(AddRoom{std::string(61, 'r'), RoomKind::open_space, 1}, Actor::of(org),
                      "too_long", "name"));
  EXPECT_TRUE(rejects(AddRoom{"R", RoomKind::open_space, -1}, Actor::of(org), "invalid_value", "capacity"));
  EXPECT_TRUE(rejects(AddRoom{"R", RoomKind::open_space, 100001}, Actor::of(org), "invalid_value",
                      "capacity"));
  add_room("Room 101");
  EXPECT_TRUE(rejects(AddRoom{"Room 101", RoomKind::sprint, 1}, Actor::of(org), "conflict", "name"));
  EXPECT_TRUE(rejects(AddRoom{"  Room 101  ", RoomKind::sprint, 1}, Actor::of(org), "conflict", "name"));
  add_room(std::string(60, 'r'), RoomKind::sprint, 100000);
}

TEST_F(RoomsSlotsTest, AddSlot) {
  const auto s = run_as<SlotAdded>(
      AddSlot{"2026-05-15", utc("2026-05-15T18:00:00Z"), utc("2026-05-15T19:00:00Z")},
      Actor::of(org));
  EXPECT_EQ(s.slot.id, 1);
  EXPECT_EQ(board.slots().at(1).day, "2026-05-15");
  EXPECT_EQ(board.slots().at(1).start, utc("2026-05-15T18:00:00Z"));
  // Adjacent slots and the same hours on another day do not overlap.
  EXPECT_EQ(add_slot("2026-05-15", "2026-05-15T19:00:00Z", "2026-05-15T20:00:00Z"), 2);
  EXPECT_EQ(add_slot("2026-05-16", "2026-05-15T18:00:00Z", "2026-05-15T19:00:00Z"), 3);
}

TEST_F(RoomsSlotsTest, AddSlotRejections) {
  const UnixTime t = utc("2026-05-15T18:00:00Z");
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t, t + 3600}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t, t + 3600}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(AddSlot{"2026-5-15", t, t + 3600}, Actor::of(org), "invalid_value", "day"));
  EXPECT_TRUE(rejects(AddSlot{"2026-02-29", t, t + 3600}, Actor::of(org), "invalid_value", "day"));
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t, t}, Actor::of(org), "invalid_value", "end"));
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t, t - 1}, Actor::of(org), "invalid_value", "end"));
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t, t + 24 * 3600 + 1}, Actor::of(org), "invalid_value", "end"));
  run(AddSlot{"2026-05-15", t, t + 24 * 3600}, Actor::of(org));  // exactly 24 h is fine
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t + 1800, t + 5400}, Actor::of(org), "conflict", "start"));
  EXPECT_TRUE(rejects(AddSlot{"2026-05-15", t - 1800, t + 60}, Actor::of(org), "conflict", "start"));
}

TEST_F(RoomsSlotsTest, SetVoteCap) {
  run_as<VoteCapSet>(SetVoteCap{3}, Actor::of(org));
  EXPECT_EQ(board.info().vote_cap, 3);
  run(SetVoteCap{0});
  EXPECT_EQ(board.info().vote_cap, 0);
  run(SetVoteCap{1000}, Actor::of(org));
  EXPECT_TRUE(rejects(SetVoteCap{2}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(SetVoteCap{2}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(SetVoteCap{-1}, Actor::of(org), "invalid_value", "vote_cap"));
  EXPECT_TRUE(rejects(SetVoteCap{1001}, Actor::of(org), "invalid_value", "vote_cap"));
}

TEST_F(RoomsSlotsTest, SetLocksChangesOnlyWhatIsGiven) {
  const auto l = run_as<LocksSet>(SetLocks{true, std::nullopt}, Actor::of(org));
  EXPECT_TRUE(l.proposals);
  EXPECT_FALSE(l.voting);
  EXPECT_TRUE(board.info().proposals_locked);
  run(SetLocks{std::nullopt, true}, Actor::of(org));
  EXPECT_TRUE(board.info().proposals_locked);
  EXPECT_TRUE(board.info().voting_locked);
  run(SetLocks{false, false});
  EXPECT_FALSE(board.info().proposals_locked);
  EXPECT_FALSE(board.info().voting_locked);
  EXPECT_TRUE(rejects(SetLocks{true, true}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(SetLocks{std::nullopt, std::nullopt}, Actor::of(org), "bad_request", "proposals"));
}

TEST_F(RoomsSlotsTest, UnknownParticipantActorIsNotJoined) {
  EXPECT_TRUE(rejects(ProposeTopic{"t", ""}, Actor::of(42), "not_joined"));
  EXPECT_TRUE(rejects(SetVoteCap{1}, Actor::of(0), "not_joined"));
}

}  // namespace
}  // namespace boardwalk::test
