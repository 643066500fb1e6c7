// A board of any size loads: a snapshot or a replay bigger than the per-connection send cap
// (1 MiB) reaches a client that reads, whole and in one piece, instead of closing it as "too
// slow".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http_get.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

constexpr std::size_t kOverCap = 1300 * 1024;  // over the 1 MiB send cap with room to spare

// 2,000 characters of 4 bytes each: the longest description, 8,000 bytes on the wire.
std::string long_description() {
  std::string d;
  for (int i = 0; i < 2000; ++i) d += "\xF0\x9F\x99\x82";  // U+1F642
  return d;
}

// The server with the request limits lifted, so setting up a big board is fast.
std::vector<std::string> fast_setup_flags() {
  return {"--rate-per-participant", "10000", "--rate-per-connection", "10000", "--durability", "off"};
}

// `participants` people join, and each proposes 5 topics (the default cap of live topics) with
// the longest description: about 40 KB of board per participant. Returns the last seq.
long long grow_board(unsigned short port, int participants) {
  const std::string description = long_description();
  long long seq = 0;
  for (int p = 0; p < participants; ++p) {
    WsClient c(port);
    const std::string name = "Big " + std::to_string(p);
    const json joined = c.request({{"type", "join"}, {"event", "demo"}, {"name", name}});
    EXPECT_EQ(joined["type"], "ack") << joined;
    for (int t = 0; t < 5; ++t) {
      const json ack = c.request(
          {{"type", "propose_topic"}, {"title", name + " topic " + std::to_string(t)}, {"description", description}});
      EXPECT_EQ(ack["type"], "ack") << ack;
      seq = ack.value("seq", seq);
    }
  }
  return seq;
}

std::size_t count_long_topics(const json& board) {
  std::size_t n = 0;
  for (const auto& t : board["topics"]) n += t["description"].get<std::string>().size() == 8000;
  return n;
}

TEST(BigBoard, ASnapshotOverTheSendCapLoadsOnANewSubscriberAndOverHttp) {
  TempDb db;
  ServerProcess server(db.path(), fast_setup_flags());
  const long long seq = grow_board(server.port(), 40);

  WsClient c(server.port());
  std::vector<json> got;
  const json ack = c.request({{"type", "subscribe"}, {"event", "demo"}}, &got);
  ASSERT_EQ(ack["type"], "ack") << "closed: " << c.closed() << " " << c.close_reason();
  EXPECT_EQ(ack["mode"], "snapshot");
  EXPECT_EQ(ack["seq"], seq);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0]["type"], "snapshot");
  EXPECT_EQ(got[0]["seq"], seq);
  EXPECT_GT(got[0].dump().size(), kOverCap);
  EXPECT_EQ(count_long_topics(got[0]["board"]), 200u);
  // Still subscribed: a later change arrives, and the connection was not closed.
  grow_board(server.port(), 1);
  EXPECT_EQ(c.changes_until(seq + 6).back()["seq"], seq + 6);
  EXPECT_FALSE(c.closed()) << c.close_reason();

  const HttpResult http = http_request(server.port(), "/api/events/demo");
  ASSERT_EQ(http.status, 200);
  EXPECT_GT(http.body.size(), kOverCap);
  const json snapshot = json::parse(http.body);
  EXPECT_EQ(snapshot["seq"], seq + 6);
  EXPECT_EQ(count_long_topics(snapshot["board"]), 205u);
  EXPECT_EQ(server.output().find("not reading fast enough"), std::string::npos);
}

TEST(BigBoard, AReplayOverTheSendCapArrivesCompleteAsOneFrame) {
  TempDb db;
  ServerProcess server(db.path(), fast_setup_flags());
  long long since = 0;
  {
    WsClient before(server.port());
    since = before.request({{"type", "subscribe"}, {"event", "demo"}})["seq"];
  }
  const long long seq = grow_board(server.port(), 40);

  WsClient back(server.port());
  std::vector<json> got;
  const json ack = back.request({{"type", "subscribe"}, {"event", "demo"}, {"since", since}}, &got);
  ASSERT_EQ(ack["type"], "ack") << "closed: " << back.closed() << " " << back.close_reason();
  EXPECT_EQ(ack["mode"], "replay");
  EXPECT_EQ(ack["seq"], seq);
  std::vector<long long> seqs;
  std::size_t bytes = 0;
  for (const auto& m : got) {
    EXPECT_EQ(m["type"], "change");
    seqs.push_back(m["seq"]);
    bytes += m.dump().size();
  }
  std::vector<long long> expected;
  for (long long s = since + 1; s <= seq; ++s) expected.push_back(s);
  EXPECT_EQ(seqs, expected);  // every missed change, once, in order
  EXPECT_GT(bytes, kOverCap);
  // The changes, then the ack: one frame for the replay (and the ack, which may share it).
  EXPECT_LE(back.frames_read(), 2u);
  EXPECT_EQ(server.output().find("not reading fast enough"), std::string::npos);
}

}  // namespace
}  // namespace boardwalk::testing
