// Under load, sends each busy WebSocket at most one frame per interval. A session that wrote
// less than `interval` ago parks here instead of writing at once; every tick (one timer for the
// whole server, not one per session) kicks all parked sessions, and each sends everything
// queued since its last frame as one frame. Fan-out costs frames, not events: at 10,000
// clients and 200 changes/s this turns up to 2,000,000 frames/s into 10,000 / interval.
// A session that has been quiet for `interval` still writes at once, so a lone change at low
// load keeps the lowest latency; replies to a client's own request never park.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace boardwalk::net {

class WebsocketSession;

class WriteCoalescer : public std::enable_shared_from_this<WriteCoalescer> {
 public:
  WriteCoalescer(boost::asio::io_context& ioc, std::chrono::milliseconds interval);

  [[nodiscard]] std::chrono::milliseconds interval() const { return interval_; }
  // Thread-safe. The session is kicked (WebsocketSession::kick on its strand) at the next tick.
  void park(std::shared_ptr<WebsocketSession> session);

 private:
  void on_tick();

  const std::chrono::milliseconds interval_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // strand-only

  std::mutex mutex_;
  std::vector<std::shared_ptr<WebsocketSession>> parked_;
  std::vector<std::shared_ptr<WebsocketSession>> kicking_;  // strand-only, reused between ticks
  bool armed_ = false;
};

}  // namespace boardwalk::net
