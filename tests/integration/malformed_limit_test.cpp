// Malformed messages (bad JSON, unknown type, bad fields, binary frames) take a token from the
// connection's request limit like good ones: a flood of them gets rate_limited answers, and the
// connection stays open.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

TEST(MalformedMessages, TakeFromTheConnectionsRequestLimit) {
  TempDb db;
  ServerProcess server(db.path());  // the default limit: 20 requests/s, bursts of 60
  WsClient c(server.port());
  for (int i = 0; i < 50; ++i) c.send_text("{not json");
  for (int i = 0; i < 50; ++i) c.send_text(R"({"type":"no_such_type","id":1})");
  for (int i = 0; i < 50; ++i) c.send_text(R"({"type":"propose_topic","id":2,"title":5})");
  for (int i = 0; i < 50; ++i) c.send_binary("binary");
  int rate_limited = 0, other = 0;
  for (int i = 0; i < 200; ++i) {
    const auto m = c.next();
    ASSERT_TRUE(m) << "answer " << i << " missing; closed: " << c.closed() << " " << c.close_reason();
    ASSERT_EQ((*m)["type"], "error") << *m;
    ((*m)["code"] == "rate_limited" ? rate_limited : other) += 1;
  }
  EXPECT_GE(rate_limited, 50);  // 200 in a burst, 60 allowed (plus 20/s refilled meanwhile)
  EXPECT_GT(other, 0);
  EXPECT_FALSE(c.closed());
  // The connection still works once the burst is over.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(c.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
}

}  // namespace
}  // namespace boardwalk::testing
