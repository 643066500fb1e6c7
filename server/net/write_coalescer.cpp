#include "write_coalescer.hpp"

#include <boost/asio/post.hpp>

#include "net/websocket_session.hpp"

namespace boardwalk::net {

namespace asio = boost::asio;

WriteCoalescer::WriteCoalescer(asio::io_context& ioc, std::chrono::milliseconds interval)
    : interval_(interval), strand_(asio::make_strand(ioc)), timer_(strand_) {}

void WriteCoalescer::park(std::shared_ptr<WebsocketSession> session) {
  bool arm = false;
  {
    std::lock_guard lock(mutex_);
    parked_.push_back(std::move(session));
    if (!armed_) arm = armed_ = true;
  }
  // One timer for every parked session; it runs only while someone is parked.
  if (arm) {
    asio::post(strand_, [self = shared_from_this()] {
      self->timer_.expires_after(self->interval_);
      self->timer_.async_wait([self](boost::system::error_code ec) {
        if (!ec) self->on_tick();
      });
    });
  }
}

void WriteCoalescer::on_tick() {
  {
    std::lock_guard lock(mutex_);
    kicking_.swap(parked_);
    armed_ = false;
  }
  // Each session writes on its own strand; the kick only posts there.
  for (auto& session : kicking_) session->kick();
  kicking_.clear();
}

}  // namespace boardwalk::net
