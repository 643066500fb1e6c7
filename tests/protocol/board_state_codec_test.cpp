// The board-snapshot codec: a board decoded from its encoding is the same board, private state
// included (checked through the board's own accessors and decisions, not only through the
// codec, so a field the codec forgot in both directions still shows); a snapshot taken at any
// point plus the changes after it equals the full replay; and a damaged body is an error value.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "protocol/board_state_codec.hpp"
#include "protocol/codec.hpp"
#include "random_board.hpp"

namespace boardwalk::test {
namespace {

using namespace boardwalk::domain;

Board decoded(const std::string& body) {
  auto board = protocol::decode_board_state(body);
  if (!board) throw std::runtime_error(board.error().message);
  return std::move(*board);
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}
// The body with its trailing checksum recomputed: damage the checksum cannot see.
std::string with_checksum(std::string body) {
  body.resize(body.size() - 8);
  const std::uint64_t sum = fnv1a(body);
  for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(sum >> (8 * i)));
  return body;
}

TEST(BoardStateCodec, AnEmptyBoardRoundTrips) {
  const Board empty;
  const std::string body = protocol::encode_board_state(empty);
  const Board back = decoded(body);
  EXPECT_EQ(back.seq(), 0);
  EXPECT_EQ(protocol::encode_board_state(back), body);
}

// A long random run reaches every kind of state; the test first checks that it did, so it
// cannot pass by round-tripping a board that holds nothing interesting.
TEST(BoardStateCodec, ABoardWithEveryKindOfStateRoundTripsExactly) {
  RandomBoard run(7u);
  for (int i = 0; i < 6000; ++i) (void)run.step();
  const Board& b = run.board();

  std::set<std::string> kinds;
  for (const Change& c : run.log()) kinds.insert(std::string(change_kind(c.body)));
  for (const char* kind :
       {"participant_removed", "participant_role_set", "tickets_added", "join_mode_set", "topic_merged",
        "topic_scheduled", "topic_hidden", "topic_withdrawn", "vote_removed", "project_created", "project_edited",
        "table_claimed", "project_joined", "maintainer_added", "locks_set", "vote_cap_set"}) {
    EXPECT_TRUE(kinds.contains(kind)) << "the random run never made a " << kind;
  }
  ASSERT_FALSE(b.info().organizer_code_hash.empty());
  ASSERT_GT(b.tickets_used(), 0u);
  ASSERT_LT(b.tickets_used(), b.tickets_total());
  bool removed = false, merged = false, scheduled = false, tabled = false;
  for (const auto& [id, p] : b.participants()) removed = removed || p.removed;
  for (const auto& [id, t] : b.topics()) {
    merged = merged || t.merged_into.has_value();
    scheduled = scheduled || t.state == TopicState::scheduled;
  }
  for (const auto& [id, p] : b.projects()) tabled = tabled || !p.tables.empty();
  ASSERT_TRUE(removed && merged && scheduled && tabled);

  const std::string body = protocol::encode_board_state(b);
  const Board back = decoded(body);
  EXPECT_EQ(protocol::encode_board_state(back), body);
  EXPECT_EQ(observable_state(back, run.log()), observable_state(b, run.log()));
  // And it goes on deciding as the original does.
  Board a = b, c = back;
  for (Id topic = 1; topic <= 5; ++topic) {
    for (Id who = 1; who <= 6; ++who) {
      const auto ra = a.decide(Vote{topic}, Actor::of(who));
      const auto rc = c.decide(Vote{topic}, Actor::of(who));
      ASSERT_EQ(ra.ok(), rc.ok());
      if (!ra) {
        EXPECT_EQ(ra.error(), rc.error());
      }
    }
  }
}

// Property: for many seeds, a snapshot taken at a random point, decoded, plus the changes
// after it (as stored: through their JSON) is the board the whole log builds.
TEST(BoardStateCodec, SnapshotPlusTailEqualsFullReplayForRandomRuns) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    RandomBoard run(seed);
    std::mt19937 rng(seed * 7919u);
    std::vector<std::pair<std::size_t, std::string>> snapshots;  // log position, body
    for (int i = 0; i < 600; ++i) {
      (void)run.step();
      if (std::uniform_int_distribution<int>(0, 99)(rng) < 3) {
        snapshots.emplace_back(run.log().size(), protocol::encode_board_state(run.board()));
      }
    }
    snapshots.emplace_back(run.log().size(), protocol::encode_board_state(run.board()));  // nothing after it

