// Hostile requests against the real server (issue 4): each gets its clear error and leaves
// the board unchanged; removing a participant ends their live connection at once.
#include <gtest/gtest.h>

#include "lift_caps.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

json join(WsClient& c, const std::string& name) {
  return c.request({{"type", "join"}, {"event", "demo"}, {"name", name}});
}

long long current_seq(unsigned short port) {
  WsClient c(port);
  return c.request({{"type", "subscribe"}, {"event", "demo"}})["seq"];
}

TEST(Hostile, SomeoneElsesProjectAndTheWrongRoleAreForbidden) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient owner(server.port()), other(server.port());
  join(owner, "Maintainer");
  join(other, "Prankster");
  const json created =
      owner.request({{"type", "create_project"}, {"name", "Mine"}, {"repo_url", "https://example.org/mine"}});
  ASSERT_EQ(created["type"], "ack") << created;
  const long long seq = current_seq(server.port());
  const json edit = other.request({{"type", "edit_project"}, {"project_id", created["project_id"]}, {"name", "Pwned"}});
  EXPECT_EQ(edit["code"], "forbidden");
  EXPECT_EQ(edit["field"], "project_id");
  EXPECT_EQ(other.request({{"type", "withdraw_project"}, {"project_id", created["project_id"]}})["code"], "forbidden");
  EXPECT_EQ(other.request({{"type", "hide_topic"}, {"topic_id", 1}})["code"], "forbidden");
  EXPECT_EQ(other.request({{"type", "set_role"}, {"participant_id", 1}, {"role", "organizer"}})["code"], "forbidden");
  EXPECT_EQ(other.request({{"type", "remove_participant"}, {"participant_id", 1}})["code"], "forbidden");
  EXPECT_EQ(current_seq(server.port()), seq);
}

TEST(Hostile, ForgedOrMissingSecretsAreRefused) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  EXPECT_EQ(c.request({{"type", "auth"}, {"event", "demo"}, {"secret", "AAAAAAAAAAAAAAAAAAAAAA"}})["code"],
            "bad_secret");
  const json missing = c.request({{"type", "auth"}, {"event", "demo"}});
  EXPECT_EQ(missing["code"], "bad_request");
  EXPECT_EQ(missing["field"], "secret");
  EXPECT_EQ(c.request({{"type", "join"}, {"event", "demo"}, {"name", "X"}, {"code", "guessed-organizer-code"}})["code"],
            "bad_secret");
  EXPECT_EQ(c.request({{"type", "vote"}, {"topic_id", 1}})["code"], "not_joined");
}

TEST(Hostile, RemovingAParticipantClosesTheirConnectionAndRevokesTheirSecret) {
  TempDb db;
  ServerProcess server(db.path());
  const std::string code = server.organizer_code("demo");
  ASSERT_FALSE(code.empty());
  WsClient org(server.port()), victim(server.port()), watcher(server.port());
  ASSERT_EQ(org.request({{"type", "join"}, {"event", "demo"}, {"name", "Olga"}, {"code", code}})["type"], "ack");
  const json joined = join(victim, "Mallory");
  const long long id = joined["participant"]["id"];
  const std::string secret = joined["secret"];
  ASSERT_EQ(victim.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  ASSERT_EQ(victim.request({{"type", "vote"}, {"topic_id", 2}})["type"], "ack");
  watcher.request({{"type", "subscribe"}, {"event", "demo"}});

  const json removed = org.request({{"type", "remove_participant"}, {"participant_id", id}});
  ASSERT_EQ(removed["type"], "ack") << removed;
  // The victim's live connection is closed with a reason (after any changes queued before).
  while (victim.next(std::chrono::milliseconds(5000))) {
  }
  EXPECT_TRUE(victim.closed());
  EXPECT_EQ(victim.close_reason(), "removed by an organizer");
  // Everyone sees the removal; the secret no longer works; the vote is gone.
  const auto changes = watcher.changes_until(removed["seq"]);
  EXPECT_EQ(changes.back()["kind"], "participant_removed");
  EXPECT_EQ(changes.back()["participant_id"], id);
  WsClient again(server.port());
  EXPECT_EQ(again.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}})["code"], "bad_secret");
  std::vector<json> got;
  again.request({{"type", "subscribe"}, {"event", "demo"}}, &got);
  for (const auto& t : got.at(0)["board"]["topics"]) {
    for (const auto& v : t["voters"]) EXPECT_NE(v, id);
  }
}

