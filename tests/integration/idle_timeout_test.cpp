// Dead clients: a WebSocket that goes silent without closing (its Wi-Fi dropped, the laptop
// lid shut) is noticed by the server's keep-alive pings and freed after --idle-timeout, while
// a quiet but live client, which answers the pings, stays connected.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http_get.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::size_t open_connections(unsigned short port) {
  const auto r = http_request(port, "/healthz");
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body).at("connections").get<std::size_t>();
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

TEST(IdleTimeout, SilentClientIsDroppedAndFreedWhileALiveOneStays) {
  TempDb db;
  // 2 s: Beast pings after 1 s of silence and drops the connection if nothing came 1 s later.
  // One connection per participant, so the dead connection visibly holds a resource.
  ServerProcess server(db.path(), {"--idle-timeout", "2", "--max-connections-per-participant", "1"});

  WsClient live(server.port());
  ASSERT_EQ(live.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  // The live client keeps a read pending from now on (so Beast answers each ping) until the
  // topic proposed at the end arrives, proving the connection survived.
  auto live_read = std::async(std::launch::async, [&live] {
    std::vector<json> heard;
    while (auto m = live.next(std::chrono::seconds(20))) {
      heard.push_back(*m);
      if ((*m).value("kind", "") == "topic_proposed") break;
    }
    return heard;
  });

  // The dead client: joins and subscribes, then never reads or writes again and never
  // closes. Without a read in progress its Beast stream does not answer pings, exactly
  // like a peer that vanished (the kernel still ACKs, which the server cannot tell apart).
  auto silent = std::make_optional<WsClient>(server.port());
  const json joined = silent->request({{"type", "join"}, {"event", "demo"}, {"name", "Gone"}});
  ASSERT_EQ(joined["type"], "ack") << joined;
  const std::string secret = joined["secret"];
  ASSERT_EQ(silent->request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  const auto went_silent = Clock::now();
  ASSERT_EQ(open_connections(server.port()), 2u);
  {
    // The participant's one connection is taken while the dead client holds it.
    WsClient again(server.port());
    EXPECT_EQ(again.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}})["code"], "too_many_connections");
  }

  std::optional<double> dropped_after;
  while (seconds_since(went_silent) < 6.0) {
    if (!dropped_after && open_connections(server.port()) == 1) dropped_after = seconds_since(went_silent);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(dropped_after.has_value()) << "the silent client was not dropped within 6 s\n" << server.output();
  // Pinged at 1 s, dropped at 2 s after the handshake; never before the first ping was due.
  EXPECT_GE(*dropped_after, 0.9);
  EXPECT_LE(*dropped_after, 3.5);
  EXPECT_NE(server.output().find("dropped: The socket was closed due to a timeout"), std::string::npos)
      << server.output();

  // 6 s is three idle timeouts: the live client is still there and hears a change.
  EXPECT_EQ(open_connections(server.port()), 1u) << server.output();
  WsClient writer(server.port());
  ASSERT_EQ(writer.request({{"type", "join"}, {"event", "demo"}, {"name", "Writer"}})["type"], "ack");
  const json proposed = writer.request({{"type", "propose_topic"}, {"title", "still connected?"}});
  ASSERT_EQ(proposed["type"], "ack") << proposed;
  const auto heard = live_read.get();
  ASSERT_FALSE(heard.empty()) << "the live client lost its connection";
  EXPECT_EQ(heard.back().value("kind", ""), "topic_proposed") << "the live client lost its connection";
  EXPECT_EQ(heard.back()["seq"], proposed["seq"]);
  EXPECT_FALSE(live.closed());

  // The dead connection's participant slot was freed: the same person can come back.
  WsClient back(server.port());
  EXPECT_EQ(back.request({{"type", "auth"}, {"event", "demo"}, {"secret", secret}})["type"], "ack");
  silent.reset();
}

}  // namespace
}  // namespace boardwalk::testing
