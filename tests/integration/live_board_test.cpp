// Two real clients against the real server: what one does, the other sees, in order.
#include <gtest/gtest.h>

#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

json subscribe(WsClient& c, std::optional<long long> since = std::nullopt, std::vector<json>* got = nullptr) {
  json req = {{"type", "subscribe"}, {"event", "demo"}};
  if (since) req["since"] = *since;
  return c.request(req, got);
}

json join(WsClient& c, const std::string& name) {
  return c.request({{"type", "join"}, {"event", "demo"}, {"name", name}});
}

TEST(LiveBoard, ProposeAndVoteReachAnotherClientInOrder) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient a(server.port()), b(server.port());
  std::vector<json> b_got;
  const json b_sub = subscribe(b, std::nullopt, &b_got);
  ASSERT_EQ(b_sub["type"], "ack");
  ASSERT_EQ(b_sub["mode"], "snapshot");
  ASSERT_EQ(b_got.size(), 1u);
  EXPECT_EQ(b_got[0]["type"], "snapshot");
  EXPECT_EQ(b_got[0]["seq"], b_sub["seq"]);

  ASSERT_EQ(subscribe(a)["type"], "ack");
  const json joined = join(a, "Alice");
  ASSERT_EQ(joined["type"], "ack") << joined;
  EXPECT_EQ(joined["participant"]["name"], "Alice");
  EXPECT_GE(joined["secret"].get<std::string>().size(), 22u);

  const json proposed =
      a.request({{"type", "propose_topic"}, {"title", "Live boards"}, {"description", "no more paper"}});
  ASSERT_EQ(proposed["type"], "ack") << proposed;
  const long long topic = proposed["topic_id"];
  const json voted = a.request({{"type", "vote"}, {"topic_id", topic}});
  ASSERT_EQ(voted["type"], "ack") << voted;
  EXPECT_EQ(voted["seq"].get<long long>(), proposed["seq"].get<long long>() + 1);

  const auto changes = b.changes_until(voted["seq"]);
  ASSERT_EQ(changes.size(), 3u);  // participant_joined, topic_proposed, vote_added
  EXPECT_EQ(changes[0]["kind"], "participant_joined");
  EXPECT_FALSE(changes[0].contains("secret_hash"));
  EXPECT_EQ(changes[1]["kind"], "topic_proposed");
  EXPECT_EQ(changes[1]["topic"]["title"], "Live boards");
  EXPECT_EQ(changes[1]["seq"], proposed["seq"]);
  EXPECT_EQ(changes[2]["kind"], "vote_added");
  EXPECT_EQ(changes[2]["topic_id"], topic);
  // A vote is a count to everyone else: who voted is private (protocol.md, "Privacy").
  EXPECT_EQ(changes[2]["votes"], 1);
  EXPECT_FALSE(changes[2].contains("participant_id"));
  EXPECT_EQ(voted["me"]["votes"], json::array({topic}));
  for (std::size_t i = 1; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i]["seq"].get<long long>(), changes[i - 1]["seq"].get<long long>() + 1);
  }
}

TEST(LiveBoard, SenderGetsAckBeforeItsOwnBroadcast) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient a(server.port());
  subscribe(a);
  join(a, "Alice");
  a.backlog().clear();
  std::vector<json> before;
  const json ack = a.request({{"type", "propose_topic"}, {"title", "Order"}}, &before);
  ASSERT_EQ(ack["type"], "ack");
  for (const auto& m : before) EXPECT_NE(m.value("seq", 0LL), ack["seq"].get<long long>()) << "change came before ack";
  const auto after = a.changes_until(ack["seq"]);
  EXPECT_EQ(after.back()["seq"], ack["seq"]);
}