    // The full replay, from the stored JSON, as a start-up without snapshots does.
    Board full;
    for (const Change& c : run.log()) {
      auto back = protocol::decode_change(
          protocol::json::parse(protocol::encode_change(c, run.slug(), protocol::Audience::storage).dump()));
      ASSERT_TRUE(back) << back.error().message;
      full.apply(*back);
    }
    const std::string expected = protocol::encode_board_state(full);
    ASSERT_EQ(protocol::encode_board_state(run.board()), expected) << "seed " << seed;

    for (const auto& [position, body] : snapshots) {
      Board b = decoded(body);
      ASSERT_EQ(b.seq(), static_cast<Seq>(position));
      for (std::size_t i = position; i < run.log().size(); ++i) b.apply(run.log()[i]);
      ASSERT_EQ(protocol::encode_board_state(b), expected) << "seed " << seed << ", snapshot at " << position;
      ASSERT_EQ(observable_state(b, run.log()), observable_state(full, run.log()))
          << "seed " << seed << ", snapshot at " << position;
    }
  }
}

TEST(BoardStateCodec, EqualBoardsEncodeToEqualBytesWhateverTheirHashMapHistory) {
  // Same tickets added in a different order and grouping: hash maps iterate differently.
  Board a, b;
  const auto add = [](Board& x, ChangeBody body) { x.apply(Change{x.seq() + 1, 0, std::nullopt, std::move(body)}); };
  add(a, EventCreated{"e", "E", "UTC", 0, {}});
  add(b, EventCreated{"e", "E", "UTC", 0, {}});
  std::vector<std::string> hashes;
  for (int i = 0; i < 200; ++i) hashes.push_back("ticket-" + std::to_string(i));
  add(a, TicketsAdded{hashes});
  add(b, TicketsAdded{std::vector<std::string>(hashes.rbegin(), hashes.rend())});
  EXPECT_EQ(protocol::encode_board_state(a), protocol::encode_board_state(b));
}

class DamagedSnapshot : public ::testing::Test {
 protected:
  void SetUp() override {
    RandomBoard run(3u);
    for (int i = 0; i < 400; ++i) (void)run.step();
    body = protocol::encode_board_state(run.board());
    ASSERT_TRUE(protocol::decode_board_state(body));
  }
  std::string body;
};

TEST_F(DamagedSnapshot, EveryTruncationIsAnError) {
  for (std::size_t n = 0; n < body.size(); ++n) {
    auto r = protocol::decode_board_state(std::string_view(body).substr(0, n));
    ASSERT_FALSE(r) << "decoded a body cut to " << n << " of " << body.size() << " bytes";
    EXPECT_EQ(r.error().code, "invalid_value");
    EXPECT_NE(r.error().message.find("snapshot"), std::string::npos) << r.error().message;
  }
}

TEST_F(DamagedSnapshot, EveryFlippedByteIsAnError) {
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string bad = body;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    ASSERT_FALSE(protocol::decode_board_state(bad)) << "byte " << i;
  }
}

