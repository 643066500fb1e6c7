// join (names, secrets, organizer code, roles) and set_role.
#include "board_fixture.hpp"

namespace boardwalk::test {
namespace {

class ParticipantsTest : public BoardTest {
 protected:
  void SetUp() override {
    create_event();
    run(SetOrganizerCode{"organizer-code-hash"});
  }
};

TEST_F(ParticipantsTest, AnonymousJoinGivesAnAttendeeWithTheNextId) {
  const auto j =
      run_as<ParticipantJoined>(Join{"  Ada\tLovelace ", "s1", std::nullopt, std::nullopt}, Actor::anonymous());
  EXPECT_EQ(j.participant.id, 1);
  EXPECT_EQ(j.participant.name, "Ada Lovelace");
  EXPECT_EQ(j.participant.role, Role::attendee);
  EXPECT_EQ(j.secret_hash, "s1");
  EXPECT_EQ(board.participant_by_secret("s1"), std::optional<Id>(1));
  EXPECT_EQ(board.participant_by_secret("nope"), std::nullopt);
  EXPECT_EQ(join("Bob"), 2);
  EXPECT_EQ(board.participants().size(), 2u);
}

TEST_F(ParticipantsTest, NameLimitsAreCountedInCharacters) {
  std::string name;
  for (int i = 0; i < 60; ++i) name += "\xC3\xA9";  // é: 2 bytes, 1 character
  EXPECT_EQ(board.participant(join(name))->name, name);
  EXPECT_TRUE(rejects(Join{name + "e", "s-x", std::nullopt, std::nullopt}, Actor::anonymous(), "too_long", "name"));
  EXPECT_TRUE(
      rejects(Join{std::string(61, 'a'), "s-x", std::nullopt, std::nullopt}, Actor::anonymous(), "too_long", "name"));
  EXPECT_TRUE(rejects(Join{"   ", "s-x", std::nullopt, std::nullopt}, Actor::anonymous(), "invalid_value", "name"));
  EXPECT_TRUE(rejects(Join{"", "s-x", std::nullopt, std::nullopt}, Actor::anonymous(), "invalid_value", "name"));
  EXPECT_TRUE(rejects(Join{"Ad\xFF", "s-x", std::nullopt, std::nullopt}, Actor::anonymous(), "invalid_value", "name"));
}

TEST_F(ParticipantsTest, JoinedConnectionCannotJoinAgain) {
  const Id ada = join("Ada");
  EXPECT_TRUE(rejects(Join{"Ada again", "s-new", std::nullopt, std::nullopt}, Actor::of(ada), "conflict"));
}

TEST_F(ParticipantsTest, SecretMustBeFreshAndNonEmpty) {
  run(Join{"Ada", "same", std::nullopt, std::nullopt}, Actor::anonymous());
  EXPECT_TRUE(rejects(Join{"Bob", "same", std::nullopt, std::nullopt}, Actor::anonymous(), "conflict", "secret"));
  EXPECT_TRUE(rejects(Join{"Bob", "", std::nullopt, std::nullopt}, Actor::anonymous(), "conflict", "secret"));
}

TEST_F(ParticipantsTest, OrganizerCodeMakesAnOrganizer) {
  const auto j = run_as<ParticipantJoined>(Join{"Olga", "s1", std::string("organizer-code-hash"), std::nullopt},
                                           Actor::anonymous());
  EXPECT_EQ(j.participant.role, Role::organizer);
  EXPECT_EQ(role_of(j.participant.id), Role::organizer);
}

TEST_F(ParticipantsTest, WrongOrganizerCodeIsBadSecret) {
  EXPECT_TRUE(
      rejects(Join{"Olga", "s1", std::string("guess"), std::nullopt}, Actor::anonymous(), "bad_secret", "code"));
  EXPECT_TRUE(rejects(Join{"Olga", "s1", std::string(""), std::nullopt}, Actor::anonymous(), "bad_secret", "code"));
}

TEST_F(ParticipantsTest, NoOrganizerCodeSetMeansEveryCodeIsBad) {
  Board fresh;
  std::vector<Change> l;
  ASSERT_TRUE(decide_apply(fresh, l, CreateEvent{"ev", "Ev", "UTC", 0, {}}, Actor::system()));
  auto r = fresh.decide(Join{"Olga", "s", std::string(""), std::nullopt}, Actor::anonymous());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_secret");
}

TEST_F(ParticipantsTest, RoleOnlyFromTheServer) {
  EXPECT_TRUE(rejects(Join{"Eve", "s1", std::nullopt, Role::organizer}, Actor::anonymous(), "forbidden", "role"));
  const Id m = join("Max", Role::maintainer);
  EXPECT_EQ(role_of(m), Role::maintainer);
  const Id o = join("Olga", Role::organizer);
  EXPECT_EQ(role_of(o), Role::organizer);
}

TEST_F(ParticipantsTest, SetRole) {
  const Id org = join("Olga", Role::organizer);
  const Id ada = join("Ada");
  const auto c = run_as<ParticipantRoleSet>(SetRole{ada, Role::organizer}, Actor::of(org));
  EXPECT_EQ(c.participant_id, ada);
  EXPECT_EQ(role_of(ada), Role::organizer);
  run(SetRole{ada, Role::maintainer}, Actor::of(org));
  EXPECT_EQ(role_of(ada), Role::maintainer);
  run(SetRole{ada, Role::attendee});  // the server may too
  EXPECT_EQ(role_of(ada), Role::attendee);
  // A participant whose organizer role was taken away loses its powers at once (organizers
  // cannot take their own role away: another organizer or the server does).
  EXPECT_TRUE(rejects(SetRole{org, Role::attendee}, Actor::of(org), "invalid_value", "participant_id"));
  run(SetRole{org, Role::attendee});
  EXPECT_TRUE(rejects(SetRole{ada, Role::organizer}, Actor::of(org), "forbidden"));
}

TEST_F(ParticipantsTest, SetRoleRejections) {
  const Id org = join("Olga", Role::organizer);
  const Id ada = join("Ada");
  const Id mx = join("Max", Role::maintainer);
  EXPECT_TRUE(rejects(SetRole{ada, Role::organizer}, Actor::of(ada), "forbidden"));
  EXPECT_TRUE(rejects(SetRole{ada, Role::organizer}, Actor::of(mx), "forbidden"));
  EXPECT_TRUE(rejects(SetRole{ada, Role::organizer}, Actor::anonymous(), "not_joined"));
  EXPECT_TRUE(rejects(SetRole{99, Role::organizer}, Actor::of(org), "not_found", "participant_id"));
}

}  // namespace
}  // namespace boardwalk::test
