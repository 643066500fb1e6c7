#include "storm_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "json_scan.hpp"

namespace boardwalk::tools {
namespace {

namespace beast = boost::beast;
namespace asio = boost::asio;

std::string clip(std::string_view text) {
  return text.size() > 200 ? std::string(text.substr(0, 200)) + "..." : std::string(text);
}

}  // namespace

StormClient::StormClient(asio::io_context& ioc, std::string slug, SeenTexts& seen, const std::atomic<bool>& restarting)
    : ioc_(ioc), slug_(std::move(slug)), seen_(seen), restarting_(restarting), timer_(ioc) {
  jitter_ ^= reinterpret_cast<std::uintptr_t>(this);  // each client its own retry rhythm
}

void StormClient::reconnect(unsigned short port, std::chrono::milliseconds delay, bool fresh,
                            StormClock::time_point deadline) {
  idle_ = false;  // from now until the new attempt has finished one way or the other
  asio::post(ioc_, [self = shared_from_this(), plan = Plan{port, fresh, deadline}, delay] {
    self->shutting_ = false;
    if (!self->busy_) return self->start(plan, delay);
    // Still connected (or retrying): close that first; settle() then starts this one.
    self->pending_ = std::make_unique<Plan>(plan);
    self->pending_delay_ = delay;
    self->drop_connection();
  });
}

void StormClient::shut() {
  asio::post(ioc_, [self = shared_from_this()] {
    self->shutting_ = true;
    self->pending_.reset();
    self->drop_connection();
  });
}

void StormClient::drop_connection() {
  timer_.cancel();
  if (ws_) {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
}

void StormClient::start(Plan plan, std::chrono::milliseconds delay) {
  busy_ = true;
  idle_ = false;
  plan_ = plan;
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->settle();  // cancelled: shut down, or replaced by a newer plan
    self->attempt_start_ = StormClock::now();
    self->connect();
  });
}

void StormClient::connect() {
  if (shutting_ || pending_) return settle();
  ws_ = std::make_unique<Ws>(ioc_);
  auto& tcp = beast::get_lowest_layer(*ws_);
  tcp.expires_after(std::chrono::seconds(10));
  tcp.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), plan_.port),
                    [self = shared_from_this()](beast::error_code ec) {
                      if (ec) return self->retry("connect: " + ec.message());
                      self->ws_->async_handshake("127.0.0.1:" + std::to_string(self->plan_.port), "/ws",
                                                 [self](beast::error_code hec) {
                                                   if (hec) return self->retry("handshake: " + hec.message());
                                                   beast::get_lowest_layer(*self->ws_).expires_never();
                                                   self->subscribe();
                                                 });
                    });
}

void StormClient::retry(const std::string& why) {
  if (ws_) {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
  // While the server is being restarted on purpose a failure is expected; the tool asks again.
  if (restarting_ || shutting_ || pending_) return settle();
  if (StormClock::now() >= plan_.deadline) {
    error("no connection by the deadline; last failure: " + why);
    return settle();
  }
  ++record_.connect_retries;
  // 50-250 ms, spread so that refused clients do not come back in lockstep.
  jitter_ = jitter_ * 6364136223846793005ULL + 1442695040888963407ULL;
  timer_.expires_after(std::chrono::milliseconds(50 + static_cast<int>((jitter_ >> 33) % 200)));
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->settle();
    self->connect();
  });
}

void StormClient::subscribe() {
  subscribe_id_ = std::to_string(next_id_++);
  nlohmann::json message = {{"type", "subscribe"}, {"id", std::stoll(subscribe_id_)}, {"event", slug_}};
  // A screen that was following resumes from its last seq; a freshly loaded page has none.
  if (!plan_.fresh && record_.tracker.started()) message["since"] = record_.tracker.last();
  subscribe_text_ = message.dump();
  ws_->text(true);
  ws_->async_write(asio::buffer(subscribe_text_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->retry("subscribe: " + ec.message());
    self->read();
  });
}

