// Hostile and broken messages over a real connection: each gets a clear error, the
// connection stays usable, and the board does not change.
#include <gtest/gtest.h>

#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

struct BadCase {
  const char* name;
  std::string text;
  const char* code;
  const char* field;  // nullptr: no field expected
};

std::vector<BadCase> cases() {
  return {
      {"not json", "{nope", "bad_json", nullptr},
      {"truncated", R"({"type":"vote","id":1,"topic_id":)", "bad_json", nullptr},
      {"not an object", "[1,2,3]", "bad_json", nullptr},
      {"no id", R"({"type":"vote","topic_id":1})", "bad_request", "id"},
      {"id too long", R"({"type":"vote","topic_id":1,"id":")" + std::string(100, 'x') + "\"}", "bad_request", "id"},
      {"no type", R"({"id":1})", "bad_request", "type"},
      {"unknown type", R"({"type":"drop_tables","id":1})", "unknown_type", "type"},
      {"missing field", R"({"type":"vote","id":1})", "bad_request", "topic_id"},
      {"wrong type", R"({"type":"vote","id":1,"topic_id":"one"})", "bad_request", "topic_id"},
      {"float id", R"({"type":"vote","id":1,"topic_id":1.5})", "bad_request", "topic_id"},
      {"negative id", R"({"type":"vote","id":1,"topic_id":-4})", "invalid_value", "topic_id"},
      {"huge id", R"({"type":"vote","id":1,"topic_id":99999999999999999999})", "bad_request", "topic_id"},
      {"unknown field", R"({"type":"vote","id":1,"topic_id":1,"admin":true})", "bad_request", "admin"},
      // Repeated keys would otherwise mean "the last one wins": refused, nothing proposed.
      {"duplicated field", R"({"type":"propose_topic","id":1,"title":"a","title":"b"})", "bad_request", "title"},
      {"duplicated type", R"({"type":"vote","type":"propose_topic","id":1,"title":"t"})", "bad_request", "type"},
      {"duplicated id", R"({"type":"propose_topic","id":1,"id":2,"title":"t"})", "bad_request", "id"},
      {"duplicated nested field", R"({"type":"propose_topic","id":1,"title":"t","x":[{"k":1,"k":1}]})", "bad_request",
       "k"},
      {"unknown topic", R"({"type":"vote","id":1,"topic_id":424242})", "not_found", "topic_id"},
      {"title too long", R"({"type":"propose_topic","id":1,"title":")" + std::string(121, 'a') + "\"}", "too_long",
       "title"},
      {"empty title", R"({"type":"propose_topic","id":1,"title":"   "})", "invalid_value", "title"},
      {"bad url", R"j({"type":"create_project","id":1,"name":"x","repo_url":"javascript:alert(1)"})j", "invalid_value",
       "repo_url"},
      {"lone surrogate escape", R"({"type":"propose_topic","id":1,"title":"bad \ud800"})", "bad_json", nullptr},
      {"deep nesting", R"({"type":"vote","id":1,"topic_id":1,"x":)" + std::string(50, '[') + std::string(50, ']') + "}",
       "bad_request", nullptr},
      {"subscribe to missing event", R"({"type":"subscribe","id":1,"event":"nope"})", "not_found", "event"},
      {"join missing event", R"({"type":"join","id":1,"event":"nope","name":"x"})", "not_found", "event"},
  };
}

long long current_seq(unsigned short port) {
  WsClient c(port);
  return c.request({{"type", "subscribe"}, {"event", "demo"}})["seq"];
}

TEST(BadInput, EachGetsItsErrorAndChangesNothing) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  ASSERT_EQ(c.request({{"type", "join"}, {"event", "demo"}, {"name", "Mallory"}})["type"], "ack");
  const long long seq = current_seq(server.port());
  for (const auto& bad : cases()) {
    SCOPED_TRACE(bad.name);
    c.send_text(bad.text);
    auto reply = c.next();
    ASSERT_TRUE(reply.has_value()) << "no reply";
    EXPECT_EQ((*reply)["type"], "error") << *reply;
    EXPECT_EQ((*reply)["code"], bad.code) << *reply;
    if (bad.field != nullptr) {
      EXPECT_EQ((*reply)["field"], bad.field) << *reply;
    }
    EXPECT_FALSE((*reply)["message"].get<std::string>().empty());
  }
  // Still usable, and nothing was applied.
  EXPECT_EQ(current_seq(server.port()), seq);
  EXPECT_EQ(c.request({{"type", "propose_topic"}, {"title", "still here"}})["type"], "ack");
}

