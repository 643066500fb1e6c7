// The client side of the memory soak (boardwalk-soak): a fixed number of lanes on one
// io_context, each running connection cycles back to back until the budget the main thread
// sets is used up. One cycle is what a phone or laptop does on every page load or reconnect:
//   connect, WebSocket handshake, subscribe (mostly with `since`, as a resync; sometimes
//   without, as a fresh page that gets the snapshot), then join (creating the identity pool)
//   or auth with a secret from the pool, and then one of four endings:
//     close   - a WebSocket close handshake, as a page that is closed properly;
//     drop    - the TCP socket is closed after the answer, without a WebSocket close;
//     abort   - the TCP socket is closed while the auth request is still unanswered;
//     vanish  - the client stops answering (no close, no pong) and keeps the socket open; the
//               server's idle timeout must reap it. Its bytes are read raw and discarded, so
//               the server is not also held back by a full socket buffer; the socket is closed
//               only once the server closed it, and a server that has not done so by the reap
//               deadline is a failure.
// Every step has a deadline (the whole cycle gets `cycle_timeout`). Any error answer, closed
// connection or timeout is a failed cycle, counted by reason; the lane goes on with the next.
//
// Threads: everything runs on the io thread; the atomics and failures() are what the main
// thread reads meanwhile.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace boardwalk::tools {

struct CycleMix {
  double snapshot_share = 0.05;  // subscribes without `since` (the snapshot); the rest resync by seq
  double drop_share = 0.08;
  double abort_share = 0.04;
  double vanish_share = 0.04;  // the rest end with a WebSocket close
};

struct CycleSettings {
  unsigned short port = 0;
  std::string event = "demo";
  CycleMix mix;
  std::chrono::seconds cycle_timeout{20};
  std::chrono::seconds reap_deadline{30};            // a vanished client must be closed by the server by then
  std::vector<boost::asio::ip::address_v4> sources;  // empty: the kernel's choice (127.0.0.1)
  std::uint64_t seed = 1;
};

struct CycleCounters {
  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> completed{0};  // ok or failed
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> joins{0};
  std::atomic<std::uint64_t> auths{0};
  std::atomic<std::uint64_t> snapshots{0};
  std::atomic<std::uint64_t> replays{0};
  std::atomic<std::uint64_t> closes{0};
  std::atomic<std::uint64_t> drops{0};
  std::atomic<std::uint64_t> aborts{0};
  std::atomic<std::uint64_t> vanished{0};
  std::atomic<std::uint64_t> reaped{0};          // vanished clients the server closed in time
  std::atomic<std::uint64_t> vanish_pending{0};  // vanished clients not closed yet
  std::atomic<std::uint64_t> max_reap_ms{0};     // longest time from vanishing to the server's close
  std::atomic<int> busy_lanes{0};
};

class CycleRunner {
 public:
  // What the identity cycles do: `join` appends the new secret to the pool, `auth` picks one.
  enum class Identity { join, auth };

  CycleRunner(boost::asio::io_context& ioc, CycleSettings settings, int lanes);
  ~CycleRunner();
  CycleRunner(const CycleRunner&) = delete;
  CycleRunner& operator=(const CycleRunner&) = delete;

  // Thread-safe: lets the lanes run until `total` cycles have been started in all, with the
  // given identity step. Idle lanes start at once.
  void run_until(std::uint64_t total, Identity identity);
  // True when no cycle is running and every vanished client has been settled.
  [[nodiscard]] bool quiet() const;

  [[nodiscard]] const CycleCounters& counters() const { return counters_; }
  [[nodiscard]] std::map<std::string, std::uint64_t> failures() const;
  [[nodiscard]] std::size_t pool_size() const;
  [[nodiscard]] std::int64_t board_seq() const { return board_seq_; }

 private:
  class Lane;
  friend class Lane;

  void fail(const std::string& reason);
  void vanish_settled(bool reaped, std::chrono::steady_clock::duration took);

  boost::asio::io_context& ioc_;
  const CycleSettings settings_;
  CycleCounters counters_;
  std::vector<std::shared_ptr<Lane>> lanes_;
  // io thread only, except through run_until() (posted) and pool_size() (locked).
  std::uint64_t budget_ = 0;
  Identity identity_ = Identity::auth;
  std::vector<std::string> pool_;
  mutable std::mutex pool_mutex_;  // pool_ grows on the io thread while the main thread reads its size
  std::mt19937_64 rng_;
  std::size_t next_source_ = 0;
  std::atomic<std::int64_t> board_seq_{-1};  // from subscribe acks; the resync `since`
  mutable std::mutex failures_mutex_;
  std::map<std::string, std::uint64_t> failures_;
};

}  // namespace boardwalk::tools
