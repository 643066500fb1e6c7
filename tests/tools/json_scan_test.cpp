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
