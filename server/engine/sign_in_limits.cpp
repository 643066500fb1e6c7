#include "sign_in_limits.hpp"

#include <algorithm>
#include <cmath>

namespace boardwalk::engine {

void SignInLimits::refill(Bucket& b, double rate, double burst, double now) {
  b.tokens = std::min(burst, b.tokens + std::max(0.0, now - b.last) * rate);
  b.last = now;
}

double SignInLimits::wait(const std::string& address, const std::string& event, double now) const {
  double wait = 0;
  if (const auto it = failures_.find({address, event}); it != failures_.end()) {
    wait = std::max(wait, it->second.blocked_until - now);
  }
  if (const auto it = event_failures_.find(event);
      it != event_failures_.end() && options_.event_failures_per_second > 0) {
    Bucket b = it->second;
    refill(b, options_.event_failures_per_second, options_.event_failure_burst, now);
    if (b.tokens < 1.0) wait = std::max(wait, (1.0 - b.tokens) / options_.event_failures_per_second);
  }
  return std::max(0.0, wait);
}

void SignInLimits::failed(const std::string& address, const std::string& event, double now) {
  prune(now);
  Failures& f = failures_[{address, event}];
  if (f.count > 0 && now - f.last > options_.forget_after_seconds) f = Failures{};
  ++f.count;
  f.last = now;
  if (f.count > options_.free_failures) {
    const double backoff =
        std::min(options_.max_backoff_seconds, std::ldexp(1.0, std::min(f.count - options_.free_failures - 1, 30)));
    f.blocked_until = now + backoff;
  }
  auto [it, fresh] = event_failures_.try_emplace(event, Bucket{options_.event_failure_burst, now});
  refill(it->second, options_.event_failures_per_second, options_.event_failure_burst, now);
  it->second.tokens = std::max(it->second.tokens - 1.0, -options_.event_failure_burst);
}

double SignInLimits::take_join(const std::string& address, double now) {
  if (options_.joins_per_second <= 0) return 0;
  prune(now);
  auto [it, fresh] = joins_.try_emplace(address, Bucket{options_.join_burst, now});
  Bucket& b = it->second;
  refill(b, options_.joins_per_second, options_.join_burst, now);
  if (b.tokens < 1.0) return (1.0 - b.tokens) / options_.joins_per_second;
  b.tokens -= 1.0;
  return 0;
}

void SignInLimits::prune(double now) {
  if (failures_.size() > options_.max_entries) {
    std::erase_if(failures_, [&](const auto& kv) {
      return now - kv.second.last > options_.forget_after_seconds && now >= kv.second.blocked_until;
    });
  }
  if (joins_.size() > options_.max_entries) {
    // A full bucket is the same as no entry.
    std::erase_if(joins_, [&](const auto& kv) {
      return kv.second.tokens + (now - kv.second.last) * options_.joins_per_second >= options_.join_burst;
    });
  }
}

}  // namespace boardwalk::engine
