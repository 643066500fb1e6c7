// Resync by seq: a client that was away gets exactly what it missed, across restarts too.
#include <gtest/gtest.h>

#include "lift_caps.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

json subscribe(WsClient& c, std::optional<long long> since, std::vector<json>* got) {
  json req = {{"type", "subscribe"}, {"event", "demo"}};
  if (since) req["since"] = *since;
  return c.request(req, got);
}

// Makes `n` changes as a fresh participant; returns the acks' seqs.
std::vector<long long> make_changes(unsigned short port, int n, const std::string& name) {
  WsClient c(port);
  std::vector<long long> seqs;
  const json joined = c.request({{"type", "join"}, {"event", "demo"}, {"name", name}});
  seqs.push_back(joined["seq"]);
  for (int i = 1; i < n; ++i) {
    const json ack = c.request({{"type", "propose_topic"}, {"title", name + " topic " + std::to_string(i)}});
    EXPECT_EQ(ack["type"], "ack") << ack;
    seqs.push_back(ack["seq"]);
  }
  return seqs;
}

std::vector<long long> seqs_of(const std::vector<json>& messages) {
  std::vector<long long> out;
  for (const auto& m : messages) {
    if (m["type"] == "change") out.push_back(m["seq"]);
  }
  return out;
}

json board_via_snapshot(unsigned short port) {
  WsClient c(port);
  std::vector<json> got;
  subscribe(c, std::nullopt, &got);
  return got.at(0);
}

TEST(Resync, OfflineClientGetsExactlyWhatItMissed) {
  TempDb db;
  ServerProcess server(db.path());
  long long last_seen = 0;
  {
    WsClient c(server.port());
    std::vector<json> got;
    last_seen = subscribe(c, std::nullopt, &got)["seq"];
  }
  const auto made = make_changes(server.port(), 5, "Mallory");
  WsClient back(server.port());
  std::vector<json> got;
  const json ack = subscribe(back, last_seen, &got);
  EXPECT_EQ(ack["mode"], "replay");
  EXPECT_EQ(ack["seq"], made.back());
  EXPECT_EQ(seqs_of(got), made);
  EXPECT_EQ(got.size(), made.size());  // changes only, no snapshot

  // Already up to date: nothing to replay.
  WsClient current(server.port());
  std::vector<json> none;
  EXPECT_EQ(subscribe(current, made.back(), &none)["mode"], "replay");
  EXPECT_TRUE(none.empty());
  // A seq from the future (e.g. a different database) gets a snapshot instead.
  WsClient future(server.port());
  std::vector<json> snap;
  EXPECT_EQ(subscribe(future, made.back() + 100, &snap)["mode"], "snapshot");
  ASSERT_EQ(snap.size(), 1u);
  EXPECT_EQ(snap[0]["type"], "snapshot");
}

TEST(Resync, ReplayedChangesRebuildTheSnapshotExactly) {
  TempDb db;
  ServerProcess server(db.path());
  const json before = board_via_snapshot(server.port());
  make_changes(server.port(), 4, "Trent");
  const json after = board_via_snapshot(server.port());
  WsClient c(server.port());
  std::vector<json> got;
  subscribe(c, before["seq"].get<long long>(), &got);
  // The replayed changes name exactly the topics that are new in the later snapshot.
  std::vector<long long> new_topics;
  for (const auto& m : got) {
    if (m["kind"] == "topic_proposed") new_topics.push_back(m["topic"]["id"]);
  }
  EXPECT_EQ(after["board"]["topics"].size(), before["board"]["topics"].size() + new_topics.size());
  EXPECT_EQ(after["board"]["participants"].size(), before["board"]["participants"].size() + 1);
}

TEST(Resync, RestartLosesAndDuplicatesNothing) {
  TempDb db;
  std::vector<long long> before_restart;
  json board_before;
  std::string secret;
  {
    ServerProcess server(db.path());
    WsClient watcher(server.port());
    std::vector<json> got;
    subscribe(watcher, std::nullopt, &got);
    before_restart = make_changes(server.port(), 3, "Peggy");
    const auto received = watcher.changes_until(before_restart.back());
    EXPECT_EQ(seqs_of(received), before_restart);
    WsClient c(server.port());
    secret = c.request({{"type", "join"}, {"event", "demo"}, {"name", "Victor"}})["secret"];
    const json last = c.request({{"type", "propose_topic"}, {"title", "before restart"}});
    ASSERT_EQ(last["type"], "ack");
    before_restart.push_back(last["seq"]);
    board_before = board_via_snapshot(server.port());
    EXPECT_EQ(server.stop(), 0) << server.output();
  }
  ServerProcess server(db.path());
  EXPECT_EQ(server.output().find("created the demo event"), std::string::npos) << "restart must not recreate the demo";
  const json board_after = board_via_snapshot(server.port());
  EXPECT_EQ(board_after, board_before);

  // The watcher comes back with its last seq, and changes made after the restart follow.
  WsClient watcher(server.port());
  std::vector<json> got;
  const json ack = subscribe(watcher, before_restart.back(), &got);
  EXPECT_EQ(ack["mode"], "replay");
  const auto after_restart = make_changes(server.port(), 2, "Walter");
  const auto live = watcher.changes_until(after_restart.back());
  std::vector<long long> all = seqs_of(got);
  for (long long s : seqs_of(live)) all.push_back(s);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], before_restart.back() + 1 + static_cast<long long>(i));
  EXPECT_EQ(all.back(), after_restart.back());

  // The participant from before the restart is still recognised.
  WsClient victor(server.port());
  EXPECT_EQ(victor.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}})["participant"]["name"], "Victor");
}

TEST(Resync, KillNineKeepsEveryAcknowledgedChange) {
  TempDb db;
  std::vector<long long> acked;
  {
    ServerProcess server(db.path());
    lift_caps(server);  // more topics from one participant than the default caps allow
    acked = make_changes(server.port(), 20, "Kim");
    server.kill9();
  }
  ServerProcess server(db.path());
  const json board = board_via_snapshot(server.port());
  EXPECT_GE(board["seq"].get<long long>(), acked.back());
  int found = 0;
  for (const auto& t : board["board"]["topics"]) {
    if (t["title"].get<std::string>().rfind("Kim topic ", 0) == 0) ++found;
  }
  EXPECT_EQ(found, 19);
}

TEST(Resync, ShutdownClosesClientsWithGoingAway) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  std::vector<json> got;
  subscribe(c, std::nullopt, &got);
  std::thread stopper([&] { EXPECT_EQ(server.stop(), 0); });
  EXPECT_FALSE(c.next(std::chrono::milliseconds(5000)).has_value());
  stopper.join();
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.close_reason(), "server shutting down");
}

}  // namespace
}  // namespace boardwalk::testing
