#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

namespace {
// 128 exact buckets, then 64 sub-buckets per power of two up to 2^63.
constexpr std::size_t kExact = 128;
constexpr std::size_t kSub = 64;
constexpr std::size_t kBuckets = kExact + 57 * kSub;
}  // namespace

Histogram::Histogram() : buckets_(kBuckets, 0) {}

std::size_t Histogram::bucket_of(std::int64_t value) {
    if (value < 0) value = 0;
    const auto v = static_cast<std::uint64_t>(value);
    if (v < kExact) return static_cast<std::size_t>(v);
    const int shift = std::bit_width(v) - 7;  // v >> shift is in [64, 128)
    return kExact + static_cast<std::size_t>(shift - 1) * kSub + static_cast<std::size_t>((v >> shift) - kSub);
}

std::int64_t Histogram::bucket_high(std::size_t bucket) {
    if (bucket < kExact) return static_cast<std::int64_t>(bucket);
    const std::size_t rel = bucket - kExact;
    const std::size_t shift = rel / kSub + 1;
    const std::uint64_t mant = rel % kSub + kSub;
    const std::uint64_t low = mant << shift;
    return static_cast<std::int64_t>(low + ((std::uint64_t{1} << shift) - 1));
}

void Histogram::record(std::int64_t value) {
    if (value < 0) value = 0;
    ++buckets_[bucket_of(value)];
    if (count_ == 0 || value < min_) min_ = value;
    if (count_ == 0 || value > max_) max_ = value;
    ++count_;
    sum_ += value;
}

void Histogram::merge(const Histogram& other) {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
    if (count_ == 0 || other.min_ < min_) min_ = other.min_;
    if (count_ == 0 || other.max_ > max_) max_ = other.max_;
    count_ += other.count_;
    sum_ += other.sum_;
}

std::int64_t Histogram::percentile(double p) const {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::clamp(bucket_high(i), min_, max_);
    }
    return max_;
}

}  // namespace loadgen
