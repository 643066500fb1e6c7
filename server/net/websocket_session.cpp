#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "protocol/requests.hpp"

namespace boardwalk::net {

namespace net = boost::asio;

WebsocketSession::WebsocketSession(beast::tcp_stream&& stream, ServerContext& context)
    : ws_(std::move(stream)), context_(context) {
  beast::error_code ec;
  const auto remote = ws_.next_layer().socket().remote_endpoint(ec);
  endpoint_ = ec ? "?" : remote.address().to_string() + ":" + std::to_string(remote.port());
}

WebsocketSession::~WebsocketSession() {
  if (registered_) {
    std::lock_guard lock(context_.sessions_mutex);
    context_.sessions.erase(this);
  }
}

void WebsocketSession::run(http::request<http::string_body> upgrade) {
  // Limits that fit this protocol: requests are small JSON objects.
  ws_.read_message_max(context_.limits.max_message_bytes);
  ws_.auto_fragment(false);
  // Handshake and idle timeouts, with pings to tell a quiet client from a dead one.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, "boardwalk");
  }));
  ws_.async_accept(upgrade, beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
}

void WebsocketSession::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("websocket handshake with {} failed: {}", endpoint_, ec.message());
    return;
  }
  {
    std::lock_guard lock(context_.sessions_mutex);
    context_.sessions.insert(this);
    registered_ = true;
  }
  const auto n = ++context_.connections;
  spdlog::info("client {} connected ({} open)", endpoint_, n);
  do_read();
}

void WebsocketSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this()));
}

void WebsocketSession::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    context_.engine.disconnect(this);
    const auto n = --context_.connections;
    if (ec == websocket::error::closed || ec == net::error::eof || ec == net::error::operation_aborted) {
      spdlog::info("client {} disconnected ({} open)", endpoint_, n);
    } else if (ec == websocket::error::message_too_big) {
      spdlog::warn("client {} sent a message over {} bytes; closed ({} open)", endpoint_,
                   context_.limits.max_message_bytes, n);
    } else {
      spdlog::info("client {} dropped: {} ({} open)", endpoint_, ec.message(), n);
    }
    return;
  }
  if (!ws_.got_text()) {
    reply_now(protocol::encode_error(nullptr, make_error("bad_frame", "send JSON in text frames, not binary")));
  } else {
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    auto decoded = protocol::decode_request(text);
    if (auto* failure = std::get_if<protocol::DecodeFailure>(&decoded)) {
      reply_now(protocol::encode_error(failure->id, failure->error));
    } else {
      context_.engine.submit(shared_from_this(), std::move(std::get<protocol::Request>(decoded)));
    }
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void WebsocketSession::reply_now(const protocol::Frame& frame) { deliver(frame); }

void WebsocketSession::deliver(const protocol::Frame& frame) {
  bool start_write = false;
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    if (queued_bytes_ + frame->size() > context_.limits.send_queue_bytes) {
      overflow = true;
      closing_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    } else {
      queue_.push_back(frame);
      queued_bytes_ += frame->size();
      if (!write_scheduled_) {
        write_scheduled_ = true;
        start_write = true;
      }
    }
  }
  if (overflow) {
    spdlog::warn("client {} is not reading fast enough; closing it (it will resync)", endpoint_);
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->close_with(websocket::close_code::policy_error, "too slow: resync by seq");
    });
    return;
  }
  if (start_write) net::post(ws_.get_executor(), beast::bind_front_handler(&WebsocketSession::do_write, shared_from_this()));
}

void WebsocketSession::do_write() {
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      write_scheduled_ = false;
      return;
    }
    // One contiguous frame of everything queued: one system call instead of one per event.
    frame_.clear();
    for (const auto& f : queue_) {
      if (!frame_.empty()) frame_.push_back('\n');
      frame_.append(*f);
    }
    queue_.clear();
    queued_bytes_ = 0;
  }
  ws_.text(true);
  writing_ = true;
  ws_.async_write(net::buffer(frame_), beast::bind_front_handler(&WebsocketSession::on_write, shared_from_this()));
}

void WebsocketSession::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (close_pending_) {
    // A close was asked for while this write was in flight: Beast allows one at a time.
    ws_.async_close(*close_pending_, [self = shared_from_this()](beast::error_code) {});
    close_pending_.reset();
    return;
  }
  if (ec) {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    write_scheduled_ = false;
    return;  // the pending read fails too and cleans up
  }
  do_write();
}

void WebsocketSession::close_with(websocket::close_code code, std::string reason) {
  if (closed_sent_) return;
  closed_sent_ = true;
  const websocket::close_reason why(code, reason);
  if (writing_) {
    close_pending_ = why;
    return;
  }
  ws_.async_close(why, [self = shared_from_this()](beast::error_code) {});
}

void WebsocketSession::shut_down() {
  auto self = weak_from_this().lock();
  if (!self) return;  // already being destroyed
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  net::post(ws_.get_executor(), [self] {
    self->close_with(websocket::close_code::going_away, "server shutting down");
  });
}

}  // namespace boardwalk::net
