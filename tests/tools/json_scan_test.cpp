#include "json_scan.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using loadgen::for_each_line;
using loadgen::scan_line;

TEST(JsonScan, ReadsTopLevelFieldsOfAChange) {
  const auto s = scan_line(R"({"type":"change","event":"demo","seq":44,"kind":"topic_proposed","actor":7,)"
                           R"("topic":{"id":5,"seq":999,"title":"a \"seq\":1 b","voters":[1,{"seq":3}]}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->type, "change");
  ASSERT_TRUE(s->seq);
  EXPECT_EQ(*s->seq, 44);
}

TEST(JsonScan, SeqAfterNestedDecoysAndInAnyOrder) {
  const auto s = scan_line(R"({"board":{"seq":1,"t":["}","{"]},"event":"x\\","seq":7,"type":"snapshot"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->type, "snapshot");
  EXPECT_EQ(*s->seq, 7);
}

TEST(JsonScan, AckAndErrorFields) {
  auto a = scan_line(R"({"type":"ack","id":17,"seq":18,"topic_id":5})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->id, "17");
  EXPECT_EQ(*a->topic_id, 5);
  auto m = scan_line(R"({"type":"ack","id":1,"seq":42,"mode":"replay"})");
  EXPECT_EQ(m->mode, "replay");
  auto e = scan_line(R"({"type":"error", "id":null, "code":"bad_json","message":"x","field":null})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "bad_json");
  EXPECT_TRUE(e->id.empty());
  EXPECT_FALSE(e->seq);
}

TEST(JsonScan, RejectsMalformed) {
  EXPECT_FALSE(scan_line(""));
  EXPECT_FALSE(scan_line("[1,2]"));
  EXPECT_FALSE(scan_line(R"({"type":"change","seq":)"));
  EXPECT_FALSE(scan_line(R"({"type":"change" "seq":1})"));
  EXPECT_FALSE(scan_line(R"({"type":"ch)"));
}

TEST(JsonScan, AgreesWithFullParserOnGeneratedLines) {
  // Build varied messages with nlohmann and check the scan finds the same type and seq.
  std::vector<nlohmann::json> msgs;
  for (int i = 0; i < 200; ++i) {
    nlohmann::json j;
    j["pad" + std::to_string(i % 3)] = std::string(static_cast<std::size_t>(i % 7), '"');
    j["nested"] = {{"seq", i * 3}, {"list", {1, "seq", nlohmann::json::object({{"seq", -1}})}}};
    j["type"] = i % 2 ? "change" : "ack";
    if (i % 5) j["seq"] = 1000 + i;
    j["text"] = "line\nbreak \\ \" {\"seq\":5}";
    msgs.push_back(j);
  }
  for (const auto& j : msgs) {
    const auto text = j.dump();
    const auto s = scan_line(text);
    ASSERT_TRUE(s) << text;
    EXPECT_EQ(s->type, j["type"].get<std::string>());
    if (j.contains("seq")) {
      ASSERT_TRUE(s->seq) << text;
      EXPECT_EQ(*s->seq, j["seq"].get<std::int64_t>());
    } else {
      EXPECT_FALSE(s->seq) << text;
    }
  }
}

TEST(JsonScan, SplitsFramesOnNewlines) {
  std::vector<std::string> lines;
  for_each_line("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}", [&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "{\"c\":3}");
  lines.clear();
  for_each_line("{\"a\":1}\n", [&](std::string_view l) { lines.emplace_back(l); });
  EXPECT_EQ(lines.size(), 1u);
}

TEST(JsonScan, EscapedQuotesAndBackslashesBeforeSeq) {
  // A string ending in an escaped backslash, then one with an escaped quote and a fake seq.
  const auto s = scan_line(R"({"a":"x\\","b":"say \"seq\":5, \\\"q\\\"","seq":12,"type":"change"})");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->seq);
  EXPECT_EQ(*s->seq, 12);
  EXPECT_EQ(s->type, "change");
  // Long strings take the 8-bytes-at-a-time path; an escape right at a word boundary.
  const auto l = scan_line(R"({"title":"0123456\"89abcdef\\","seq":3,"type":"change"})");
  ASSERT_TRUE(l);
  EXPECT_EQ(*l->seq, 3);
  EXPECT_FALSE(scan_line(R"({"title":"0123456789abcdef\","seq":3})"));  // string never closes
}

TEST(JsonScan, NestedObjectsAndArraysAreSkippedWhole) {
  const auto s = scan_line(R"({"topic":{"seq":1,"voters":[[{"seq":2}],"]}"],"t":{}},"seq":9,"type":"change"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->seq, 9);
  const auto none = scan_line(R"({"topic":{"seq":1},"type":"change"})");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->seq);
  EXPECT_FALSE(scan_line(R"({"topic":{"seq":1,"type":"change"})"));  // unclosed nesting
}

TEST(JsonScan, NumbersAtTheEndOfALine) {
  auto s = scan_line(R"({"type":"change","seq":42})");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->seq, 42);
  s = scan_line(R"({"type":"change","seq":42 })");
  EXPECT_EQ(*s->seq, 42);
  EXPECT_FALSE(scan_line(R"({"type":"change","seq":42)"));  // no closing brace
  s = scan_line(R"({"type":"change","seq":9223372036854775807})");
  EXPECT_EQ(*s->seq, INT64_MAX);
  s = scan_line(R"({"type":"change","seq":-9223372036854775808})");
  EXPECT_EQ(*s->seq, INT64_MIN);
  // Not integers: overflow, fraction, exponent, literal, string.
  for (const char* v :
       {"9223372036854775808", "18446744073709551617", "99999999999999999999", "1.5", "1e3", "true", "-", "\"7\""}) {
    const auto n = scan_line(std::string(R"({"type":"change","seq":)") + v + "}");
    ASSERT_TRUE(n) << v;
    EXPECT_FALSE(n->seq) << v;
  }
}

