// Board and change encoding: round trips of every change kind through the storage format, the
// client audience never sees private hashes, and the snapshot has the shape of protocol.md.
#include <set>

#include "board_fixture.hpp"
#include "protocol/codec.hpp"

namespace boardwalk::test {
namespace {

using nlohmann::json;
using protocol::Audience;

// A board that has produced every change kind at least once.
class CodecTest : public EventTest {
 protected:
  void SetUp() override {
    EventTest::SetUp();
    run(SetVoteCap{5}, Actor::of(org));
    run(SetLocks{false, false}, Actor::of(org));
    run(SetRole{bob, Role::maintainer}, Actor::of(org));
    const Id t1 = propose(ada, "Typing");
    const Id t2 = propose(bob, "Type hints");
    const Id t3 = propose(cy, "Packaging");
    run(EditTopic{t1, std::string("Typing \xC3\xA9t\xC3\xA9"), std::string("a\nb \"q\"")}, Actor::of(ada));
    run(ScheduleTopic{t1, r1, s1}, Actor::of(ada));
    run(UnscheduleTopic{t1}, Actor::of(ada));
    run(ScheduleTopic{t3, r2, s2}, Actor::of(cy));
    run(Vote{t1}, Actor::of(bob));
    run(Vote{t2}, Actor::of(bob));
    run(Vote{t2}, Actor::of(cy));
    run(Unvote{t2}, Actor::of(cy));
    run(HideTopic{t2}, Actor::of(org));
    run(UnhideTopic{t2}, Actor::of(org));
    run(MergeTopic{t1, t2}, Actor::of(org));
    run(WithdrawTopic{t3}, Actor::of(cy));
    ProjectFields f;
    f.name = "CPython";
    f.repo_url = "https://github.com/python/cpython";
    f.skills = std::vector<std::string>{"c", "python"};
    f.level = Level::intermediate;
    f.first_timers = true;
    f.capacity = std::optional<int>(3);
    const Id p = run_as<ProjectCreated>(CreateProject{f}, Actor::of(ada)).project.id;
    ProjectFields e;
    e.description = "edited";
    run(EditProject{p, e}, Actor::of(ada));
    run(AddMaintainer{p, bob}, Actor::of(ada));
    run(ClaimTable{p, "2026-05-18", sprint_a}, Actor::of(ada));
    run(ClaimTable{p, "2026-05-19", sprint_b}, Actor::of(ada));
    run(ReleaseTable{p, "2026-05-19"}, Actor::of(ada));
    run(JoinProject{p}, Actor::of(cy));
    run(JoinProject{p}, Actor::of(org));
    run(LeaveProject{p}, Actor::of(org));
    const Id q = create_project(cy, "Django", std::optional<int>());
    run(HideProject{q}, Actor::of(org));
    run(UnhideProject{q}, Actor::of(org));
    run(WithdrawProject{q}, Actor::of(cy));
    // Identity and moderation: tickets, a ticket join, a display screen, a removal.
    run(AddTickets{{"ticket-hash-1", "ticket-hash-2"}}, Actor::system());
    run(SetJoinMode{JoinMode::tickets}, Actor::of(org));
    Join with_ticket{"Tess", "tess-secret-hash", std::nullopt, std::nullopt, std::string("ticket-hash-1")};
    const Id tess = run_as<ParticipantJoined>(with_ticket, Actor::anonymous()).participant.id;
    run(CreateDisplay{"Hall TV", "display-secret-hash"}, Actor::of(org));
    run(RemoveParticipant{tess}, Actor::of(org));
    // Issue 11: visibility, caps, invitations.
    run(SetVisibility{Visibility::participants}, Actor::of(org));
    run(SetCaps{4, 2}, Actor::of(org));
    run(CreateInvitation{"invitation-hash-1"}, Actor::of(org));
  }
};

bool contains_key(const json& j, const std::string& key) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == key || contains_key(v, key)) return true;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (contains_key(v, key)) return true;
    }
  }
  return false;
}

std::set<std::string> keys(const json& j) {
  std::set<std::string> out;
  for (const auto& [k, v] : j.items()) out.insert(k);
  return out;
}

