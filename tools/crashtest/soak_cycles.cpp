#include "soak_cycles.hpp"

#include <netinet/in.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "json_scan.hpp"

namespace boardwalk::tools {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Ws = websocket::stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;

// Lets the kernel pick the source port at connect time (per destination), not at bind time:
// hundreds of thousands of connections from a few source addresses would run out otherwise.
using BindAddressNoPort = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

// A client that stopped answering: its socket stays open, what arrives is read and dropped
// (no pong), until the server closes it or the reap deadline passes.
struct VanishedClient {
  std::unique_ptr<Ws> ws;
  Clock::time_point since;
  std::array<char, 4096> scratch{};
};

}  // namespace

class CycleRunner::Lane : public std::enable_shared_from_this<Lane> {
 public:
  explicit Lane(CycleRunner& runner) : r_(runner) {}

  // Starts the next cycle if this lane is free and the budget allows one.
  void wake() {
    if (busy_ || r_.counters_.started >= r_.budget_) return;
    busy_ = true;
    ++r_.counters_.busy_lanes;
    ++r_.counters_.started;
    start();
  }

 private:
  enum class Ending { close, drop, abort, vanish };
  using AckHandler = std::function<void(std::string_view line, const loadgen::ScannedLine& ack)>;

  void start() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto& mix = r_.settings_.mix;
    fresh_ = r_.board_seq_ < 0 || unit(r_.rng_) < mix.snapshot_share;
    identity_ = r_.identity_;
    const double e = unit(r_.rng_);
    ending_ = e < mix.drop_share                                        ? Ending::drop
              : e < mix.drop_share + mix.abort_share                    ? Ending::abort
              : e < mix.drop_share + mix.abort_share + mix.vanish_share ? Ending::vanish
                                                                        : Ending::close;
    if (identity_ == Identity::auth) {
      std::lock_guard lock(r_.pool_mutex_);
      if (r_.pool_.empty()) return fail("auth cycle without an identity pool");
      secret_ = r_.pool_[std::uniform_int_distribution<std::size_t>(0, r_.pool_.size() - 1)(r_.rng_)];
    }