TEST(JsonScan, CrlfAndWhitespace) {
  const auto s = scan_line("{\"type\" : \"change\" ,\t\"seq\" : 5 }\r");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->seq, 5);
  EXPECT_TRUE(scan_line("{}\r"));
  EXPECT_FALSE(scan_line("{\"type\":\"change\",\"seq\":5}x"));  // trailing garbage
  EXPECT_FALSE(scan_line("{\"type\":\"change\",\"seq\":5}{}"));
  EXPECT_FALSE(scan_line("\r"));
  std::vector<std::string> lines;
  for_each_line("{\"seq\":1}\r\n\r\n{\"seq\":2}\n\n\n", [&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_EQ(lines.size(), 3u);  // the bare "\r" of a CRLF blank line is a line (and unparsable)
  EXPECT_EQ(lines[0], "{\"seq\":1}\r");
  EXPECT_EQ(lines[1], "\r");
  lines.clear();
  for_each_line("\n\n", [&](std::string_view l) { lines.emplace_back(l); });
  EXPECT_TRUE(lines.empty());
}

TEST(ScanCache, IdenticalLinesHitAndGiveTheSameResult) {
  loadgen::ScanCache cache(4);
  const std::string a = R"({"actor":1,"at":"2026-01-01T00:00:00Z","event":"demo","seq":100,"type":"change"})";
  bool hit = true;
  auto s = cache.scan(a, &hit);
  EXPECT_FALSE(hit);
  ASSERT_TRUE(s);
  std::string copy = a;  // equal bytes at another address, as in another client's frame
  s = cache.scan(copy, &hit);
  EXPECT_TRUE(hit);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->seq, 100);
  EXPECT_EQ(s->type, "change");
  copy.clear();  // the cached views do not point into the line passed in
  EXPECT_EQ(s->type, "change");
}

TEST(ScanCache, OneByteDifferenceIsAMiss) {
  loadgen::ScanCache cache(1);  // one slot: every line lands on it
  const std::string a = R"({"seq":100,"type":"change"})";
  const std::string b = R"({"seq":101,"type":"change"})";
  bool hit = false;
  cache.scan(a, &hit);
  auto s = cache.scan(b, &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(*s->seq, 101);
  s = cache.scan(b, &hit);
  EXPECT_TRUE(hit);
  EXPECT_EQ(*s->seq, 101);
  s = cache.scan(a, &hit);  // replaced
  EXPECT_FALSE(hit);
  EXPECT_EQ(*s->seq, 100);
}

TEST(ScanCache, OnlyChangesAreRememberedAndMalformedLinesStayMalformed) {
  loadgen::ScanCache cache(8);
  bool hit = false;
  const std::string ack = R"({"type":"ack","id":12,"seq":5})";
  cache.scan(ack, &hit);
  auto s = cache.scan(ack, &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(s->id, "12");
  const std::string bad = R"({"type":"change","seq":5)";
  EXPECT_FALSE(cache.scan(bad, &hit));
  EXPECT_FALSE(cache.scan(bad, &hit));
  EXPECT_FALSE(hit);
  EXPECT_FALSE(cache.scan("", &hit));
}

TEST(ScanCache, AgreesWithScanLineOnGeneratedLines) {
  loadgen::ScanCache cache(16);
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 100; ++i) {
      nlohmann::json j;
      j["type"] = i % 3 ? "change" : "ack";
      j["seq"] = 1000 + i;
      j["title"] = std::string(static_cast<std::size_t>(i), 'q') + "\"\\";
      const auto text = j.dump();
      const auto direct = scan_line(text);
      const auto cached = cache.scan(text);
      ASSERT_TRUE(direct && cached);
      EXPECT_EQ(direct->type, cached->type);
      EXPECT_EQ(direct->seq, cached->seq);
    }
}