TEST_F(CodecTest, EveryChangeKindRoundTripsThroughStorage) {
  std::set<std::string> kinds;
  for (const Change& c : log) {
    const json stored = protocol::encode_change(c, "pycon-us-2026", Audience::storage);
    // Through text, as storage keeps it.
    auto decoded = protocol::decode_change(json::parse(stored.dump()));
    ASSERT_TRUE(decoded.ok()) << stored.dump() << ": " << decoded.error().message;
    EXPECT_EQ(decoded->seq, c.seq);
    EXPECT_EQ(decoded->at, c.at);
    EXPECT_EQ(decoded->actor, c.actor);
    EXPECT_EQ(change_kind(decoded->body), change_kind(c.body));
    EXPECT_EQ(protocol::encode_change(*decoded, "pycon-us-2026", Audience::storage), stored);
    kinds.insert(std::string(change_kind(c.body)));
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<ChangeBody>) << "the scenario misses a change kind";
}

TEST_F(CodecTest, ReplayThroughTheCodecRebuildsTheBoard) {
  Board replayed;
  for (const Change& c : log) {
    auto d = protocol::decode_change(protocol::encode_change(c, "x", Audience::storage));
    ASSERT_TRUE(d.ok());
    replayed.apply(*d);
  }
  EXPECT_EQ(protocol::encode_snapshot(replayed), protocol::encode_snapshot(board));
  EXPECT_EQ(replayed.participant_by_secret("secret-hash-2"), board.participant_by_secret("secret-hash-2"));
  EXPECT_EQ(replayed.info().organizer_code_hash, "organizer-code-hash");
}

TEST_F(CodecTest, ClientsNeverSeeSecretOrCodeHashes) {
  bool saw_secret = false, saw_code = false;
  for (const Change& c : log) {
    const json client = protocol::encode_change(c, "pycon-us-2026", Audience::clients);
    const json stored = protocol::encode_change(c, "pycon-us-2026", Audience::storage);
    EXPECT_FALSE(contains_key(client, "secret_hash")) << client.dump();
    EXPECT_FALSE(contains_key(client, "code_hash")) << client.dump();
    EXPECT_FALSE(contains_key(client, "ticket_hash")) << client.dump();
    EXPECT_FALSE(contains_key(client, "ticket_hashes")) << client.dump();
    EXPECT_EQ(client.dump().find("ticket-hash-"), std::string::npos) << client.dump();
    EXPECT_EQ(client.dump().find("secret-hash-"), std::string::npos) << client.dump();
    EXPECT_EQ(client.dump().find("organizer-code-hash"), std::string::npos) << client.dump();
    EXPECT_EQ(client.dump().find("invitation-hash"), std::string::npos) << client.dump();
    // Nobody learns from a broadcast who did it, who voted or who signed up.
    EXPECT_FALSE(client.contains("actor")) << client.dump();
    if (std::holds_alternative<VoteAdded>(c.body) || std::holds_alternative<VoteRemoved>(c.body) ||
        std::holds_alternative<ProjectJoined>(c.body) || std::holds_alternative<ProjectLeft>(c.body)) {
      EXPECT_FALSE(client.contains("participant_id")) << client.dump();
    }
    EXPECT_FALSE(contains_key(client, "voters")) << client.dump();
    EXPECT_FALSE(contains_key(client, "attendees")) << client.dump();
    saw_secret = saw_secret || contains_key(stored, "secret_hash");
    saw_code = saw_code || contains_key(stored, "code_hash");
  }
  EXPECT_TRUE(saw_secret);
  EXPECT_TRUE(saw_code);
  const std::string snapshot = protocol::encode_snapshot(board).dump();
  EXPECT_EQ(snapshot.find("secret"), std::string::npos);
  EXPECT_EQ(snapshot.find("code_hash"), std::string::npos);
  EXPECT_EQ(snapshot.find("organizer-code-hash"), std::string::npos);
}

