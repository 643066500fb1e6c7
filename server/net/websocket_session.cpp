#include "websocket_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "protocol/requests.hpp"

namespace boardwalk::net {

namespace net = boost::asio;

template <class Stream>
BasicWebsocketSession<Stream>::BasicWebsocketSession(Stream&& stream, ServerContext& context,
                                                     std::string client_address)
    : ws_(std::move(stream)),
      context_(context),
      requests_(context.limits.connection_rate, context.limits.connection_rate * 3) {
  beast::error_code ec;
  const auto remote = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  const std::string peer = ec ? "?" : remote.address().to_string();
  ip_ = client_address.empty() ? peer : std::move(client_address);
  endpoint_ = ec ? "?" : peer + ":" + std::to_string(remote.port());
  if (ip_ != peer && ip_ != "?") endpoint_ = ip_ + " via " + endpoint_;  // through a trusted proxy
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
      stop_queueing_locked();
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
  // Every message takes a token, a malformed one too (bad JSON, unknown type, bad fields, a
  // binary frame): answering it costs the same, so a flood of them is limited like requests.
  const bool allowed = requests_.take();
  const auto rate_limited = [](const nlohmann::json& id) {
    return protocol::encode_error(
        id, make_error("rate_limited", "too many requests on this connection: wait a moment and try again"));
  };
  // Answers decided here go through the engine's queue behind this connection's earlier
  // requests, so no answer overtakes the answer to an earlier request (protocol.md).
  const auto answer = [this](protocol::Frame frame) { context_.engine.answer(shared(), std::move(frame)); };
  if (!ws_.got_text()) {
    answer(allowed ? protocol::encode_error(nullptr, make_error("bad_frame", "send JSON in text frames, not binary"))
                   : rate_limited(nullptr));
  } else {
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    auto decoded = protocol::decode_request(text);
    if (auto* failure = std::get_if<protocol::DecodeFailure>(&decoded)) {
      answer(allowed ? protocol::encode_error(failure->id, failure->error) : rate_limited(failure->id));
    } else if (!allowed) {
      answer(rate_limited(std::get<protocol::Request>(decoded).id));
    } else {
      context_.engine.submit(shared(), std::move(std::get<protocol::Request>(decoded)));
    }
  }
  buffer_.consume(buffer_.size());
  do_read();
}

template <class Stream>
void BasicWebsocketSession<Stream>::stop_queueing_locked() {
  closing_ = true;
  replies_.clear();
  reply_bytes_ = 0;
  bulk_waiting_ = false;
  feed_.reset();
}

template <class Stream>
void BasicWebsocketSession<Stream>::deliver(const protocol::Frame& frame) {
  queue(frame, false);
}

template <class Stream>
void BasicWebsocketSession<Stream>::deliver_bulk(const protocol::Frame& frame) {
  queue(frame, true);
}

// Runs on the writer thread (and for decode errors on the strand): queue only, never wait.
// Too slow is judged by progress, not by the size of one answer: a client is closed when more
// than the cap of answers wait for it besides the frame being written (which is not counted:
// it is what the client is reading now) and besides one snapshot or replay (which counts
// nothing, whatever its size: a board of any size must load). A client that reads is never
// far behind, however big its answers; one that does not read piles up answers or changes
// (offer_feed) and is closed.
template <class Stream>
void BasicWebsocketSession<Stream>::queue(const protocol::Frame& frame, bool bulk) {
  bool post_write = false;
  bool overflow = false;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    const bool uncounted = bulk && !bulk_waiting_;
    const std::size_t counted = uncounted ? 0 : frame->size();
    if (reply_bytes_ + counted > context_.limits.send_queue_bytes) {
      overflow = true;
      stop_queueing_locked();
    } else {
      replies_.push_back(frame);
      reply_bytes_ += counted;
      bulk_waiting_ = bulk_waiting_ || uncounted;
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

// Runs on the writer thread, right after this connection's snapshot or replay was delivered.
template <class Stream>
void BasicWebsocketSession<Stream>::follow(std::shared_ptr<const engine::ChangeFeed> feed,
                                           engine::ChangeFeed::Offset from) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    feed_ = std::move(feed);  // a feed followed before (another event) is not read any more
    sent_to_ = from;
    first = !std::exchange(following_, true);
  }
  if (first && context_.broadcaster != nullptr) context_.broadcaster->add(shared());
}

template <class Stream>
FeedOffer BasicWebsocketSession<Stream>::offer_feed() {
  bool too_slow = false;
  {
    std::lock_guard lock(mutex_);
    if (closing_ || !feed_) return FeedOffer::nothing;
    const auto end = feed_->end();
    if (sent_to_ >= end) return FeedOffer::nothing;
    if (end - sent_to_ > context_.limits.send_queue_bytes) {
      stop_queueing_locked();
      too_slow = true;
    } else if (write_scheduled_) {
      feed_waiting_ = true;  // on_write sends them as soon as this write is done
      return FeedOffer::busy;
    } else {
      write_scheduled_ = true;
      if (!context_.one_thread) {
        net::post(ws_.get_executor(), beast::bind_front_handler(&BasicWebsocketSession::do_write, shared()));
        return FeedOffer::started;
      }
    }
  }
  if (!too_slow) {
    // The broadcaster runs on the one io thread, which is this connection's too: start here.
    do_write();
    return FeedOffer::started;
  }
  spdlog::warn("client {} is not reading fast enough; closing it (it will resync)", endpoint_);
  net::post(ws_.get_executor(),
            [self = shared()] { self->close_with(websocket::close_code::policy_error, "too slow: resync by seq"); });
  return FeedOffer::dropped;
}

// One frame of everything unsent: the queued answers first, then the feed's new changes.
template <class Stream>
void BasicWebsocketSession<Stream>::do_write() {
  if (writing_) return;  // on_write sends what queued meanwhile
  bool lost = false;
  {
    std::lock_guard lock(mutex_);
    sending_.swap(replies_);  // the old buffer's capacity is reused: no allocation per write
    reply_bytes_ = 0;
    bulk_waiting_ = false;
    if (feed_ && sent_to_ < feed_->end()) {
      const auto read = feed_->view(sent_to_, pieces_);
      if (read.lost) {
        lost = true;
        stop_queueing_locked();
      } else {
        sent_to_ = read.next;
      }
    }
    if (!lost && sending_.empty() && pieces_.empty()) {
      write_scheduled_ = false;
      return;
    }
  }
  if (lost) {
    // Only when the feed dropped bytes this session had not sent: over the cap, like offer_feed.
    spdlog::warn("client {} is not reading fast enough; closing it (it will resync)", endpoint_);
    sending_.clear();
    pieces_.clear();
    close_with(websocket::close_code::policy_error, "too slow: resync by seq");
    return;
  }
  ws_.text(true);
  writing_ = true;
  auto done = beast::bind_front_handler(&BasicWebsocketSession::on_write, shared());
  if (sending_.empty()) {
    // Only changes (the usual case under load): written straight from the feed's memory, no
    // copy; the feed's lines end in '\n', a frame does not.
    buffers_.clear();
    for (const auto& piece : pieces_) buffers_.emplace_back(piece.bytes.data(), piece.bytes.size());
    buffers_.back() = net::const_buffer(buffers_.back().data(), buffers_.back().size() - 1);
    ws_.async_write(buffers_, std::move(done));
    return;
  }
  if (sending_.size() == 1 && pieces_.empty()) {
    // One answer alone (the usual reply, or a snapshot): send the shared buffer itself, no copy.
    ws_.async_write(net::buffer(*sending_.front()), std::move(done));
    return;
  }
  // Answers (and changes): one frame of JSON Lines. Small parts are copied together into
  // frame_ (few buffers, few system calls); big ones (a snapshot, a replay, 64 KiB of feed) are
  // written from the buffer they are shared in, never copied per connection: 2,000 new
  // subscribers of a 2 MiB board would otherwise hold 4 GB. sending_ and pieces_ keep them
  // alive until on_write.
  frame_.clear();
  spans_.clear();
  const auto add = [this](std::string_view bytes) {
    if (bytes.size() >= kDirectBytes) {
      spans_.push_back(Span{bytes.data(), 0, bytes.size()});
      return;
    }
    if (spans_.empty() || spans_.back().data != nullptr) spans_.push_back(Span{nullptr, frame_.size(), 0});
    spans_.back().size += bytes.size();
    frame_.append(bytes);
  };
  for (const auto& reply : sending_) {
    if (!spans_.empty()) add("\n");
    add(*reply);
  }
  // The feed's pieces are whole lines, each ending in '\n': one separator before them, and the
  // last line's '\n' left out (a frame does not end in one).
  if (!pieces_.empty()) add("\n");
  for (const auto& piece : pieces_) add(piece.bytes);
  if (!pieces_.empty()) --spans_.back().size;
  buffers_.clear();
  for (const auto& span : spans_) {
    buffers_.emplace_back(span.data != nullptr ? span.data : frame_.data() + span.offset, span.size);
  }
  ws_.async_write(buffers_, std::move(done));
}

template <class Stream>
void BasicWebsocketSession<Stream>::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  sending_.clear();
  pieces_.clear();  // lets the feed free chunks this session was writing from
  // Ten thousand idle connections must not each keep their last frame's buffer.
  if (frame_.capacity() > 0) std::string().swap(frame_);
  if (close_pending_) {
    // A close was asked for while this write was in flight: Beast allows one at a time.
    ws_.async_close(*close_pending_, [self = shared()](beast::error_code) {});
    close_pending_.reset();
    return;
  }
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    if (ec) {
      stop_queueing_locked();
      write_scheduled_ = false;
      return;  // the pending read fails too and cleans up
    }
    // Answers go out at once (with any unsent changes), and so do changes a pass found while
    // this write was in flight: this was their turn, and waiting for the next pass would make
    // them up to two passes late.
    more = !replies_.empty() || std::exchange(feed_waiting_, false);
    if (!more) write_scheduled_ = false;
  }
  if (more) do_write();
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
    stop_queueing_locked();  // nothing more is queued for it
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
    stop_queueing_locked();
  }
  net::post(ws_.get_executor(),
            [self] { self->close_with(websocket::close_code::going_away, "server shutting down"); });
}

template class BasicWebsocketSession<beast::tcp_stream>;
template class BasicWebsocketSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace boardwalk::net