void StormClient::read() {
  ws_->async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->on_closed(ec);
    const auto data = self->buffer_.cdata();
    loadgen::for_each_line(std::string_view(static_cast<const char*>(data.data()), data.size()),
                           [&](std::string_view line) { self->handle_line(line); });
    self->buffer_.consume(self->buffer_.size());
    self->read();
  });
}

void StormClient::on_closed(beast::error_code ec) {
  live_ = false;
  if (!restarting_ && !shutting_ && !pending_) {
    // Closed while the server was meant to be up (e.g. "too slow": 1008): a real screen
    // resubscribes by seq; so does this one, and the report counts it.
    ++record_.unexpected_closes;
    const auto& reason = ws_->reason();
    record_.last_close = ec.message() + (reason.code != 0 ? " (" + std::to_string(reason.code) + " " +
                                                                std::string(reason.reason.c_str()) + ")"
                                                          : std::string());
    pending_ = std::make_unique<Plan>(Plan{plan_.port, false, StormClock::now() + std::chrono::seconds(30)});
    pending_delay_ = std::chrono::milliseconds(200);
  }
  buffer_.clear();
  settle();
}

void StormClient::settle() {
  busy_ = false;
  live_ = false;
  if (pending_) {
    const Plan next = *pending_;
    pending_.reset();
    return start(next, pending_delay_);
  }
  idle_ = true;
}

void StormClient::handle_line(std::string_view line) {
  const auto s = loadgen::scan_line(line);
  if (!s) return error("unreadable line: " + clip(line));
  auto& tracker = record_.tracker;
  if (s->type == "change" || s->type == "snapshot") {
    if (!s->seq) return error("no seq: " + clip(line));
    if (s->type == "change") {
      tracker.on_change(*s->seq);  // gaps and repeats are counted by the tracker
      compare(seen_.changes, *s->seq, line);
    } else {
      // A snapshot older than a change already seen would mean the server lost changes.
      if (tracker.started() && *s->seq < tracker.last()) {
        error("snapshot at seq " + std::to_string(*s->seq) + " after change " + std::to_string(tracker.last()));
      }
      tracker.reset(*s->seq);
      compare(seen_.snapshots, *s->seq, line);
    }
    last_seq_ = tracker.last();
  } else if (s->type == "ack") {
    if (s->id != subscribe_id_ || !s->seq) return error("unexpected ack: " + clip(line));
    tracker.on_subscribe_ack(*s->seq);
    if (s->mode == "replay") {
      ++replay_acks_;
    } else if (s->mode == "snapshot") {
      ++snapshot_acks_;
    } else {
      error("subscribe ack without a known mode: " + clip(line));
    }
    last_seq_ = tracker.last();
    const auto now = StormClock::now();
    last_resync_us_ = std::chrono::duration_cast<std::chrono::microseconds>(now - attempt_start_).count();
    last_ack_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    live_ = true;
    ++acks_;
  } else if (s->type == "error") {
    error("error answer: " + clip(line));
  }
}

void StormClient::compare(std::unordered_map<std::int64_t, std::string>& seen, std::int64_t seq,
                          std::string_view line) {
  const auto [it, first] = seen.try_emplace(seq, line);
  if (!first && it->second != line) note_mismatch(seq, "change");
}

void StormClient::compare(std::map<std::int64_t, std::string>& seen, std::int64_t seq, std::string_view line) {
  const auto [it, first] = seen.try_emplace(seq, line);
  if (!first && it->second != line) note_mismatch(seq, "snapshot");
}

void StormClient::note_mismatch(std::int64_t seq, const char* what) {
  ++record_.mismatches;
  if (record_.first_mismatch.empty()) {
    record_.first_mismatch = std::string(what) + " " + std::to_string(seq) + " differs from another client's";
  }
}

void StormClient::error(std::string what) {
  if (record_.errors.size() < 5) record_.errors.push_back(std::move(what));
}

}  // namespace boardwalk::tools