TEST_F(CodecTest, ChangeEnvelopeAndFieldsMatchTheSpec) {
  const auto find = [&](std::string_view kind) -> const Change& {
    for (const Change& c : log) {
      if (change_kind(c.body) == kind) return c;
    }
    throw std::runtime_error("no change " + std::string(kind));
  };
  const auto enc = [&](std::string_view kind) {
    return protocol::encode_change(find(kind), "pycon-us-2026", Audience::clients);
  };
  const json vote = enc("vote_added");
  EXPECT_EQ(keys(vote), (std::set<std::string>{"type", "event", "seq", "kind", "at", "topic_id", "votes"}));
  EXPECT_EQ(vote["type"], "change");
  EXPECT_EQ(vote["event"], "pycon-us-2026");
  EXPECT_EQ(vote["votes"], 1);
  EXPECT_TRUE(vote["at"].is_string());
  EXPECT_EQ(vote["at"].get<std::string>().back(), 'Z');
  // The record keeps who did it.
  EXPECT_EQ(protocol::encode_change(find("vote_added"), "x", Audience::storage)["actor"], bob);
  EXPECT_EQ(protocol::encode_change(find("vote_added"), "x", Audience::storage)["participant_id"], bob);
  EXPECT_EQ(enc("room_added")["room"],
            (json{{"id", 1}, {"name", "Room 101"}, {"kind", "open_space"}, {"capacity", 40}}));
  EXPECT_EQ(
      enc("slot_added")["slot"],
      (json{{"id", 1}, {"day", "2026-05-15"}, {"start", "2026-05-15T18:00:00Z"}, {"end", "2026-05-15T19:00:00Z"}}));
  const std::map<std::string, std::set<std::string>> fields = {
      {"event_created", {"slug", "name", "timezone", "vote_cap", "sprint_days", "topic_cap", "project_cap"}},
      {"room_added", {"room"}},
      {"slot_added", {"slot"}},
      {"vote_cap_set", {"vote_cap"}},
      {"locks_set", {"proposals", "voting"}},
      {"topic_hidden", {"topic_id"}},
      {"topic_unhidden", {"topic_id"}},
      {"topic_merged", {"topic_id", "into_topic_id", "votes"}},
      {"project_hidden", {"project_id"}},
      {"project_unhidden", {"project_id"}},
      {"participant_joined", {"ticket"}},
      {"participant_role_set", {"participant_id", "role", "organizer_code_rotated"}},
      {"topic_proposed", {"topic", "participant"}},
      {"topic_edited", {"topic_id", "title", "description"}},
      {"topic_withdrawn", {"topic_id"}},
      {"topic_scheduled", {"topic_id", "room_id", "slot_id"}},
      {"topic_unscheduled", {"topic_id"}},
      {"vote_added", {"topic_id", "votes"}},
      {"vote_removed", {"topic_id", "votes"}},
      {"project_created", {"project", "participant"}},
      {"project_edited", {"project"}},
      {"project_withdrawn", {"project_id"}},
      {"maintainer_added", {"project_id", "participant_id", "participant"}},
      {"table_claimed", {"project_id", "day", "room_id"}},
      {"table_released", {"project_id", "day"}},
      {"project_joined", {"project_id", "attendee_count"}},
      {"project_left", {"project_id", "attendee_count"}},
      {"organizer_code_set", {}},
      {"participant_removed", {"participant_id", "topics", "projects", "organizer_code_rotated"}},
      {"visibility_set", {"visibility"}},
      {"caps_set", {"topic_cap", "project_cap"}},
      {"invitation_created", {}},
      {"join_mode_set", {"mode"}},
      {"tickets_added", {"count"}},
  };
  for (const auto& [kind, want] : fields) {
    std::set<std::string> expected = want;
    expected.insert({"type", "event", "seq", "kind", "at"});
    EXPECT_EQ(keys(enc(kind)), expected) << kind;
  }
  EXPECT_EQ(enc("participant_role_set")["role"], "maintainer");
  EXPECT_EQ(enc("table_claimed")["day"], "2026-05-18");
  EXPECT_EQ(enc("maintainer_added")["participant"],
            (json{{"id", bob}, {"name", "Bob"}, {"role", "maintainer"}, {"removed", false}}));
  EXPECT_EQ(enc("topic_merged")["votes"], 1);  // bob voted for both: one vote
  EXPECT_EQ(enc("project_joined")["attendee_count"], 1);
  EXPECT_EQ(enc("visibility_set")["visibility"], "participants");
}

