#include "ws_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using loadgen::FrameError;
using loadgen::FrameReader;
using loadgen::valid_utf8;
using loadgen::WsMessage;

namespace {

// An unmasked server frame.
std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
  std::string f;
  f.push_back(static_cast<char>((fin ? 0x80 : 0) | opcode));
  if (payload.size() < 126) {
    f.push_back(static_cast<char>(payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    f.push_back(126);
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    f.push_back(127);
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((payload.size() >> (8 * i)) & 0xFF));
  }
  f.append(payload);
  return f;
}

struct Got {
  WsMessage::Kind kind;
  std::string payload;
  std::uint16_t code;
};

FrameReader::Result feed(FrameReader& r, std::string_view data, std::vector<Got>& out) {
  return r.feed(data, [&](const WsMessage& m) {
    out.push_back({m.kind, std::string(m.payload), m.close_code});
    return true;
  });
}

}  // namespace

TEST(WsFrame, DecodesSeveralFramesAndStopsAtAPartialOne) {
  FrameReader r(1 << 20);
  const std::string big(300, 'x');
  const std::string data = frame(1, "{\"a\":1}\n{\"b\":2}") + frame(1, big) + frame(1, "tail");
  std::vector<Got> got;
  // Every cut point: what is complete is delivered once, `need` says how much the rest needs.
  for (std::size_t cut = 0; cut <= data.size(); ++cut) {
    FrameReader rr(1 << 20);
    std::vector<Got> part;
    const auto a = feed(rr, std::string_view(data).substr(0, cut), part);
    ASSERT_EQ(a.error, FrameError::none);
    ASSERT_LE(a.consumed, cut);
    if (a.need) {
      EXPECT_GT(a.need, cut - a.consumed);
    }
    const auto b = feed(rr, std::string_view(data).substr(a.consumed), part);
    ASSERT_EQ(b.error, FrameError::none);
    EXPECT_EQ(a.consumed + b.consumed, data.size());
    ASSERT_EQ(part.size(), 3u) << "cut " << cut;
    EXPECT_EQ(part[1].payload, big);
  }
  const auto res = feed(r, data, got);
  EXPECT_EQ(res.consumed, data.size());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].payload, "{\"a\":1}\n{\"b\":2}");
  EXPECT_EQ(got[2].payload, "tail");
}

TEST(WsFrame, NeedCoversTheWholeFrameOnceTheHeaderIsIn) {
  FrameReader r(1 << 20);
  const std::string f = frame(1, std::string(70000, 'y'));
  std::vector<Got> got;
  const auto a = feed(r, std::string_view(f).substr(0, 100), got);
  EXPECT_EQ(a.consumed, 0u);
  EXPECT_EQ(a.need, f.size());
  const auto b = feed(r, std::string_view(f).substr(0, 1), got);  // header incomplete
  EXPECT_EQ(b.need, 0u);
  EXPECT_EQ(b.error, FrameError::none);
}

TEST(WsFrame, JoinsFragmentsAndAllowsControlFramesBetweenThem) {
  FrameReader r(1 << 20);
  const std::string data = frame(1, "{\"a\":", false) + frame(9, "hi") + frame(0, "1}\n{\"b\"", false) +
                           frame(0, ":2}", true) + frame(10, "");
  std::vector<Got> got;
  const auto res = feed(r, data, got);
  ASSERT_EQ(res.error, FrameError::none);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].kind, WsMessage::Kind::ping);
  EXPECT_EQ(got[0].payload, "hi");
  EXPECT_EQ(got[1].kind, WsMessage::Kind::text);
  EXPECT_EQ(got[1].payload, "{\"a\":1}\n{\"b\":2}");
  EXPECT_EQ(got[2].kind, WsMessage::Kind::pong);
}

