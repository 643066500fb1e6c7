// Server answers: ack and error lines as sent on the wire.
#include <gtest/gtest.h>

#include "protocol/messages.hpp"

namespace boardwalk::protocol {
namespace {

using nlohmann::json;

TEST(Messages, ErrorCarriesIdCodeMessageAndField) {
  const json e = json::parse(*encode_error("c8", make_error("cell_taken", "room 2 is taken", "slot_id")));
  EXPECT_EQ(e, (json{{"type", "error"}, {"id", "c8"}, {"code", "cell_taken"}, {"message", "room 2 is taken"},
                     {"field", "slot_id"}}));
  const json n = json::parse(*encode_error(nullptr, make_error("bad_json", "not JSON")));
  EXPECT_TRUE(n["id"].is_null());
  EXPECT_TRUE(n["field"].is_null());
}

TEST(Messages, AckMergesExtraFields) {
  const json a = json::parse(*encode_ack(7, 18, json{{"topic_id", 5}}));
  EXPECT_EQ(a, (json{{"type", "ack"}, {"id", 7}, {"seq", 18}, {"topic_id", 5}}));
  EXPECT_EQ(json::parse(*encode_ack("x", 1)), (json{{"type", "ack"}, {"id", "x"}, {"seq", 1}}));
}

TEST(Messages, NoRawNewlineAndNoThrowOnBadUtf8) {
  const std::string e = *encode_error(1, make_error("invalid_value", "line\nbreak \xFF bad", "f"));
  EXPECT_EQ(e.find('\n'), std::string::npos);
  EXPECT_TRUE(json::accept(e));
  EXPECT_EQ(error_body(make_error("not_found", "no event 'x'", "event")),
            R"({"code":"not_found","field":"event","message":"no event 'x'"})");
}

}  // namespace
}  // namespace boardwalk::protocol
