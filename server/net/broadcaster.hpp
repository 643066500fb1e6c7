// Sends committed changes to the connections that follow an event's change feed.
//
// The engine appends each change once to its event's feed and calls wake(). The broadcaster then
// makes a pass over the following connections, a batch at a time, and lets each one that has
// unsent changes and no write in flight start one write of everything it has not sent (one
// frame of JSON Lines). Why a pass, and not a write per connection per change:
// - a client gets a change at the latest one pass after it was stored, and a pass costs one
//   write per connection however many changes it carries, so under load latency stays near the
//   time one pass takes, and CPU goes with connections x passes, not connections x changes;
// - batches leave room in the io_context between them, so requests (reads, acks) never wait
//   behind ten thousand queued writes;
// - passes start at most once per `interval` (--coalesce-ms), so a burst goes out in few frames;
//   the first change after a quiet interval goes out at once (a pass that wrote nothing does not
//   count: it sent nobody a frame).
// A connection still writing when the pass reaches it gets its changes in its next write; one
// too far behind (over the send cap) is closed and resyncs by seq.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace boardwalk::net {

class WebsocketSession;

// What a connection did when a pass offered it a write (WebsocketSession::offer_feed).
enum class FeedOffer {
  nothing,  // no unsent changes (or not following a feed, or closing)
  started,  // a write of its unsent changes is on its way
  busy,     // a write is in flight: the changes go out as soon as it is done
  dropped,  // too far behind (over the send cap): closed, it resyncs by seq
};

class Broadcaster {
 public:
  Broadcaster(boost::asio::io_context& ioc, std::chrono::milliseconds interval);

  // A connection that now follows a feed (once per connection; it leaves when it is gone).
  // Thread-safe.
  void add(const std::shared_ptr<WebsocketSession>& session);
  // Something new to send (a feed grew). Thread-safe.
  void wake();

  static constexpr std::size_t kBatch = 64;  // connections offered a write per handler
  // add() removes the entries of connections that are gone once the list reaches this size
  // (and then twice the live entries): see add().
  static constexpr std::size_t kMinPrune = 1024;

 private:
  void begin_pass();
  void step();
  void end_pass();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  const std::chrono::milliseconds interval_;

  void prune_locked();  // drops expired entries; needs mutex_

  std::mutex mutex_;  // guards sessions_, in_pass_ and prune_at_ (add() runs on the engine's thread)
  std::vector<std::weak_ptr<WebsocketSession>> sessions_;
  bool in_pass_ = false;  // a pass is walking sessions_ by index: do not move entries
  std::size_t prune_at_ = kMinPrune;

  std::atomic<std::uint64_t> generation_{0};  // wake() calls so far
  std::atomic<bool> running_{false};          // a pass is running or due
  // Strand-only: the pass in progress.
  std::uint64_t pass_generation_ = 0;
  std::size_t index_ = 0;
  std::chrono::steady_clock::time_point pass_start_{};
  // When the last pass that sent something started: the next one is due an interval later. A
  // pass that sent nobody anything (its changes' only readers got them with an answer, or left)
  // sent no frame, so it does not hold back the next change.
  std::chrono::steady_clock::time_point paced_from_{};
  std::size_t started_ = 0, busy_ = 0, dropped_ = 0;
  std::vector<std::shared_ptr<WebsocketSession>> batch_;
};

}  // namespace boardwalk::net