TEST(WsFrame, CloseFrameCarriesCodeAndReason) {
  FrameReader r(1 << 20);
  std::vector<Got> got;
  ASSERT_EQ(feed(r, frame(8, std::string("\x03\xf0", 2) + "too slow: resync by seq"), got).error, FrameError::none);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, WsMessage::Kind::close);
  EXPECT_EQ(got[0].code, 1008);
  EXPECT_EQ(got[0].payload, "too slow: resync by seq");
  got.clear();
  ASSERT_EQ(feed(r, frame(8, ""), got).error, FrameError::none);
  EXPECT_EQ(got[0].code, 1005);
}

TEST(WsFrame, RejectsWhatBeastRejects) {
  const auto error_of = [](const std::string& data, std::uint64_t max = 1 << 20) {
    FrameReader r(max);
    std::vector<Got> got;
    return feed(r, data, got).error;
  };
  std::string f = frame(1, "x");
  f[0] = static_cast<char>(f[0] | 0x40);
  EXPECT_EQ(error_of(f), FrameError::reserved_bits);
  EXPECT_EQ(error_of(frame(3, "x")), FrameError::bad_opcode);
  std::string masked = "\x81\x81" + std::string(4, '\0') + "x";
  EXPECT_EQ(error_of(masked), FrameError::masked);
  EXPECT_EQ(error_of(frame(9, "x", false)), FrameError::control_fragment);
  EXPECT_EQ(error_of(frame(9, std::string(126, 'p'))), FrameError::control_size);
  EXPECT_EQ(error_of(std::string("\x81\x7e\x00\x05", 4) + "hello"), FrameError::bad_size);
  EXPECT_EQ(error_of(std::string("\x81\x7f\x00\x00\x00\x00\x00\x00\x00\x05", 10) + "hello"), FrameError::bad_size);
  EXPECT_EQ(error_of(frame(0, "x")), FrameError::bad_continuation);
  EXPECT_EQ(error_of(frame(1, "a", false) + frame(1, "b")), FrameError::bad_data_frame);
  EXPECT_EQ(error_of(frame(1, std::string(200, 'z')), 100), FrameError::too_big);
  EXPECT_EQ(error_of(frame(1, "a", false) + frame(0, std::string(100, 'z')), 100), FrameError::too_big);
  EXPECT_EQ(error_of(frame(1, "bad \xff utf8")), FrameError::bad_utf8);
  EXPECT_EQ(error_of(frame(8, "\x03")), FrameError::bad_close_size);
  EXPECT_EQ(error_of(frame(8, std::string("\x03\xed", 2))), FrameError::bad_close_code);  // 1005
  EXPECT_EQ(error_of(frame(2, "bin \xff ok")), FrameError::none);  // binary is not checked for UTF-8
}

TEST(WsFrame, StopsWhenTheHandlerSaysSo) {
  FrameReader r(1 << 20);
  const std::string data = frame(1, "one") + frame(1, "two");
  int calls = 0;
  const auto res = r.feed(data, [&](const WsMessage&) { return ++calls < 1; });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(res.consumed, frame(1, "one").size());
}

TEST(Utf8, AcceptsValidAndRejectsInvalid) {
  EXPECT_TRUE(valid_utf8("", 0));
  const std::string ok =
      "plain ascii long enough for the fast path, \xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end";
  EXPECT_TRUE(valid_utf8(ok.data(), ok.size()));
  for (const std::string& bad : {std::string("\xc0\xaf"), std::string("\xe0\x80\xaf"), std::string("\xed\xa0\x80"),
                                 std::string("\xf4\x90\x80\x80"), std::string("\xf8\x88\x80\x80\x80"),
                                 std::string("abcdefgh\xc3"), std::string("\x80"), std::string("\xe2\x82")}) {
    EXPECT_FALSE(valid_utf8(bad.data(), bad.size())) << bad.size();
    const std::string padded = "0123456789abcdef" + bad + "0123456789abcdef";
    EXPECT_FALSE(valid_utf8(padded.data(), padded.size()));
  }
}
