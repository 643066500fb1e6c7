#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "protocol/requests.hpp"

namespace boardwalk::net {

namespace net = boost::asio;

template <class Stream>
BasicWebsocketSession<Stream>::BasicWebsocketSession(Stream&& stream, ServerContext& context)
    : ws_(std::move(stream)),
      context_(context),
      requests_(context.limits.connection_rate, context.limits.connection_rate * 3) {
  beast::error_code ec;
  const auto remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  ip_ = ec ? "?" : remote.address().to_string();
  endpoint_ = ec ? "?" : ip_ + ":" + std::to_string(remote.port());
}

template <class Stream>
BasicWebsocketSession<Stream>::~BasicWebsocketSession() {
  if (registered_) {
    std::lock_guard lock(context_.sessions_mutex);
    context_.sessions.erase(this);
    const auto it = context_.connections_by_ip.find(ip_);
    if (it != context_.connections_by_ip.end() && --it->second == 0) context_.connections_by_ip.erase(it);
  }
}

template <class Stream>
void BasicWebsocketSession<Stream>::run(http::request<http::string_body> upgrade) {
  // Limits that fit this protocol: requests are small JSON objects.
  ws_.read_message_max(context_.limits.max_message_bytes);
  ws_.auto_fragment(false);
  // Handshake and idle timeouts, with pings to tell a quiet client from a dead one: Beast pings
  // after half the idle time without a frame and drops the connection if still nothing (not
  // even the pong) came by the full time. The handshake keeps Beast's suggested server 30 s.
  ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(30), context_.limits.idle_timeout, true});
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "boardwalk"); }));
  ws_.async_accept(upgrade, beast::bind_front_handler(&BasicWebsocketSession::on_accept, shared()));
}

template <class Stream>
void BasicWebsocketSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) {
    spdlog::debug("websocket handshake with {} failed: {}", endpoint_, ec.message());
    return;
  }
  bool over_ip_limit = false;
  {
    std::lock_guard lock(context_.sessions_mutex);
    auto& from_ip = context_.connections_by_ip[ip_];
    over_ip_limit = context_.limits.connections_per_ip > 0 && from_ip >= context_.limits.connections_per_ip;
    if (!over_ip_limit) {
      ++from_ip;
      context_.sessions.insert(this);
      registered_ = true;
    } else if (from_ip == 0) {
      context_.connections_by_ip.erase(ip_);
    }
  }
  if (over_ip_limit) {
    // Only a backstop: a venue behind one NAT address is many people.
    spdlog::warn("client {} refused: {} connections from {} already", endpoint_, context_.limits.connections_per_ip,
                 ip_);
    std::lock_guard lock(mutex_);
    closing_ = true;
    ws_.async_close(
        websocket::close_reason(websocket::close_code::try_again_later, "too many connections from this address"),
        [self = shared()](beast::error_code) {});
    return;
  }
  const auto n = ++context_.connections;
  spdlog::info("client {} connected ({} open)", endpoint_, n);
  do_read();
}

template <class Stream>
void BasicWebsocketSession<Stream>::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&BasicWebsocketSession::on_read, shared()));
}

template <class Stream>
void BasicWebsocketSession<Stream>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
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
    } else if (!requests_.take()) {
      reply_now(protocol::encode_error(
          std::get<protocol::Request>(decoded).id,
          make_error("rate_limited", "too many requests on this connection: wait a moment and try again")));
    } else {
      context_.engine.submit(shared(), std::move(std::get<protocol::Request>(decoded)));
    }
  }
  buffer_.consume(buffer_.size());
  do_read();
}

template <class Stream>
void BasicWebsocketSession<Stream>::reply_now(const protocol::Frame& frame) {
  enqueue(frame);
}

template <class Stream>
void BasicWebsocketSession<Stream>::deliver(const protocol::Frame& frame) {
  enqueue(frame);
}