TEST_F(DamagedSnapshot, ExtraBytesWrongMagicAndWrongVersionAreErrors) {
  EXPECT_FALSE(protocol::decode_board_state(body + "x"));
  EXPECT_FALSE(protocol::decode_board_state(""));
  EXPECT_FALSE(protocol::decode_board_state("{\"type\":\"snapshot\"}"));
  std::string magic = body;
  magic[0] = 'X';
  EXPECT_FALSE(protocol::decode_board_state(with_checksum(magic)));
  std::string version = body;
  version[4] = 9;  // the format version follows the magic
  auto r = protocol::decode_board_state(with_checksum(version));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("version"), std::string::npos) << r.error().message;
  // Trailing bytes under a valid checksum.
  std::string longer = body;
  longer.insert(longer.size() - 8, "\x01\x02");
  r = protocol::decode_board_state(with_checksum(longer));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("trailing"), std::string::npos) << r.error().message;
}

// Found by fuzz_snapshot: the order of a hash map's keys was checked against a key already
// moved out (an empty string), so unsorted string keys passed and re-encoded differently.
TEST_F(DamagedSnapshot, HashMapKeysOutOfOrderAndPaddedNumbersAreErrors) {
  // Participants' secret hashes are stored sorted: "s-org" < "s-p0" < ...; "{" sorts after "s".
  const auto at = body.find("s-org");
  ASSERT_NE(at, std::string::npos);
  std::string unsorted = body;
  unsorted[at] = '{';
  auto r = protocol::decode_board_state(with_checksum(unsorted));
  ASSERT_FALSE(r) << "accepted hash-map keys out of order";
  EXPECT_NE(r.error().message.find("order"), std::string::npos) << r.error().message;
  // The same number in a longer form (5 as 0x85 0x00) means the bytes were not written by us.
  std::string padded = body;
  const std::size_t version_at = 4;  // the format version, a one-byte varint, follows the magic
  padded.insert(version_at + 1, 1, '\0');
  padded[version_at] = static_cast<char>(static_cast<unsigned char>(padded[version_at]) | 0x80);
  r = protocol::decode_board_state(with_checksum(padded));
  ASSERT_FALSE(r) << "accepted a padded number";
  EXPECT_NE(r.error().message.find("overlong"), std::string::npos) << r.error().message;
  // A ten-byte number whose last byte carries more than bit 63 does not fit in 64 bits.
  std::string wide = body;
  wide.replace(version_at, 1, std::string(9, '\xff') + '\x02');
  r = protocol::decode_board_state(with_checksum(wide));
  ASSERT_FALSE(r) << "accepted a number over 64 bits";
  EXPECT_NE(r.error().message.find("overlong"), std::string::npos) << r.error().message;
}

// Damage the checksum cannot catch (a forged checksum): the decoder still checks every read
// against the end, counts, enum ranges, order and references, and never crashes; whatever it
// accepts is a board that encodes and decodes again.
TEST_F(DamagedSnapshot, RandomDamageUnderAValidChecksumNeverCrashes) {
  std::mt19937 rng(12345u);
  int rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bad = body;
    const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = std::uniform_int_distribution<std::size_t>(5, bad.size() - 9)(rng);
      switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
        case 0:
          bad[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
          break;
        case 1:
          bad.erase(at, 1);
          break;
        default:
          bad.insert(at, 1, static_cast<char>(0xFF));
          break;
      }
    }
    auto r = protocol::decode_board_state(with_checksum(bad));
    if (!r) {
      ++rejected;
      EXPECT_EQ(r.error().code, "invalid_value");
      continue;
    }
    EXPECT_TRUE(protocol::decode_board_state(protocol::encode_board_state(*r)));
  }
  EXPECT_GT(rejected, 2000) << "most random damage must be caught by the structure checks";
}

TEST(BoardStateCodec, AHugeCountIsRefusedWithoutAllocatingIt) {
  // magic, version 2, seq 0, then an event slug claiming 2^62 bytes.
  std::string body = "BWBS";
  body += '\x02';
  body += '\x00';
  body += "\x80\x80\x80\x80\x80\x80\x80\x80\x40";
  body += "12345678";
  auto r = protocol::decode_board_state(with_checksum(body));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("count"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace boardwalk::test
