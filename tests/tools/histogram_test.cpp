#include "histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using loadgen::Histogram;

TEST(Histogram, EmptyGivesZero) {
    Histogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(50), 0);
    EXPECT_EQ(h.max(), 0);
}

TEST(Histogram, SmallValuesAreExact) {
    Histogram h;
    for (int v = 1; v <= 100; ++v) h.record(v);
    EXPECT_EQ(h.percentile(50), 50);
    EXPECT_EQ(h.percentile(90), 90);
    EXPECT_EQ(h.percentile(99), 99);
    EXPECT_EQ(h.percentile(100), 100);
    EXPECT_EQ(h.min(), 1);
    EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(Histogram, BucketsCoverEveryValueOnce) {
    for (std::int64_t v : {0LL, 1LL, 127LL, 128LL, 129LL, 255LL, 256LL, 1000LL, 123456789LL, (1LL << 40) + 17}) {
        const auto b = Histogram::bucket_of(v);
        EXPECT_GE(Histogram::bucket_high(b), v) << v;
        if (b > 0) {
            EXPECT_LT(Histogram::bucket_high(b - 1), v) << v;
        }
    }
}

TEST(Histogram, PercentilesWithinRelativeErrorOfExact) {
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> dist(8.0, 1.5);
    std::vector<std::int64_t> xs;
    Histogram h;
    for (int i = 0; i < 100000; ++i) {
        const auto v = static_cast<std::int64_t>(dist(rng));
        xs.push_back(v);
        h.record(v);
    }
    std::sort(xs.begin(), xs.end());
    for (double p : {50.0, 90.0, 99.0, 99.9}) {
        const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(xs.size()))) - 1;
        const auto exact = xs[rank];
        const auto got = h.percentile(p);
        EXPECT_GE(got, exact) << p;
        EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * (1.0 + 1.0 / 64) + 1) << p;
    }
    EXPECT_EQ(h.percentile(100), xs.back());
}

TEST(Histogram, MergeEqualsRecordingEverything) {
    Histogram a, b, all;
    for (int i = 0; i < 1000; ++i) {
        (i % 2 ? a : b).record(i * 37);
        all.record(i * 37);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), all.count());
    EXPECT_EQ(a.max(), all.max());
    EXPECT_EQ(a.min(), all.min());
    for (double p : {1.0, 50.0, 99.0}) EXPECT_EQ(a.percentile(p), all.percentile(p));
}

TEST(Histogram, NegativeValuesClampToZero) {
    Histogram h;
    h.record(-5);
    EXPECT_EQ(h.percentile(50), 0);
}
