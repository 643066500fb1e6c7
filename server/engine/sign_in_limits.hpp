// Limits per client address, for what one person cannot do alone from many identities:
// guessing credentials (ticket codes, organizer codes, invitations, secrets) and making up
// participants. A venue shares one address behind NAT, so joins are limited generously and
// failures, not successes, drive the back-off. Plain C++ with the time passed in (seconds on
// a monotonic clock), so the engine's tests can run minutes of joins in microseconds.
// Engine thread only.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

namespace boardwalk::engine {

struct SignInLimitOptions {
  // New participants per address: bursts of `join_burst`, then `joins_per_second`. The
  // defaults let 2,000 people behind one NAT address join within five minutes (a keynote's
  // end: 600 at once, then 10 a second) while a script making up identities gets no further.
  double joins_per_second = 10;
  double join_burst = 600;
  // Failed sign-ins per address and event before back-off starts; then each failure doubles
  // the wait (1 s, 2 s, 4 s ... up to `max_backoff_seconds`). Forgotten after
  // `forget_after_seconds` without a failure.
  int free_failures = 10;
  double max_backoff_seconds = 300;
  double forget_after_seconds = 900;
  // Failures per event from all addresses together: bursts of `event_failure_burst`, then
  // `event_failures_per_second`. Over it, every attempt with a credential waits: guessing a
  // short ticket code from many addresses takes hours, not seconds.
  double event_failures_per_second = 1;
  double event_failure_burst = 120;
  // Entries kept at most per map before forgotten ones are pruned (memory stays bounded).
  std::size_t max_entries = 100000;
};

class SignInLimits {
 public:
  explicit SignInLimits(SignInLimitOptions options = {}) : options_(options) {}

  // Seconds this address must wait before presenting a credential to `event` (0: go ahead).
  [[nodiscard]] double wait(const std::string& address, const std::string& event, double now) const;
  // A credential from this address was wrong.
  void failed(const std::string& address, const std::string& event, double now);
  // Takes one join for this address; returns 0, or the seconds until one is available.
  double take_join(const std::string& address, double now);

 private:
  struct Failures {
    int count = 0;
    double last = 0;
    double blocked_until = 0;
  };
  struct Bucket {
    double tokens = 0;
    double last = 0;
  };
  static void refill(Bucket& b, double rate, double burst, double now);
  void prune(double now);

  SignInLimitOptions options_;
  std::map<std::pair<std::string, std::string>, Failures> failures_;  // (address, event)
  std::unordered_map<std::string, Bucket> event_failures_;            // event -> failure budget
  std::unordered_map<std::string, Bucket> joins_;                     // address -> join budget
};

}  // namespace boardwalk::engine
