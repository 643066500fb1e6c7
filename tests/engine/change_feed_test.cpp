// ChangeFeed: offsets, reads from anywhere in the window, reads across chunks, the window
// dropping old bytes (and telling a reader that fell behind it), and one appender with readers
// on other threads.
#include "engine/change_feed.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace boardwalk::test {
namespace {

using engine::ChangeFeed;

TEST(ChangeFeedTest, ReadsReturnWholeLinesFromAnyEarlierEnd) {
  ChangeFeed feed(1024 * 1024);
  EXPECT_EQ(feed.end(), 0U);
  std::string out;
  EXPECT_EQ(feed.read(0, out).next, 0U);
  EXPECT_TRUE(out.empty());

  feed.append(R"({"seq":1})");
  const auto after_first = feed.end();
  EXPECT_EQ(after_first, 10U);
  feed.append(R"({"seq":2})");
  feed.append(R"({"seq":3})");

  auto all = feed.read(0, out);
  EXPECT_FALSE(all.lost);
  EXPECT_EQ(all.next, feed.end());
  EXPECT_EQ(out, "{\"seq\":1}\n{\"seq\":2}\n{\"seq\":3}\n");

  std::string tail = "kept:";
  const auto rest = feed.read(after_first, tail);  // appends, never replaces
  EXPECT_EQ(tail, "kept:{\"seq\":2}\n{\"seq\":3}\n");
  EXPECT_EQ(rest.next, feed.end());

  std::string none;
  const auto at_end = feed.read(feed.end(), none);
  EXPECT_FALSE(at_end.lost);
  EXPECT_EQ(at_end.next, feed.end());
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(feed.begin(), 0U);
}

TEST(ChangeFeedTest, ReadsSpanChunksInOrder) {
  ChangeFeed feed(10 * 1024 * 1024);
  std::string expected;
  for (int i = 0; i < 5000; ++i) {  // ~200 KiB: several 64 KiB chunks
    const std::string line = R"({"seq":)" + std::to_string(i) + R"(,"pad":")" + std::string(30, 'x') + "\"}";
    feed.append(line);
    expected += line + "\n";
  }
  std::string out;
  EXPECT_EQ(feed.read(0, out).next, expected.size());
  EXPECT_EQ(out, expected);
  // From a line boundary in the middle of a later chunk.
  const std::size_t middle = expected.find('\n', 150'000) + 1;
  std::string from_middle;
  feed.read(middle, from_middle);
  EXPECT_EQ(from_middle, expected.substr(middle));
}

TEST(ChangeFeedTest, OldBytesAreDroppedAndAReaderBehindTheWindowIsToldItLostThem) {
  const std::size_t retain = 100 * 1024;
  ChangeFeed feed(retain);
  const std::string line(40 * 1024, 'a');  // one line fills most of a chunk
  for (int i = 0; i < 10; ++i) feed.append(line);
  const auto end = feed.end();
  EXPECT_EQ(end, 10 * (line.size() + 1));
  // At least `retain` bytes are kept, and not much more.
  EXPECT_LE(feed.begin() + retain, end);
  EXPECT_GT(feed.begin() + retain + 2 * (line.size() + 1), end);

  std::string out = "untouched";
  const auto lost = feed.read(0, out);
  EXPECT_TRUE(lost.lost);
  EXPECT_EQ(out, "untouched");
  // A reader within the window gets everything after it.
  const auto within = end - 2 * (line.size() + 1);
  std::string tail;
  const auto read = feed.read(within, tail);
  EXPECT_FALSE(read.lost);
  EXPECT_EQ(tail, line + "\n" + line + "\n");
  // An offset past the end is a reader's bug: reported as lost, not read.
  std::string past;
  EXPECT_TRUE(feed.read(end + 1, past).lost);
}

TEST(ChangeFeedTest, ReadersOnOtherThreadsSeeExactlyWhatWasAppended) {
  ChangeFeed feed(64 * 1024 * 1024);
  constexpr int kLines = 20000;
  std::vector<std::string> got(2);
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      ChangeFeed::Offset at = 0;
      while (got[r].size() < static_cast<std::size_t>(kLines) * 8) {
        const auto read = feed.read(at, got[r]);
        ASSERT_FALSE(read.lost);
        at = read.next;
      }
    });
  }
  std::string expected;
  for (int i = 0; i < kLines; ++i) {
    const std::string line = std::to_string(1000000 + i);  // 7 digits + '\n'
    feed.append(line);
    expected += line + "\n";
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(got[0], expected);
  EXPECT_EQ(got[1], expected);
}

}  // namespace
}  // namespace boardwalk::test
