#include "connection.hpp"

#include "json_scan.hpp"
#include "worker.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace loadgen {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr std::int64_t kSubscribeId = 1;
constexpr std::int64_t kJoinId = 2;
constexpr std::int64_t kSetupProposeId = 3;
// Receive buffer per connection: a few coalesced frames at once (10-40 events of ~150 bytes
// each), small enough for 20,000 connections.
constexpr std::size_t kReadBuffer = 16 * 1024;
constexpr std::size_t kMaxMessage = 256u << 20;  // snapshots can be large

boost::system::error_code frame_error_code(FrameError e) {
  using websocket::error;
  switch (e) {
    case FrameError::reserved_bits:
      return error::bad_reserved_bits;
    case FrameError::bad_opcode:
      return error::bad_opcode;
    case FrameError::masked:
      return error::bad_masked_frame;
    case FrameError::control_fragment:
      return error::bad_control_fragment;
    case FrameError::control_size:
      return error::bad_control_size;
    case FrameError::bad_size:
      return error::bad_size;
    case FrameError::bad_continuation:
      return error::bad_continuation;
    case FrameError::bad_data_frame:
      return error::bad_data_frame;
    case FrameError::too_big:
      return error::message_too_big;
    case FrameError::bad_utf8:
      return error::bad_frame_payload;
    case FrameError::bad_close_size:
      return error::bad_close_size;
    case FrameError::bad_close_code:
      return error::bad_close_code;
    case FrameError::none:
      break;
  }
  return {};
}

std::optional<std::int64_t> int_of(std::string_view v) {
  std::int64_t out = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc{} || p != v.data() + v.size()) return std::nullopt;
  return out;
}

std::string json_string(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }
}  // namespace

Connection::Connection(Worker& worker, int index, std::optional<net::ip::address_v4> source)
    : w_(worker),
      index_(index),
      source_(source),
      frames_(kMaxMessage),
      rng_(worker.shared.opts.seed * 1000003u + static_cast<unsigned>(index)) {}

void Connection::retire_stream() {
  if (ws_) {
    beast::error_code ignored;
    ws_->next_layer().close(ignored);
    // Handlers of the old stream may still be queued: keep it alive.
    retired_.push_back(std::move(ws_));
  }
}

void Connection::start(std::optional<std::int64_t> since) {
  retire_stream();
  ++gen_;
  out_.clear();
  writing_ = false;
  pending_.clear();
  since_ = since;
  replay_ = false;
  state_ = State::connecting;
  started_us_ = now_us();
  ws_ = std::make_unique<Stream>(w_.ioc);
  rlen_ = 0;
  frames_.reset();
  auto& sock = ws_->next_layer();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (!ec && source_) sock.bind(tcp::endpoint(*source_, 0), ec);
  if (ec) {
    // Report asynchronously so the launcher's bookkeeping stays on one path.
    net::post(w_.ioc, [this, gen = gen_, ec] { on_connect(gen, ec); });
    return;
  }
  const auto& o = w_.shared.opts;
  sock.async_connect(tcp::endpoint(o.address, o.port), [this, gen = gen_](beast::error_code e) { on_connect(gen, e); });
}

void Connection::drop() {
  if (state_ == State::subscribed) w_.stats.subscribed.fetch_sub(1);
  retire_stream();
  ++gen_;
  state_ = State::closed;
}

void Connection::fail(std::string_view where, const beast::error_code& ec) {
  const bool was_connecting = state_ == State::connecting || state_ == State::subscribing;
  if (state_ == State::subscribed) w_.stats.subscribed.fetch_sub(1);
  state_ = was_connecting ? State::failed : State::closed;
  ++w_.stats.failure_reasons[std::string(where) + ": " + ec.message()];
  if (was_connecting)
    w_.stats.failed.fetch_add(1);
  else
    w_.stats.closed.fetch_add(1);
  retire_stream();
  ++gen_;
  if (was_connecting) w_.connect_finished();
}

