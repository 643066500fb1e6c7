// One WebSocket client. Reads requests one at a time and hands them to the engine; the
// engine's answers and broadcasts come back through deliver(), which only queues. While a
// write is in flight, everything that queues up behind it goes out together as the next
// frame (JSON Lines), so a busy client costs frames, not events (and under load the engine
// sends each event's changes once per tick as one shared frame). The queue has a byte cap:
// a client that cannot keep up is closed (it resyncs by seq when it comes back) instead of
// growing memory or slowing anyone else.
// The same session runs over plain TCP or TLS (BasicWebsocketSession<Stream>); shutdown only
// sees the transport-independent WebsocketSession base.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/subscriber.hpp"
#include "engine/token_bucket.hpp"
#include "net/server_context.hpp"

namespace boardwalk::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// What the rest of the server knows of a WebSocket session, whatever its transport: shutdown
// closes it through this base.
class WebsocketSession : public engine::Subscriber, public std::enable_shared_from_this<WebsocketSession> {
 public:
  // Closes with "going away" (server shutdown). Thread-safe.
  virtual void shut_down() = 0;
};

// The session over plain TCP (beast::tcp_stream) or TLS (beast::ssl_stream<beast::tcp_stream>);
// both are instantiated in websocket_session.cpp.
template <class Stream>
class BasicWebsocketSession final : public WebsocketSession {
 public:
  BasicWebsocketSession(Stream&& stream, ServerContext& context);
  ~BasicWebsocketSession() override;

  void run(http::request<http::string_body> upgrade);
  void deliver(const protocol::Frame& frame) override;
  void close(const std::string& reason) override;
  void shut_down() override;

 private:
  std::shared_ptr<BasicWebsocketSession> shared() {
    return std::static_pointer_cast<BasicWebsocketSession>(shared_from_this());
  }
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void enqueue(const protocol::Frame& frame);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close_with(websocket::close_code code, const std::string& reason);
  void reply_now(const protocol::Frame& frame);

  websocket::stream<Stream> ws_;
  ServerContext& context_;
  beast::flat_buffer buffer_;
  std::string endpoint_;
  std::string ip_;
  engine::TokenBucket requests_;  // strand-only: per-connection request rate

  std::mutex mutex_;                    // guards the queue: deliver() runs on the engine's thread
  std::vector<protocol::Frame> queue_;  // swapped with sending_: no allocation per write
  std::size_t queued_bytes_ = 0;
  bool write_scheduled_ = false;  // a do_write is posted or a write is in flight
  bool closing_ = false;

  // Strand-only state.
  std::vector<protocol::Frame> sending_;  // the events in the frame being written
  std::string frame_;                     // the frame being written (when it joins several events), reused
  bool writing_ = false;
  bool closed_sent_ = false;
  std::optional<websocket::close_reason> close_pending_;
  bool registered_ = false;
};

using PlainWebsocketSession = BasicWebsocketSession<beast::tcp_stream>;
using TlsWebsocketSession = BasicWebsocketSession<beast::ssl_stream<beast::tcp_stream>>;
extern template class BasicWebsocketSession<beast::tcp_stream>;
extern template class BasicWebsocketSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace boardwalk::net
