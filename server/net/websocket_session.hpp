// One WebSocket client. Reads requests one at a time and hands them to the engine; the
// engine's answers and broadcasts come back through deliver(), which only queues. While a
// write is in flight, everything that queues up behind it goes out together as the next
// frame (JSON Lines), so a busy client costs frames, not events. The queue has a byte cap:
// a client that cannot keep up is closed (it resyncs by seq when it comes back) instead of
// growing memory or slowing anyone else.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/subscriber.hpp"
#include "net/server_context.hpp"

namespace boardwalk::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

class WebsocketSession : public engine::Subscriber,
                         public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(beast::tcp_stream&& stream, ServerContext& context);
  ~WebsocketSession() override;

  void run(http::request<http::string_body> upgrade);
  void deliver(const protocol::Frame& frame) override;
  // Closes with "going away" (server shutdown). Thread-safe.
  void shut_down();

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close_with(websocket::close_code code, std::string reason);
  void reply_now(const protocol::Frame& frame);

  websocket::stream<beast::tcp_stream> ws_;
  ServerContext& context_;
  beast::flat_buffer buffer_;
  std::string endpoint_;

  std::mutex mutex_;  // guards the queue: deliver() runs on the engine's thread
  std::deque<protocol::Frame> queue_;
  std::size_t queued_bytes_ = 0;
  bool write_scheduled_ = false;
  bool closing_ = false;

  // Strand-only state.
  std::string frame_;  // the frame being written, reused between writes
  bool writing_ = false;
  bool closed_sent_ = false;
  std::optional<websocket::close_reason> close_pending_;
  bool registered_ = false;
};

}  // namespace boardwalk::net