void Connection::on_connect(unsigned gen, beast::error_code ec) {
  if (gen != gen_) return;
  if (ec) return fail("connect", ec);
  ws_->next_layer().set_option(tcp::no_delay(true), ec);  // best effort, as before
  // Handshake limit only; an idle subscriber must never be timed out by the client.
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(20);
  t.idle_timeout = websocket::stream_base::none();
  t.keep_alive_pings = false;
  ws_->set_option(t);
  ws_->read_message_max(kMaxMessage);  // not used for reads (see do_read), kept consistent
  ws_->auto_fragment(false);
  const auto& o = w_.shared.opts;
  ws_->async_handshake(o.address.to_string() + ":" + std::to_string(o.port), o.path,
                       [this, gen](beast::error_code e) { on_handshake(gen, e); });
}

void Connection::on_handshake(unsigned gen, beast::error_code ec) {
  if (gen != gen_) return;
  if (ec) return fail("handshake", ec);
  ws_->text(true);
  state_ = State::subscribing;
  if (since_) tracker_.resume(*since_);
  std::string req = R"({"type":"subscribe","id":1,"event":)" + json_string(w_.shared.opts.event);
  if (since_) req += ",\"since\":" + std::to_string(*since_);
  req += "}";
  resync_started_us_ = started_us_;
  send(std::move(req));
  do_read(gen);
}

// Reads the socket directly, not through Beast (see ws_frame.hpp for why). Beast's handshake
// leaves nothing buffered: the server sends nothing before our first request, which goes out
// only after the handshake completed.
void Connection::do_read(unsigned gen) {
  if (!rbuf_) {
    rbuf_ = std::make_unique<char[]>(kReadBuffer);
    rcap_ = kReadBuffer;
  }
  // consume() keeps room free: an incomplete tail is shorter than what rcap_ was sized for.
  ws_->next_layer().async_read_some(net::buffer(rbuf_.get() + rlen_, rcap_ - rlen_),
                                    [this, gen](beast::error_code ec, std::size_t n) { on_read(gen, ec, n); });
}

void Connection::on_read(unsigned gen, beast::error_code ec, std::size_t bytes) {
  if (gen != gen_) return;
  if (ec) return fail(state_ == State::subscribed ? "read" : "read before subscribed", ec);
  if (consume(gen, bytes)) do_read(gen);
}

bool Connection::consume(unsigned gen, std::size_t bytes) {
  // One clock read per read: every frame in it arrived at the same moment.
  const auto t = now_us();
  const bool measuring = w_.shared.measuring.load(std::memory_order_relaxed);
  rlen_ += bytes;
  const auto r = frames_.feed(std::string_view(rbuf_.get(), rlen_),
                              [&](const WsMessage& m) { return on_message(m, t, measuring) && gen == gen_; });
  if (gen != gen_) return false;  // failed or dropped while handling a message
  if (r.error != FrameError::none) {
    fail("read", frame_error_code(r.error));
    return false;
  }
  rlen_ -= r.consumed;
  if (rlen_ > 0 && r.consumed > 0) std::memmove(rbuf_.get(), rbuf_.get() + r.consumed, rlen_);
  // Room for the frame in progress (a snapshot can be megabytes); back to the normal size
  // once the big one is through, so idle clients do not keep it.
  const std::size_t want = std::max(kReadBuffer, r.need);
  if (want > rcap_ || (rcap_ > 4 * kReadBuffer && rlen_ <= kReadBuffer / 2 && r.need <= kReadBuffer)) {
    auto resized = std::make_unique<char[]>(want);
    if (rlen_ > 0) std::memcpy(resized.get(), rbuf_.get(), rlen_);
    rbuf_ = std::move(resized);
    rcap_ = want;
  }
  return true;
}

bool Connection::on_message(const WsMessage& m, std::int64_t t, bool measuring) {
  auto& st = w_.stats;
  switch (m.kind) {
    case WsMessage::Kind::text:
    case WsMessage::Kind::binary:
      ++st.frames;
      st.bytes += m.payload.size();
      if (measuring) ++st.frames_run;
      for_each_line(m.payload, [&](std::string_view line) { handle_line(line, t, measuring); });
      return true;
    case WsMessage::Kind::ping:
      // Beast answered pings itself when it did the reading; the server closes clients
      // that stay silent to its keep-alive pings.
      send(std::string(m.payload), true);
      return true;
    case WsMessage::Kind::pong:
      return true;
    case WsMessage::Kind::close:
      fail((state_ == State::subscribed ? std::string("read") : std::string("read before subscribed")) + " (close " +
               std::to_string(m.close_code) + " " + std::string(m.payload.substr(0, 80)) + ")",
           make_error_code(websocket::error::closed));
      return false;
  }
  return true;
}