TEST(Hostile, CrossOriginUpgradeIsRefused) {
  TempDb db;
  ServerProcess server(db.path(), {"--allowed-origin", "https://board.example.org"});
  EXPECT_THROW(WsClient(server.port(), "/ws", "https://evil.example"), std::exception);
  EXPECT_THROW(WsClient(server.port(), "/ws", "null"), std::exception);
  // The page's own origin, a configured one, and tools that send no Origin are fine.
  WsClient same(server.port(), "/ws", "http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(same.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  WsClient configured(server.port(), "/ws", "https://board.example.org");
  EXPECT_EQ(configured.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  EXPECT_NE(server.output().find("refused a WebSocket from origin 'https://evil.example'"), std::string::npos);
}

TEST(Hostile, AFloodOnOneConnectionIsRateLimitedAndAppliesOnlyWhatWasAcked) {
  TempDb db;
  ServerProcess server(db.path(), {"--rate-per-connection", "5", "--rate-per-participant", "0"});
  lift_caps(server);  // more topics from one participant than the default caps allow
  WsClient c(server.port());
  join(c, "Flooder");  // one request of the burst of 15
  const long long before = current_seq(server.port());
  const int sent = 40;
  for (int i = 0; i < sent; ++i) {
    c.send({{"type", "propose_topic"}, {"id", 1000 + i}, {"title", "spam " + std::to_string(i)}});
  }
  int acked = 0, limited = 0;
  for (int i = 0; i < sent; ++i) {
    auto m = c.next();
    ASSERT_TRUE(m.has_value());
    if ((*m)["type"] == "change") {
      --i;
      continue;
    }
    if ((*m)["type"] == "ack") ++acked;
    if ((*m)["type"] == "error") {
      EXPECT_EQ((*m)["code"], "rate_limited");
      ++limited;
    }
  }
  EXPECT_GT(limited, 0);
  EXPECT_LT(acked, 20);
  EXPECT_EQ(acked + limited, sent);
  EXPECT_EQ(current_seq(server.port()), before + acked);
}

TEST(Hostile, AParticipantIsLimitedAcrossAllTheirConnections) {
  TempDb db;
  ServerProcess server(db.path(), {"--rate-per-connection", "0", "--rate-per-participant", "2",
                                   "--max-connections-per-participant", "2"});
  WsClient a(server.port()), b(server.port()), c(server.port());
  const std::string secret = join(a, "Multi")["secret"];
  ASSERT_EQ(b.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}})["type"], "ack");
  const json third = c.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}});
  EXPECT_EQ(third["code"], "too_many_connections");
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    WsClient& via = i % 2 == 0 ? a : b;
    if (via.request({{"type", "propose_topic"}, {"title", "t" + std::to_string(i)}})["code"] == "rate_limited")
      ++limited;
  }
  EXPECT_GT(limited, 0);  // 12 from both connections together exceed a burst of 2/s x 3
}

TEST(Hostile, PerAddressBackstopClosesExtraConnections) {
  TempDb db;
  ServerProcess server(db.path(), {"--max-connections-per-ip", "2"});
  WsClient a(server.port()), b(server.port());
  EXPECT_EQ(a.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  WsClient c(server.port());
  EXPECT_FALSE(c.next(std::chrono::milliseconds(3000)).has_value());
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.close_reason(), "too many connections from this address");
}

}  // namespace
}  // namespace boardwalk::testing