// Runs on the writer thread (and for decode errors on the strand): queue only, never wait.
// Batching happens upstream (the engine sends each event's changes once per tick, as one
// shared frame) and here: whatever queues while a write is in flight goes out as the next frame.
template <class Stream>
void BasicWebsocketSession<Stream>::enqueue(const protocol::Frame& frame) {
  bool post_write = false;
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
      if (!write_scheduled_) post_write = write_scheduled_ = true;
    }
  }
  if (overflow) {
    spdlog::warn("client {} is not reading fast enough; closing it (it will resync)", endpoint_);
    net::post(ws_.get_executor(),
              [self = shared()] { self->close_with(websocket::close_code::policy_error, "too slow: resync by seq"); });
    return;
  }
  if (post_write) net::post(ws_.get_executor(), beast::bind_front_handler(&BasicWebsocketSession::do_write, shared()));
}

template <class Stream>
void BasicWebsocketSession<Stream>::do_write() {
  if (writing_) return;  // on_write sends what queued meanwhile
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) {
      write_scheduled_ = false;
      return;
    }
    sending_.swap(queue_);  // the old buffer's capacity is reused: no allocation per write
    queued_bytes_ = 0;
  }
  ws_.text(true);
  writing_ = true;
  if (sending_.size() == 1) {
    // One frame queued (the usual case: one tick's broadcast or one reply): send the shared
    // buffer itself, no copy.
    ws_.async_write(net::buffer(*sending_.front()),
                    beast::bind_front_handler(&BasicWebsocketSession::on_write, shared()));
    return;
  }
  // One contiguous frame of everything queued (JSON Lines): one system call, not one per
  // event (a gathered buffer sequence costs a system call per buffer or two).
  std::size_t size = sending_.size() - 1;
  for (const auto& f : sending_) size += f->size();
  frame_.clear();
  frame_.reserve(size);
  for (const auto& f : sending_) {
    if (!frame_.empty()) frame_.push_back('\n');
    frame_.append(*f);
  }
  sending_.clear();
  ws_.async_write(net::buffer(frame_), beast::bind_front_handler(&BasicWebsocketSession::on_write, shared()));
}

template <class Stream>
void BasicWebsocketSession<Stream>::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  sending_.clear();
  // A frame that once carried a big backlog (or a snapshot) must not pin its memory.
  if (frame_.capacity() > std::size_t{64} * 1024) std::string().swap(frame_);
  if (close_pending_) {
    // A close was asked for while this write was in flight: Beast allows one at a time.
    ws_.async_close(*close_pending_, [self = shared()](beast::error_code) {});
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
  do_write();  // sends what queued meanwhile, or goes idle
}

template <class Stream>
void BasicWebsocketSession<Stream>::close_with(websocket::close_code code, const std::string& reason) {
  if (closed_sent_) return;
  closed_sent_ = true;
  // A peer that stopped reading never completes the closing handshake (our close frame waits
  // behind its full TCP window): give it a few seconds, then drop the socket to free it.
  auto teardown = std::make_shared<net::steady_timer>(ws_.get_executor());
  teardown->expires_after(std::chrono::seconds(5));
  teardown->async_wait([self = shared(), teardown](beast::error_code ec) {
    if (!ec) beast::get_lowest_layer(self->ws_).close();
  });
  const websocket::close_reason why(code, reason);
  if (writing_) {
    close_pending_ = why;
    return;
  }
  ws_.async_close(why, [self = shared()](beast::error_code) {});
}

template <class Stream>
void BasicWebsocketSession<Stream>::close(const std::string& reason) {
  auto self = std::static_pointer_cast<BasicWebsocketSession>(weak_from_this().lock());
  if (!self) return;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;  // nothing more is queued for it
  }
  spdlog::info("closing client {}: {}", endpoint_, reason);
  net::post(ws_.get_executor(), [self, reason] { self->close_with(websocket::close_code::policy_error, reason); });
}

template <class Stream>
void BasicWebsocketSession<Stream>::shut_down() {
  auto self = std::static_pointer_cast<BasicWebsocketSession>(weak_from_this().lock());
  if (!self) return;  // already being destroyed
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  net::post(ws_.get_executor(),
            [self] { self->close_with(websocket::close_code::going_away, "server shutting down"); });
}

template class BasicWebsocketSession<beast::tcp_stream>;
template class BasicWebsocketSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace boardwalk::net
