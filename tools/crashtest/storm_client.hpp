// One simulated screen of the reconnect storm: a WebSocket client that subscribes to an event,
// follows its change stream, and, when asked, reconnects and resubscribes with the last seq it
// saw (or, as a freshly loaded page, without one). It checks its stream as it goes: every
// change exactly once and in order (loadgen::SeqTracker), and every change and snapshot
// byte-identical to what every other client on its thread received for that seq (SeenTexts).
// The seen texts are checked against a board rebuilt from the database at the end, so a
// client whose stream passed both checks holds exactly the true board.
//
// All work runs on the client's io_context (one thread); the atomics are what the tool reads
// meanwhile, record() only after that thread has stopped.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "seq_tracker.hpp"

namespace boardwalk::tools {

using StormClock = std::chrono::steady_clock;

// The first text received for each seq by any client of one io thread.
struct SeenTexts {
  std::unordered_map<std::int64_t, std::string> changes;
  std::map<std::int64_t, std::string> snapshots;
};

// What the report needs from one client; complete once its io thread has stopped.
struct ClientRecord {
  loadgen::SeqTracker tracker;
  std::uint64_t mismatches = 0;  // a change or snapshot that differed from another client's
  std::string first_mismatch;
  std::uint64_t connect_retries = 0;
  std::uint64_t unexpected_closes = 0;  // while the server was meant to be up
  std::string last_close;
  std::vector<std::string> errors;  // error answers, unreadable lines, missed deadlines
};

class StormClient : public std::enable_shared_from_this<StormClient> {
 public:
  StormClient(boost::asio::io_context& ioc, std::string slug, SeenTexts& seen, const std::atomic<bool>& restarting);

  // Thread-safe. After `delay`, connects to 127.0.0.1:port and subscribes: with the last seq
  // seen, or without one if `fresh`. Connection failures are retried until `deadline`. If a
  // connection is still open it is closed first.
  void reconnect(unsigned short port, std::chrono::milliseconds delay, bool fresh, StormClock::time_point deadline);
  // Thread-safe: closes the connection without reconnecting.
  void shut();

  // Progress, readable from any thread.
  [[nodiscard]] bool idle() const { return idle_; }  // no connection and nothing pending
  [[nodiscard]] bool live() const { return live_; }  // subscribed on the current connection
  [[nodiscard]] std::int64_t last_seq() const { return last_seq_; }
  [[nodiscard]] std::uint64_t subscribe_acks() const { return acks_; }
  [[nodiscard]] std::uint64_t snapshot_acks() const { return snapshot_acks_; }
  [[nodiscard]] std::uint64_t replay_acks() const { return replay_acks_; }
  [[nodiscard]] std::int64_t last_ack_ns() const { return last_ack_ns_; }  // StormClock, since epoch
  // From the first connection attempt of the last reconnect to its subscribe ack.
  [[nodiscard]] std::int64_t last_resync_us() const { return last_resync_us_; }

  [[nodiscard]] const ClientRecord& record() const { return record_; }

 private:
  using Ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  struct Plan {
    unsigned short port = 0;
    bool fresh = false;
    StormClock::time_point deadline;
  };

  void start(Plan plan, std::chrono::milliseconds delay);
  void drop_connection();
  void settle();  // an attempt or connection ended: start the pending plan, or go idle
  void connect();
  void retry(const std::string& why);
  void subscribe();
  void read();
  void on_closed(boost::beast::error_code ec);
  void handle_line(std::string_view line);
  void compare(std::unordered_map<std::int64_t, std::string>& seen, std::int64_t seq, std::string_view line);
  void compare(std::map<std::int64_t, std::string>& seen, std::int64_t seq, std::string_view line);
  void note_mismatch(std::int64_t seq, const char* what);
  void error(std::string what);

  boost::asio::io_context& ioc_;
  std::string slug_;
  SeenTexts& seen_;
  const std::atomic<bool>& restarting_;
  boost::asio::steady_timer timer_;
  std::unique_ptr<Ws> ws_;
  boost::beast::flat_buffer buffer_;
  Plan plan_;
  std::unique_ptr<Plan> pending_;  // a reconnect asked for while the old connection closes
  std::chrono::milliseconds pending_delay_{0};
  std::string subscribe_text_;  // kept alive for the async write
  std::uint64_t jitter_ = 0x9E3779B97F4A7C15ULL;
  bool shutting_ = false;
  std::string subscribe_id_;
  std::int64_t next_id_ = 1;
  bool busy_ = false;  // io thread only: a connection exists or an operation is pending
  ClientRecord record_;

  std::atomic<bool> idle_{true};
  std::atomic<bool> live_{false};
  std::atomic<std::int64_t> last_seq_{0};
  std::atomic<std::uint64_t> acks_{0};
  std::atomic<std::uint64_t> snapshot_acks_{0};
  std::atomic<std::uint64_t> replay_acks_{0};
  std::atomic<std::int64_t> last_ack_ns_{0};
  std::atomic<std::int64_t> last_resync_us_{0};
  StormClock::time_point attempt_start_;  // io thread only
};

}  // namespace boardwalk::tools
