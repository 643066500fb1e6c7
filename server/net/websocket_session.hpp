// One WebSocket client. Reads requests one at a time and hands them to the engine; the
// engine's answers come back through deliver(), which only queues, and are written at once.
// Changes of the event it subscribed to are not pushed: the session follows the event's
// change feed and, when the Broadcaster offers (or with its next answer), writes everything
// it has not sent yet as one frame (JSON Lines). So a busy client costs frames, not changes.
// Answers and unsent changes have a byte cap: a client that cannot keep up is closed (it
// resyncs by seq when it comes back) instead of growing memory or slowing anyone else. The cap
// judges progress, not the size of one answer: the frame being written never counts, nor does
// one waiting snapshot or replay, whatever its size (see deliver_bulk).
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
#include "net/broadcaster.hpp"
#include "net/server_context.hpp"

namespace boardwalk::net {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using net_buffer = boost::asio::const_buffer;

// What the rest of the server knows of a WebSocket session, whatever its transport: shutdown
// closes it through this base.
class WebsocketSession : public engine::Subscriber, public std::enable_shared_from_this<WebsocketSession> {
 public:
  // Closes with "going away" (server shutdown). Thread-safe.
  virtual void shut_down() = 0;
  // Starts a write of the changes it has not sent, if it has any and no write is in flight.
  // Called by the Broadcaster, from any thread; never waits.
  virtual FeedOffer offer_feed() = 0;
};

// The session over plain TCP (beast::tcp_stream) or TLS (beast::ssl_stream<beast::tcp_stream>);
// both are instantiated in websocket_session.cpp.
template <class Stream>
class BasicWebsocketSession final : public WebsocketSession {
 public:
  // `client_address`: the address per-address limits count against (behind a trusted proxy,
  // the client the proxy names); empty = the peer's.
  BasicWebsocketSession(Stream&& stream, ServerContext& context, std::string client_address = {});
  ~BasicWebsocketSession() override;

  void run(http::request<http::string_body> upgrade);
  void deliver(const protocol::Frame& frame) override;
  void deliver_bulk(const protocol::Frame& frame) override;
  void follow(std::shared_ptr<const engine::ChangeFeed> feed, engine::ChangeFeed::Offset from) override;
  void close(const std::string& reason) override;
  void shut_down() override;
  FeedOffer offer_feed() override;
  [[nodiscard]] std::string client_address() const override { return ip_; }

 private:
  std::shared_ptr<BasicWebsocketSession> shared() {
    return std::static_pointer_cast<BasicWebsocketSession>(shared_from_this());
  }
  // A part of the frame being written: bytes of frame_ (data == nullptr: from `offset`) or of
  // a buffer held by sending_ or pieces_.
  struct Span {
    const char* data = nullptr;
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  // Answers and changes at least this big are written from their own (shared) buffer; smaller
  // ones are copied together into frame_, so that a frame is a few buffers, not many small ones.
  static constexpr std::size_t kDirectBytes = 16 * 1024;

  void queue(const protocol::Frame& frame, bool bulk);
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void close_with(websocket::close_code code, const std::string& reason);
  // Drops what is queued and refuses more (under mutex_).
  void stop_queueing_locked();

  websocket::stream<Stream> ws_;
  ServerContext& context_;
  beast::flat_buffer buffer_;
  std::string endpoint_;
  std::string ip_;
  engine::TokenBucket requests_;  // strand-only: per-connection request rate

  // Guards what the engine's thread (deliver, follow) and the Broadcaster touch.
  std::mutex mutex_;
  std::vector<protocol::Frame> replies_;            // swapped with sending_: no allocation per write
  std::size_t reply_bytes_ = 0;                     // of the waiting answers that count against the cap
  bool bulk_waiting_ = false;                       // a snapshot or replay waits in replies_ (one does not count)
  std::shared_ptr<const engine::ChangeFeed> feed_;  // the subscribed event's changes
  engine::ChangeFeed::Offset sent_to_ = 0;          // feed bytes before this are written or being written
  bool write_scheduled_ = false;                    // a do_write is posted or a write is in flight
  bool feed_waiting_ = false;                       // a pass found unsent changes while a write was in flight
  bool following_ = false;                          // added to the Broadcaster
  bool closing_ = false;

  // Strand-only state.
  std::vector<protocol::Frame> sending_;           // the answers in the frame being written
  std::vector<engine::ChangeFeed::Piece> pieces_;  // the feed bytes in it (held until written)
  std::vector<net_buffer> buffers_;                // the frame as Beast takes it
  std::vector<Span> spans_;                        // the frame's parts, before frame_ is final
  std::string frame_;                              // the small answers (and changes) of the frame, joined
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
