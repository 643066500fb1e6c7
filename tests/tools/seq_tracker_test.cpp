#include "seq_tracker.hpp"

#include <gtest/gtest.h>

using loadgen::SeqTracker;

TEST(SeqTracker, SnapshotThenContiguousChangesIsOk) {
  SeqTracker t;
  t.reset(42);
  EXPECT_TRUE(t.on_subscribe_ack(42));
  for (int s = 43; s <= 50; ++s) EXPECT_TRUE(t.on_change(s));
  EXPECT_TRUE(t.ok());
  EXPECT_EQ(t.last(), 50);
  EXPECT_EQ(t.received(), 8u);
}

TEST(SeqTracker, GapIsCountedAsMissing) {
  SeqTracker t;
  t.reset(10);
  t.on_change(11);
  EXPECT_FALSE(t.on_change(14));
  EXPECT_EQ(t.missing(), 2u);
  EXPECT_FALSE(t.ok());
  EXPECT_NE(t.first_problem().find("expected seq 12"), std::string::npos);
  EXPECT_TRUE(t.on_change(15));  // continues from the highest seen
}

TEST(SeqTracker, DuplicateAndReorderAreCounted) {
  SeqTracker t;
  t.reset(0);
  t.on_change(1);
  t.on_change(2);
  EXPECT_FALSE(t.on_change(2));
  EXPECT_FALSE(t.on_change(1));
  EXPECT_EQ(t.duplicates(), 2u);
  EXPECT_EQ(t.missing(), 0u);
  EXPECT_FALSE(t.ok());
}

TEST(SeqTracker, ReplayAfterResumeMustStartAtSincePlusOne) {
  SeqTracker t;
  t.resume(41);
  EXPECT_TRUE(t.on_change(42));
  EXPECT_TRUE(t.on_change(43));
  EXPECT_TRUE(t.on_subscribe_ack(43));
  EXPECT_TRUE(t.ok());
}

TEST(SeqTracker, ReplayMissingTheFirstChangeIsAGap) {
  SeqTracker t;
  t.resume(41);
  t.on_change(43);
  EXPECT_EQ(t.missing(), 1u);
}

TEST(SeqTracker, AckSeqDifferentFromStreamIsAMismatch) {
  SeqTracker t;
  t.resume(41);
  t.on_change(42);
  EXPECT_FALSE(t.on_subscribe_ack(44));
  EXPECT_EQ(t.ack_mismatches(), 1u);
  EXPECT_FALSE(t.ok());
}

TEST(SeqTracker, ChangeBeforeStartIsAProblem) {
  SeqTracker t;
  EXPECT_FALSE(t.on_change(5));
  EXPECT_FALSE(t.first_problem().empty());
}

TEST(SeqTracker, GapThenDuplicateThenRecovery) {
  SeqTracker t;
  t.reset(100);
  EXPECT_TRUE(t.on_change(101));
  EXPECT_FALSE(t.on_change(105));  // 102..104 missing
  EXPECT_FALSE(t.on_change(103));  // late one: counted as out of order, not as filling the gap
  EXPECT_TRUE(t.on_change(106));
  EXPECT_EQ(t.missing(), 3u);
  EXPECT_EQ(t.duplicates(), 1u);
  EXPECT_EQ(t.received(), 4u);
  EXPECT_EQ(t.last(), 106);
  EXPECT_NE(t.first_problem().find("expected seq 102"), std::string::npos);  // first problem kept
}

TEST(SeqTracker, SnapshotResetsTheExpectedSeq) {
  SeqTracker t;
  t.reset(10);
  t.on_change(11);
  t.reset(50);  // resync by snapshot
  EXPECT_TRUE(t.on_change(51));
  EXPECT_TRUE(t.ok());
}