TEST(LiveBoard, ConflictingCellClaimGetsErrorAndChangesNothing) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient a(server.port()), b(server.port()), watcher(server.port());
  subscribe(watcher);
  join(a, "Alice");
  join(b, "Bob");
  const long long ta = a.request({{"type", "propose_topic"}, {"title", "A's topic"}})["topic_id"];
  const long long tb = b.request({{"type", "propose_topic"}, {"title", "B's topic"}})["topic_id"];
  const json won = a.request({{"type", "schedule_topic"}, {"topic_id", ta}, {"room_id", 3}, {"slot_id", 4}});
  ASSERT_EQ(won["type"], "ack") << won;
  const json lost = b.request({{"type", "schedule_topic"}, {"topic_id", tb}, {"room_id", 3}, {"slot_id", 4}});
  ASSERT_EQ(lost["type"], "error");
  EXPECT_EQ(lost["code"], "cell_taken");
  EXPECT_EQ(lost["field"], "slot_id");
  EXPECT_NE(lost["message"].get<std::string>().find("room 3"), std::string::npos);

  // The watcher saw the winning change and nothing after it; a fresh snapshot agrees.
  watcher.changes_until(won["seq"]);
  WsClient fresh(server.port());
  std::vector<json> got;
  const json sub = subscribe(fresh, std::nullopt, &got);
  EXPECT_EQ(sub["seq"], won["seq"]);
  for (const auto& t : got.at(0)["board"]["topics"]) {
    if (t["id"] == tb) {
      EXPECT_EQ(t["state"], "proposed");
      EXPECT_TRUE(t["room_id"].is_null());
    }
    if (t["id"] == ta) {
      EXPECT_EQ(t["room_id"], 3);
    }
  }
  EXPECT_TRUE(watcher.silent_for(std::chrono::milliseconds(300)));
}

TEST(LiveBoard, SecretResumesTheSameParticipant) {
  TempDb db;
  ServerProcess server(db.path());
  long long participant = 0;
  std::string secret;
  long long topic = 0;
  {
    WsClient a(server.port());
    const json joined = join(a, "Alice");
    participant = joined["participant"]["id"];
    secret = joined["secret"];
    topic = a.request({{"type", "propose_topic"}, {"title", "Mine"}})["topic_id"];
    ASSERT_EQ(a.request({{"type", "vote"}, {"topic_id", topic}})["type"], "ack");
  }
  WsClient again(server.port());
  const json bad = again.request({{"type", "auth"}, {"event", "demo"}, {"secret", "not-a-secret"}});
  EXPECT_EQ(bad["code"], "bad_secret");
  const json authed = again.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}});
  ASSERT_EQ(authed["type"], "ack") << authed;
  EXPECT_EQ(authed["participant"]["id"], participant);
  const json twice = again.request({{"type", "vote"}, {"topic_id", topic}});
  EXPECT_EQ(twice["code"], "already_voted");
  // Ownership survives too: the convener may withdraw their topic.
  EXPECT_EQ(again.request({{"type", "withdraw_topic"}, {"topic_id", topic}})["type"], "ack");
}

TEST(LiveBoard, OrganizerCodeGrantsOrganizerRole) {
  TempDb db;
  ServerProcess server(db.path());
  const std::string code = server.organizer_code("demo");
  ASSERT_FALSE(code.empty()) << server.output();
  WsClient org(server.port()), attendee(server.port());
  const json o = org.request({{"type", "join"}, {"event", "demo"}, {"name", "Olga"}, {"code", code}});
  ASSERT_EQ(o["type"], "ack") << o;
  EXPECT_EQ(o["participant"]["role"], "organizer");
  const json wrong = attendee.request({{"type", "join"}, {"event", "demo"}, {"name", "Eve"}, {"code", "guess"}});
  EXPECT_EQ(wrong["code"], "bad_secret");
  join(attendee, "Eve");
  EXPECT_EQ(
      attendee.request({{"type", "add_room"}, {"name", "Eve's room"}, {"kind", "open_space"}, {"capacity", 5}})["code"],
      "forbidden");
  const json room = org.request({{"type", "add_room"}, {"name", "Room 201"}, {"kind", "open_space"}, {"capacity", 30}});
  ASSERT_EQ(room["type"], "ack") << room;
  EXPECT_EQ(room["room_id"], 8);
}

}  // namespace
}  // namespace boardwalk::testing