void Connection::handle_line(std::string_view line, std::int64_t t, bool measuring) {
  auto& st = w_.stats;
  ++st.lines;
  bool hit = false;
  const auto s = w_.scan_cache.scan(line, &hit);
  st.scan_cache_hits += hit;
  if (!s) {
    ++st.bad_lines;
    st.problem("connection " + std::to_string(index_) + ": unparsable line: " + std::string(line.substr(0, 200)));
    return;
  }
  if (w_.shared.opts.check_json) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    bool same = j.is_object() && j.contains("type") && j["type"].is_string() && j["type"].get<std::string>() == s->type;
    if (same && j.contains("seq") && j["seq"].is_number_integer())
      same = s->seq && *s->seq == j["seq"].get<std::int64_t>();
    else if (same)
      same = !s->seq;
    if (!same) {
      ++st.scan_mismatches;
      st.problem("fast scan disagrees with full parse: " + std::string(line.substr(0, 200)));
    }
  }
  if (s->type == "change") {
    if (!s->seq) {
      ++st.bad_lines;
      st.problem("change without integer seq: " + std::string(line.substr(0, 200)));
      return;
    }
    ++st.changes;
    if (measuring) ++st.changes_run;
    tracker_.on_change(*s->seq);
    last_seq_.store(tracker_.last(), std::memory_order_relaxed);
    if (state_ == State::subscribed) w_.record_change(*s->seq, t);
  } else if (s->type == "snapshot") {
    ++st.snapshots;
    if (!s->seq) {
      ++st.bad_lines;
      st.problem("snapshot without seq");
      return;
    }
    tracker_.reset(*s->seq);
    last_seq_.store(tracker_.last(), std::memory_order_relaxed);
  } else if (s->type == "ack") {
    handle_ack(*s, t);
  } else if (s->type == "error") {
    handle_error(*s, t);
  } else {
    ++st.unknown_types;
    st.problem("unknown message type: " + std::string(line.substr(0, 200)));
  }
}

void Connection::handle_ack(const ScannedLine& s, std::int64_t t) {
  auto& st = w_.stats;
  const auto id = int_of(s.id);
  if (!id || !s.seq) {
    ++st.unexpected_acks;
    st.problem("ack without integer id/seq on connection " + std::to_string(index_));
    return;
  }
  if (*id == kSubscribeId && state_ == State::subscribing) {
    tracker_.on_subscribe_ack(*s.seq);
    last_seq_.store(tracker_.last(), std::memory_order_relaxed);
    replay_ = s.mode == "replay";
    if (replay_)
      ++st.replay_acks;
    else
      ++st.snapshot_acks;
    if (since_ && !replay_ && s.mode != "snapshot") st.problem("subscribe ack without mode");
    state_ = State::subscribed;
    subscribed_us_ = t;
    st.subscribe_latency_us.record(t - started_us_);
    st.subscribed.fetch_add(1);
    if (since_) st.resubscribed.fetch_add(1);
    w_.connect_finished();
    return;
  }
  const auto it = pending_.find(*id);
  if (it == pending_.end()) {
    ++st.unexpected_acks;
    st.problem("ack for unknown id " + std::string(s.id) + " on connection " + std::to_string(index_));
    return;
  }
  const Pending p = it->second;
  pending_.erase(it);
  st.answered.fetch_add(1, std::memory_order_relaxed);
  st.acked.fetch_add(1, std::memory_order_relaxed);
  const bool timed = *id >= 10;
  w_.record_ack(*s.seq, p.sent_us, t, timed);
  if (*id == kJoinId) {
    std::string req = R"({"type":"propose_topic","id":3,"title":)" +
                      json_string(w_.shared.opts.name_prefix + " topic " + std::to_string(index_)) + "}";
    send_request(kSetupProposeId, Kind::propose, std::move(req));
    return;
  }
  if (*id == kSetupProposeId) {
    if (s.topic_id)
      setup_topic_ = *s.topic_id;
    else
      st.problem("propose_topic ack without topic_id");
    st.setup_done.fetch_add(1, std::memory_order_release);
    return;
  }
  if (w_.closed_loop() && w_.shared.sending.load(std::memory_order_relaxed)) send_change(0);
}