    ws_ = std::make_unique<Ws>(r_.ioc_);
    auto& tcp = beast::get_lowest_layer(*ws_);
    tcp.expires_after(r_.settings_.cycle_timeout);  // one deadline for the whole cycle
    if (!r_.settings_.sources.empty()) {
      beast::error_code ec;
      auto& socket = tcp.socket();
      socket.open(asio::ip::tcp::v4(), ec);
      if (!ec) socket.set_option(BindAddressNoPort(true), ec);
      const auto source = r_.settings_.sources[r_.next_source_++ % r_.settings_.sources.size()];
      if (!ec) socket.bind(asio::ip::tcp::endpoint(source, 0), ec);
      if (ec) return fail("bind: " + ec.message());
    }
    tcp.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), r_.settings_.port),
                      [self = shared_from_this()](beast::error_code ec) {
                        if (ec) return self->fail("connect: " + ec.message());
                        self->ws_->async_handshake("127.0.0.1:" + std::to_string(self->r_.settings_.port), "/ws",
                                                   [self](beast::error_code hec) {
                                                     if (hec) return self->fail("handshake: " + hec.message());
                                                     self->subscribe();
                                                   });
                      });
  }

  void subscribe() {
    nlohmann::json m = {{"type", "subscribe"}, {"id", 1}, {"event", r_.settings_.event}};
    if (!fresh_) m["since"] = r_.board_seq_.load();
    send(m.dump(), [self = shared_from_this()] {
      self->read_until("1", [self](std::string_view, const loadgen::ScannedLine& ack) {
        if (ack.mode == "snapshot") {
          ++self->r_.counters_.snapshots;
        } else {
          ++self->r_.counters_.replays;
        }
        if (ack.seq) {
          auto seen = self->r_.board_seq_.load();
          while (seen < *ack.seq && !self->r_.board_seq_.compare_exchange_weak(seen, *ack.seq)) {
          }
        }
        self->identify();
      });
    });
  }

  void identify() {
    nlohmann::json m = {{"id", 2}, {"event", r_.settings_.event}};
    if (identity_ == Identity::join) {
      m["type"] = "join";
      m["name"] = "soak " + std::to_string(r_.counters_.started.load());
    } else {
      m["type"] = "auth";
      m["secret"] = secret_;
    }
    send(m.dump(), [self = shared_from_this()] {
      if (self->ending_ == Ending::abort && self->identity_ == Identity::auth) {
        ++self->r_.counters_.aborts;  // the auth is still on its way: the server answers a closed socket
        return self->end_tcp(true);
      }
      self->read_until("2", [self](std::string_view line, const loadgen::ScannedLine&) {
        if (self->identity_ == Identity::join) {
          const auto ack = nlohmann::json::parse(line, nullptr, false);
          if (!ack.is_object() || !ack.contains("secret") || !ack["secret"].is_string()) {
            return self->fail("join ack without a secret");
          }
          std::lock_guard lock(self->r_.pool_mutex_);
          self->r_.pool_.push_back(ack["secret"].get<std::string>());
          ++self->r_.counters_.joins;
        } else {
          ++self->r_.counters_.auths;
        }
        self->finish();
      });
    });
  }

  void finish() {
    switch (ending_) {
      case Ending::close:
        ws_->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code ec) {
          if (ec) return self->fail("close: " + ec.message());
          ++self->r_.counters_.closes;
          self->done(true);
        });
        return;
      case Ending::drop:
      case Ending::abort:  // a join cycle (pool) always waits for its secret
        ++r_.counters_.drops;
        return end_tcp(true);
      case Ending::vanish:
        return vanish();
    }
  }

  void vanish() {
    ++r_.counters_.vanished;
    ++r_.counters_.vanish_pending;
    auto client = std::make_shared<VanishedClient>();
    client->ws = std::move(ws_);
    client->since = Clock::now();
    beast::get_lowest_layer(*client->ws).expires_after(r_.settings_.reap_deadline);
    drain(client, r_);
    done(true);  // the lane goes on; the vanished socket settles on its own
  }

  static void drain(const std::shared_ptr<VanishedClient>& client, CycleRunner& r) {
    beast::get_lowest_layer(*client->ws)
        .async_read_some(asio::buffer(client->scratch), [client, &r](beast::error_code ec, std::size_t) {
          if (!ec) return drain(client, r);
          beast::error_code ignored;
          beast::get_lowest_layer(*client->ws).socket().close(ignored);
          // End of stream or a reset: the server closed it. A timeout: it never did.
          r.vanish_settled(ec != beast::error::timeout, Clock::now() - client->since);
        });
  }

  void send(std::string text, std::function<void()> then) {
    out_ = std::move(text);
    ws_->text(true);
    ws_->async_write(asio::buffer(out_),
                     [self = shared_from_this(), then = std::move(then)](beast::error_code ec, std::size_t) {
                       if (ec) return self->fail("write: " + ec.message());
                       then();
                     });
  }

  // Reads messages until the ack with `id`; a snapshot or replayed change before it is read
  // and passed over, an error answer fails the cycle.
  void read_until(std::string id, AckHandler on_ack) {
    ws_->async_read(buf_, [self = shared_from_this(), id = std::move(id), on_ack = std::move(on_ack)](
                              beast::error_code ec, std::size_t) mutable {
      if (ec) return self->fail("read: " + ec.message());
      const auto data = self->buf_.cdata();
      const std::string frame(static_cast<const char*>(data.data()), data.size());
      self->buf_.consume(self->buf_.size());
      std::string problem;
      std::string ack_line;
      std::optional<loadgen::ScannedLine> ack;
      loadgen::for_each_line(frame, [&](std::string_view line) {
        if (ack || !problem.empty()) return;
        const auto s = loadgen::scan_line(line);
        if (!s) {
          problem = "unreadable line";
        } else if (s->type == "error") {
          problem = "error answer: " + std::string(s->code);
        } else if (s->type == "ack") {
          if (s->id != id) {
            problem = "ack for id " + std::string(s->id) + " while waiting for " + id;
          } else {
            ack = s;
            ack_line = std::string(line);
          }
        }
      });
      if (!problem.empty()) return self->fail(problem);
      if (!ack) return self->read_until(std::move(id), std::move(on_ack));
      on_ack(ack_line, *loadgen::scan_line(ack_line));
    });
  }

  // Closes the TCP socket without a WebSocket close.
  void end_tcp(bool ok) {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
    done(ok);
  }

  void fail(const std::string& reason) {
    r_.fail(reason);
    if (ws_) {
      beast::error_code ignored;
      beast::get_lowest_layer(*ws_).socket().close(ignored);
    }
    done(false);
  }

  void done(bool ok) {
    ++r_.counters_.completed;
    if (!ok) ++r_.counters_.failed;
    // The stream may still be inside the handler that called us: free it on the next turn.
    asio::post(r_.ioc_, [self = shared_from_this(), old = std::shared_ptr<Ws>(std::move(ws_))] {
      self->buf_.clear();
      self->busy_ = false;
      --self->r_.counters_.busy_lanes;
      self->wake();
    });
  }

  CycleRunner& r_;
  bool busy_ = false;
  bool fresh_ = false;
  Identity identity_ = Identity::auth;
  Ending ending_ = Ending::close;
  std::string secret_;
  std::unique_ptr<Ws> ws_;
  beast::flat_buffer buf_;
  std::string out_;  // kept alive for the async write
};

CycleRunner::CycleRunner(asio::io_context& ioc, CycleSettings settings, int lanes)
    : ioc_(ioc), settings_(std::move(settings)), rng_(settings_.seed) {
  for (int i = 0; i < lanes; ++i) lanes_.push_back(std::make_shared<Lane>(*this));
}

CycleRunner::~CycleRunner() = default;

void CycleRunner::run_until(std::uint64_t total, Identity identity) {
  asio::post(ioc_, [this, total, identity] {
    budget_ = total;
    identity_ = identity;
    for (auto& lane : lanes_) lane->wake();
  });
}

bool CycleRunner::quiet() const { return counters_.busy_lanes == 0 && counters_.vanish_pending == 0; }

std::map<std::string, std::uint64_t> CycleRunner::failures() const {
  std::lock_guard lock(failures_mutex_);
  return failures_;
}

std::size_t CycleRunner::pool_size() const {
  std::lock_guard lock(pool_mutex_);
  return pool_.size();
}

void CycleRunner::fail(const std::string& reason) {
  std::lock_guard lock(failures_mutex_);
  ++failures_[reason];
}

void CycleRunner::vanish_settled(bool reaped, Clock::duration took) {
  const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
  if (reaped) {
    ++counters_.reaped;
    if (ms > counters_.max_reap_ms) counters_.max_reap_ms = ms;
  } else {
    fail("vanished client not closed by the server within " + std::to_string(settings_.reap_deadline.count()) + " s");
    ++counters_.failed;
  }
  --counters_.vanish_pending;
}

}  // namespace boardwalk::tools
