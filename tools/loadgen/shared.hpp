// State shared by all io threads of one run, and the per-thread statistics they fill.
#pragma once

#include "histogram.hpp"
#include "options.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loadgen {

inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void atomic_max(std::atomic<std::int64_t>& a, std::int64_t v) {
  auto cur = a.load(std::memory_order_relaxed);
  while (cur < v && !a.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

struct Shared {
  explicit Shared(const Options& o) : opts(o) {}

  const Options& opts;
  // Changes with seq > measure_from are timed; seq - measure_from - 1 indexes send_time.
  std::atomic<std::int64_t> measure_from{INT64_MAX};
  std::unique_ptr<std::atomic<std::int64_t>[]> send_time;  // µs, 0 = not (yet) known
  std::size_t capacity = 0;
  std::atomic<std::int64_t> max_acked_seq{0};
  std::atomic<bool> sending{false};      // rate/closed-loop senders active
  std::atomic<bool> measuring{false};    // frames and changes count towards the run's rates
  std::vector<std::int64_t> topic_pool;  // setup topics, read-only while sending

  void allocate(std::size_t cap) {
    capacity = cap;
    send_time = std::make_unique<std::atomic<std::int64_t>[]>(cap);
    for (std::size_t i = 0; i < cap; ++i) send_time[i].store(0, std::memory_order_relaxed);
  }
  // Index of a timed seq, or -1.
  std::int64_t slot(std::int64_t seq) const {
    const auto from = measure_from.load(std::memory_order_relaxed);
    if (seq <= from) return -1;
    const auto i = seq - from - 1;
    return static_cast<std::size_t>(i) < capacity ? i : -1;
  }
};

// Owned and written by one io thread; read by the main thread only after the thread stopped,
// except the atomics, which the main thread polls for progress.
struct WorkerStats {
  Histogram ack_latency_us;
  Histogram delivery_latency_us;   // send of the request -> change received, per client
  Histogram subscribe_latency_us;  // connect start -> subscribe ack
  Histogram send_lag_us;           // scheduled send time -> actual send (load generator lag)
  std::uint64_t frames = 0, lines = 0, changes = 0, bytes = 0, snapshots = 0;
  std::uint64_t frames_run = 0, changes_run = 0;  // while sending
  std::uint64_t untracked_changes = 0;
  std::uint64_t scan_cache_hits = 0;  // lines recognised as identical to one scanned before
  std::uint64_t bad_lines = 0, scan_mismatches = 0, unknown_types = 0, unexpected_acks = 0;
  std::uint64_t replay_acks = 0, snapshot_acks = 0;
  std::map<std::string, std::uint64_t> error_codes;
  std::map<std::string, std::uint64_t> failure_reasons;        // connect/handshake/read failures
  std::vector<std::pair<std::int64_t, std::int64_t>> pending;  // (slot, recv µs) before the ack was seen
  std::vector<std::int64_t> last_recv;                         // per slot, max recv µs
  std::vector<std::uint32_t> recv_count;                       // per slot
  std::vector<std::string> problems;                           // first few protocol problems

  // Progress, polled by the main thread.
  alignas(64) std::atomic<std::uint64_t> subscribed{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> closed{0};
  std::atomic<std::uint64_t> setup_done{0};
  std::atomic<std::uint64_t> resubscribed{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> answered{0};
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> errors{0};

  void problem(std::string p) {
    if (problems.size() < 20) problems.push_back(std::move(p));
  }
};

}  // namespace loadgen