void Connection::handle_error(const ScannedLine& s, std::int64_t) {
  auto& st = w_.stats;
  ++st.error_codes[std::string(s.code.empty() ? "?" : s.code)];
  st.errors.fetch_add(1, std::memory_order_relaxed);
  const auto id = int_of(s.id);
  if (!id) return;
  const auto it = pending_.find(*id);
  if (it == pending_.end()) return;
  const Kind kind = it->second.kind;
  pending_.erase(it);
  st.answered.fetch_add(1, std::memory_order_relaxed);
  // Keep the toggle consistent with what the server holds.
  if (kind == Kind::vote) voted_topic_ = 0;
  if (*id == kJoinId || *id == kSetupProposeId) {
    st.problem("setup request " + std::to_string(*id) + " failed: " + std::string(s.code));
    st.setup_done.fetch_add(1, std::memory_order_release);
    return;
  }
  if (w_.closed_loop() && w_.shared.sending.load(std::memory_order_relaxed)) send_change(0);
}

void Connection::begin_setup() {
  if (state_ != State::subscribed) {
    w_.stats.setup_done.fetch_add(1, std::memory_order_release);
    return;
  }
  std::string req = R"({"type":"join","id":2,"event":)" + json_string(w_.shared.opts.event) + R"(,"name":)" +
                    json_string(w_.shared.opts.name_prefix + "-" + std::to_string(index_)) + "}";
  send_request(kJoinId, Kind::join, std::move(req));
}

void Connection::send_change(std::int64_t scheduled_us) {
  if (state_ != State::subscribed) return;
  const auto& pool = w_.shared.topic_pool;
  const auto id = next_id_++;
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  if (voted_topic_ != 0) {
    const auto topic = voted_topic_;
    voted_topic_ = 0;
    send_request(id, Kind::unvote,
                 R"({"type":"unvote","id":)" + std::to_string(id) + R"(,"topic_id":)" + std::to_string(topic) + "}");
  } else if (pool.empty() || coin(rng_) < w_.shared.opts.propose_share) {
    send_request(id, Kind::propose,
                 R"({"type":"propose_topic","id":)" + std::to_string(id) + R"(,"title":)" +
                     json_string(w_.shared.opts.name_prefix + " " + std::to_string(index_) + "." +
                                 std::to_string(++proposals_)) +
                     "}");
  } else {
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
    voted_topic_ = pool[pick(rng_)];
    send_request(
        id, Kind::vote,
        R"({"type":"vote","id":)" + std::to_string(id) + R"(,"topic_id":)" + std::to_string(voted_topic_) + "}");
  }
  const auto t = pending_[id].sent_us;
  if (scheduled_us > 0) w_.stats.send_lag_us.record(t - scheduled_us);
}

void Connection::send_request(std::int64_t id, Kind kind, std::string text) {
  pending_[id] = Pending{now_us(), kind};
  w_.stats.sent.fetch_add(1, std::memory_order_relaxed);
  send(std::move(text));
}

void Connection::send(std::string text, bool pong) {
  out_.push_back(Outgoing{std::move(text), pong});
  if (!writing_) do_write(gen_);
}

void Connection::do_write(unsigned gen) {
  writing_ = true;
  auto done = [this, gen](beast::error_code ec, std::size_t = 0) {
    if (gen != gen_) return;
    if (ec) return fail("write", ec);
    out_.pop_front();
    writing_ = false;
    if (!out_.empty()) do_write(gen);
  };
  if (out_.front().pong) {
    ws_->async_pong(websocket::ping_data(out_.front().text.data(), out_.front().text.size()), std::move(done));
    return;
  }
  ws_->async_write(net::buffer(out_.front().text), std::move(done));
}

}  // namespace loadgen
