// A token bucket: `rate` requests per second on average, bursts of up to `burst`.
// rate 0 means unlimited. Not thread-safe: each owner uses it from one thread.
#pragma once

#include <algorithm>
#include <chrono>

namespace boardwalk::engine {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // Takes one token if there is one.
  bool take(Clock::time_point now = Clock::now()) {
    if (rate_ <= 0) return true;
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_ = Clock::now();
};

}  // namespace boardwalk::engine