TEST_F(CodecTest, SnapshotShapeMatchesTheSpec) {
  const json s = protocol::encode_snapshot(board);
  EXPECT_EQ(keys(s), (std::set<std::string>{"type", "event", "seq", "board"}));
  EXPECT_EQ(s["type"], "snapshot");
  EXPECT_EQ(s["event"], "pycon-us-2026");
  EXPECT_EQ(s["seq"], board.seq());
  const json& b = s["board"];
  EXPECT_EQ(keys(b), (std::set<std::string>{"event", "rooms", "slots", "participants", "topics", "projects"}));
  EXPECT_EQ(keys(b["event"]),
            (std::set<std::string>{"slug", "name", "timezone", "vote_cap", "sprint_days", "proposals_locked",
                                   "voting_locked", "join_mode", "visibility", "topic_cap", "project_cap", "tickets"}));
  EXPECT_EQ(b["event"]["visibility"], "participants");
  EXPECT_EQ(b["event"]["topic_cap"], 4);
  EXPECT_EQ(b["event"]["project_cap"], 2);
  EXPECT_EQ(b["event"]["join_mode"], "tickets");
  EXPECT_EQ(b["event"]["tickets"], (json{{"total", 2}, {"used", 1}}));
  EXPECT_EQ(b["event"]["sprint_days"], (json{"2026-05-18", "2026-05-19"}));
  EXPECT_EQ(b["event"]["vote_cap"], 5);
  ASSERT_EQ(b["rooms"].size(), 4u);
  EXPECT_EQ(keys(b["rooms"][0]), (std::set<std::string>{"id", "name", "kind", "capacity"}));
  EXPECT_EQ(b["rooms"][2]["kind"], "sprint");
  ASSERT_EQ(b["slots"].size(), 3u);
  EXPECT_EQ(keys(b["slots"][0]), (std::set<std::string>{"id", "day", "start", "end"}));
  // Only conveners and maintainers are listed: not the organizer, not Tess, not the display.
  ASSERT_EQ(b["participants"].size(), 3u);
  EXPECT_EQ(b["participants"][0], (json{{"id", ada}, {"name", "Ada"}, {"role", "maintainer"}, {"removed", false}}));
  EXPECT_EQ(b["participants"][1]["id"], bob);
  EXPECT_EQ(b["participants"][2]["id"], cy);
  ASSERT_EQ(b["topics"].size(), 3u);
  const json& merged = b["topics"][0];
  EXPECT_EQ(keys(merged), (std::set<std::string>{"id", "title", "description", "convener", "state", "room_id",
                                                 "slot_id", "merged_into", "votes"}));
  EXPECT_EQ(merged["state"], "merged");
  EXPECT_EQ(merged["merged_into"], 2);
  EXPECT_EQ(merged["votes"], 0);
  EXPECT_TRUE(merged["room_id"].is_null());
  EXPECT_EQ(b["topics"][1]["votes"], 1);
  EXPECT_TRUE(b["topics"][1]["merged_into"].is_null());
  EXPECT_EQ(b["topics"][2]["state"], "withdrawn");
  ASSERT_EQ(b["projects"].size(), 2u);
  const json& p = b["projects"][0];
  EXPECT_EQ(keys(p), (std::set<std::string>{"id", "name", "repo_url", "description", "maintainers", "skills", "level",
                                            "first_timers", "days", "tables", "attendee_count", "capacity", "state"}));
  EXPECT_EQ(p["tables"], (json{{"2026-05-18", sprint_a}}));
  EXPECT_EQ(p["maintainers"], (json{ada, bob}));
  EXPECT_EQ(p["level"], "intermediate");
  EXPECT_EQ(p["capacity"], 3);
  EXPECT_EQ(p["attendee_count"], 1);
  EXPECT_EQ(p["state"], "active");
  EXPECT_TRUE(b["projects"][1]["capacity"].is_null());
  EXPECT_EQ(b["projects"][1]["state"], "withdrawn");
  // No raw newline in what is sent (JSON Lines framing).
  EXPECT_EQ(s.dump().find('\n'), std::string::npos);
}

TEST(DecodeChange, RejectsBrokenRecordsWithoutThrowing) {
  const json good = {{"type", "change"},     {"event", "e"},       {"seq", 3},
                     {"kind", "vote_added"}, {"actor", 2},         {"at", "2026-05-15T18:00:00Z"},
                     {"topic_id", 1},        {"participant_id", 2}};
  ASSERT_TRUE(protocol::decode_change(good).ok());
  const auto broken = [&](auto edit) {
    json j = good;
    edit(j);
    auto r = protocol::decode_change(j);
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(broken([](json& j) { j.erase("seq"); }), "invalid_value");
  EXPECT_EQ(broken([](json& j) { j["seq"] = "3"; }), "invalid_value");
  EXPECT_EQ(broken([](json& j) { j["at"] = "yesterday"; }), "invalid_value");
  EXPECT_EQ(broken([](json& j) { j["kind"] = "vote_stolen"; }), "invalid_value");
  EXPECT_EQ(broken([](json& j) { j.erase("participant_id"); }), "invalid_value");
  EXPECT_EQ(broken([](json& j) { j["topic_id"] = nullptr; }), "invalid_value");
  EXPECT_EQ(broken([](json& j) { j["actor"] = nullptr; }), "ok");
  EXPECT_EQ(protocol::decode_change(json::array()).ok(), false);
  EXPECT_EQ(protocol::decode_change(json("x")).ok(), false);
  json role = {{"seq", 1},
               {"at", "2026-05-15T18:00:00Z"},
               {"actor", nullptr},
               {"kind", "participant_role_set"},
               {"participant_id", 1},
               {"role", "emperor"}};
  EXPECT_FALSE(protocol::decode_change(role).ok());
}

}  // namespace
}  // namespace boardwalk::test
