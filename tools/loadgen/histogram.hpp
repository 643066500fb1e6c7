// Latency histogram with bounded relative error (log-linear buckets, like HdrHistogram).
// Values are non-negative integers (the load generator records microseconds).
#pragma once

#include <cstdint>
#include <vector>

namespace loadgen {

class Histogram {
public:
    Histogram();

    void record(std::int64_t value);
    void merge(const Histogram& other);

    std::uint64_t count() const { return count_; }
    std::int64_t min() const { return count_ ? min_ : 0; }
    std::int64_t max() const { return count_ ? max_ : 0; }
    double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

    // Smallest recorded-bucket value v such that at least p percent of the samples are <= v.
    // Exact for values below 128, otherwise within 1/64 (1.6 %) above the true value;
    // never above max(). p in [0, 100]; 0 samples gives 0.
    std::int64_t percentile(double p) const;

    // Bucket helpers, public for tests.
    static std::size_t bucket_of(std::int64_t value);
    static std::int64_t bucket_high(std::size_t bucket);  // largest value mapping to bucket

private:
    std::vector<std::uint64_t> buckets_;
    std::uint64_t count_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    std::int64_t sum_ = 0;
};

}  // namespace loadgen
