// How changes reach subscribers through the real server (server/net/broadcaster.hpp): a change
// after a quiet interval goes out at once; changes arriving within --coalesce-ms of it go out
// together as one frame at the next pass; the sender's answers never wait for a pass; a client
// that stops reading is closed once it is over the send cap, while the others get everything.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "http_get.hpp"
#include "lift_caps.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

TEST(Broadcast, AQuietChangeGoesAtOnceABurstGoesAsOneFrameAndAnswersNeverWait) {
  TempDb db;
  // Passes at most once a second: long enough that timing noise cannot blur the two cases.
  ServerProcess server(db.path(),
                       {"--coalesce-ms", "1000", "--rate-per-connection", "0", "--rate-per-participant", "0"});
  WsClient lobby(server.port());
  ASSERT_EQ(lobby.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  WsClient phone(server.port());
  const json joined = phone.request({{"type", "join"}, {"event", "demo"}, {"name", "Ada"}});
  ASSERT_EQ(joined["type"], "ack") << joined;
  const long long join_seq = joined["seq"];

  // The join is the first change after a quiet time: the lobby has it well within the second.
  const auto join_sent = Clock::now();
  auto first = lobby.changes_until(join_seq);
  ASSERT_FALSE(first.empty());
  EXPECT_LT(ms_since(join_sent), 700.0) << "a lone change waited for a pass";

  // Five proposals right after it: inside the same second, so they wait for the next pass and
  // go out together. Each answer still comes at once.
  const std::size_t frames_before = lobby.frames_read();
  long long last_seq = 0;
  const auto burst_sent = Clock::now();
  for (int i = 0; i < 5; ++i) {
    const auto asked = Clock::now();
    const json ack = phone.request({{"type", "propose_topic"}, {"title", "Topic " + std::to_string(i)}});
    ASSERT_EQ(ack["type"], "ack") << ack;
    EXPECT_LT(ms_since(asked), 700.0) << "an ack waited for a broadcast pass";
    last_seq = ack["seq"];
  }
  EXPECT_EQ(last_seq, join_seq + 5);
  const auto burst = lobby.changes_until(last_seq);
  ASSERT_EQ(burst.size(), 5U);
  for (std::size_t i = 0; i < burst.size(); ++i) EXPECT_EQ(burst[i]["seq"], join_seq + 1 + static_cast<long long>(i));
  EXPECT_EQ(lobby.frames_read() - frames_before, 1U) << "five changes of one interval, one frame";
  EXPECT_LT(ms_since(burst_sent), 2500.0);

  // Ada has proposed as many topics as the default cap allows: the lone change comes from Bea.
  WsClient laptop(server.port());
  const json bea = laptop.request({{"type", "join"}, {"event", "demo"}, {"name", "Bea"}});
  ASSERT_EQ(bea["type"], "ack") << bea;
  lobby.changes_until(bea["seq"]);

  // Quiet again for over a second: the next lone change goes out at once.
  std::this_thread::sleep_for(milliseconds(1300));
  EXPECT_TRUE(lobby.backlog().empty());
  const auto lone_sent = Clock::now();
  const json ack = laptop.request({{"type", "propose_topic"}, {"title", "Alone"}});
  ASSERT_EQ(ack["type"], "ack") << ack;
  ASSERT_EQ(lobby.changes_until(ack["seq"]).size(), 1U);
  EXPECT_LT(ms_since(lone_sent), 700.0);
}

TEST(Broadcast, AQuietChangeGoesAtOnceAfterAClientChangedThingsAndLeft) {
  TempDb db;
  ServerProcess server(db.path(),
                       {"--coalesce-ms", "1000", "--rate-per-connection", "0", "--rate-per-participant", "0"});
  // Two changes in quick succession (the organizer's join and set_caps): the second waits for a
  // pass one interval later, which has nobody to send it to (the organizer never subscribed,
  // and has left). That pass sends no frame, so it must not hold back the next lone change.
  lift_caps(server);
  std::this_thread::sleep_for(milliseconds(1100));
  WsClient lobby(server.port());
  ASSERT_EQ(lobby.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  WsClient phone(server.port());
  const auto join_sent = Clock::now();
  const json joined = phone.request({{"type", "join"}, {"event", "demo"}, {"name", "Ada"}});
  ASSERT_EQ(joined["type"], "ack") << joined;
  ASSERT_FALSE(lobby.changes_until(joined["seq"]).empty());
  EXPECT_LT(ms_since(join_sent), 700.0) << "a lone change waited behind a pass that sent nothing";
}

TEST(Broadcast, AClientThatStopsReadingIsClosedWhileTheOthersGetEveryChange) {
  TempDb db;
  // One network thread, the default on a one-core machine: connections then have no strand of
  // their own and a pass starts their writes itself (the other integration tests run two).
  ServerProcess server(db.path(), {"--threads", "1", "--rate-per-connection", "0", "--rate-per-participant", "0"});
  lift_caps(server);  // more topics from one participant than the default caps allow
  // Subscribes, then never reads again; a small receive buffer so that the server's 1 MiB cap,
  // not the kernel's buffers, is what fills up.
  WsClient stuck(server.port(), "/ws", "", 4096);
  ASSERT_EQ(stuck.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  WsClient lobby(server.port());
  const json subscribed = lobby.request({{"type", "subscribe"}, {"event", "demo"}});
  ASSERT_EQ(subscribed["type"], "ack");
  const long long first_seq = subscribed["seq"].get<long long>() + 1;
  // The lobby keeps reading on its own thread until the last topic arrives.
  std::atomic<long long> lobby_at{0};
  auto lobby_read = std::async(std::launch::async, [&lobby, &lobby_at] {
    std::vector<long long> seqs;
    while (auto m = lobby.next(std::chrono::seconds(20))) {
      if ((*m).value("type", "") != "change") continue;
      seqs.push_back((*m)["seq"].get<long long>());
      lobby_at = seqs.back();
      if ((*m).value("kind", "") == "topic_proposed" && (*m)["topic"].value("title", "") == "END") break;
    }
    return seqs;
  });

  WsClient phone(server.port());
  ASSERT_EQ(phone.request({{"type", "join"}, {"event", "demo"}, {"name", "Ada"}})["type"], "ack");
  // ~2 KB changes, 200 at a time, until the server has given up on the stuck client. Each batch
  // waits for the lobby to have it: a reader that keeps up is never near the cap.
  const std::string description(1900, 'x');
  bool closed_it = false;
  int batches = 0;
  for (; batches < 50 && !closed_it; ++batches) {
    for (int i = 0; i < 200; ++i) {
      phone.send({{"type", "propose_topic"}, {"id", i}, {"title", "T"}, {"description", description}});
    }
    long long last = 0;
    for (int i = 0; i < 200; ++i) {
      const auto answer = phone.next();
      ASSERT_TRUE(answer.has_value()) << "no answer " << i << " in batch " << batches;
      ASSERT_EQ((*answer)["type"], "ack") << *answer;
      last = (*answer)["seq"];
    }
    for (int wait = 0; wait < 1000 && lobby_at.load() < last; ++wait) std::this_thread::sleep_for(milliseconds(10));
    ASSERT_GE(lobby_at.load(), last) << "the lobby fell behind";
    closed_it = server.output().find("is not reading fast enough") != std::string::npos;
  }
  ASSERT_TRUE(closed_it) << "still not closed after " << batches * 200 << " changes of 2 KB";
  const json end = phone.request({{"type", "propose_topic"}, {"title", "END"}});
  ASSERT_EQ(end["type"], "ack") << end;

  // The lobby got every change, once, in order, although one subscriber was stuck throughout.
  ASSERT_EQ(lobby_read.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const auto seqs = lobby_read.get();
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(seqs.front(), first_seq);
  EXPECT_EQ(seqs.back(), end["seq"].get<long long>());
  for (std::size_t i = 1; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], seqs[i - 1] + 1) << "at " << i;
  // And the stuck connection is gone for good (its close frame cannot get through: the socket
  // is dropped a few seconds later), leaving the lobby and the phone.
  std::size_t open = 0;
  for (int i = 0; i < 100; ++i) {
    const auto health = http_request(server.port(), "/healthz");
    ASSERT_EQ(health.status, 200);
    open = json::parse(health.body).at("connections").get<std::size_t>();
    if (open == 2) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(open, 2U);
}

}  // namespace
}  // namespace boardwalk::testing