TEST(BadInput, CommandBeforeJoiningIsRefused) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  const json r = c.request({{"type", "vote"}, {"topic_id", 1}});
  EXPECT_EQ(r["code"], "not_joined");
}

TEST(BadInput, RequestIdIsEchoedEvenOnErrors) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  c.send_text(R"({"type":"vote","id":"req-7"})");
  const auto reply = c.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["id"], "req-7");
}

TEST(BadInput, BinaryFrameGetsAnErrorAndTheConnectionStaysUsable) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  c.send_binary(std::string("\x00\x01\x02", 3));
  const auto reply = c.next();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["code"], "bad_frame");
  EXPECT_EQ(c.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
}

TEST(BadInput, InvalidUtf8TextFrameClosesTheConnectionOnly) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  // RFC 6455 requires failing a connection whose text frame is not UTF-8 (close 1007).
  c.send_text(std::string(R"({"type":"propose_topic","id":1,"title":"bad )") + "\xC3\x28" + "\"}");
  EXPECT_FALSE(c.next(std::chrono::milliseconds(5000)).has_value());
  EXPECT_TRUE(c.closed());
  WsClient other(server.port());
  EXPECT_EQ(other.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
}

TEST(BadInput, RepeatedRequestIdsEachGetTheirOwnAnswer) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  // Ids are the client's to choose; the server answers every request, in order, echoing it.
  c.send_text(R"({"type":"subscribe","id":7,"event":"demo"})");
  c.send_text(R"({"type":"subscribe","id":7,"event":"nope"})");
  int acks = 0, errors = 0;
  while (acks + errors < 2) {
    auto m = c.next();
    ASSERT_TRUE(m);
    if ((*m)["type"] == "ack") {
      EXPECT_EQ((*m)["id"], 7);
      ++acks;
    } else if ((*m)["type"] == "error") {
      EXPECT_EQ((*m)["id"], 7);
      EXPECT_EQ((*m)["code"], "not_found");
      ++errors;
    }
  }
  EXPECT_EQ(acks, 1);
  EXPECT_EQ(errors, 1);
}

TEST(BadInput, FragmentedMessagesAreReassembled) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  c.send_fragmented(R"({"type":"subscribe","id":"frag","event":"demo"})", 5);
  for (;;) {
    auto m = c.next();
    ASSERT_TRUE(m);
    if ((*m)["type"] == "ack") {
      EXPECT_EQ((*m)["id"], "frag");
      break;
    }
  }
  // A message fragmented past the size limit still closes only this connection.
  c.send_fragmented(R"({"type":"propose_topic","id":1,"title":")" + std::string(20000, 'a') + "\"}", 1000);
  EXPECT_FALSE(c.next(std::chrono::milliseconds(5000)).has_value());
  EXPECT_TRUE(c.closed());
}

TEST(BadInput, APingFloodLeavesTheServerResponsive) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient flooder(server.port());
  for (int i = 0; i < 2000; ++i) flooder.ping();
  EXPECT_EQ(flooder.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
  WsClient other(server.port());
  EXPECT_EQ(other.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
}

TEST(BadInput, OversizedMessageClosesTheConnectionOnly) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient c(server.port());
  c.send_text(R"({"type":"propose_topic","id":1,"title":")" + std::string(20000, 'a') + "\"}");
  EXPECT_FALSE(c.next(std::chrono::milliseconds(5000)).has_value());
  EXPECT_TRUE(c.closed());
  WsClient other(server.port());  // the server is fine
  EXPECT_EQ(other.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
}

}  // namespace
}  // namespace boardwalk::testing
