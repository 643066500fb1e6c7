// One WebSocket client connection: connect, subscribe, read and verify the change stream,
// and (for senders) join and send changes. Runs entirely on its worker's io_context.
#pragma once

#include "seq_tracker.hpp"
#include "ws_frame.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loadgen {

class Worker;
struct ScannedLine;

class Connection {
 public:
  enum class State { idle, connecting, subscribing, subscribed, closed, failed };
  enum class Kind : std::uint8_t { join, propose, vote, unvote };

  Connection(Worker& worker, int index, std::optional<boost::asio::ip::address_v4> source);

  // Opens a new connection and subscribes (with `since` for a resync).
  void start(std::optional<std::int64_t> since);
  // Drops the connection abruptly (TCP close, no WebSocket close), as flaky Wi-Fi would.
  void drop();
  // Sender setup: join, then propose one topic for the shared pool.
  void begin_setup();
  // Sends one change chosen from the mix (vote/unvote toggle or propose). `scheduled` is the
  // time it should have gone out (for lag), 0 when closed-loop.
  void send_change(std::int64_t scheduled_us);

  State state() const { return state_; }
  int index() const { return index_; }
  const SeqTracker& tracker() const { return tracker_; }
  std::int64_t last_seq() const { return last_seq_.load(std::memory_order_relaxed); }
  std::int64_t setup_topic() const { return setup_topic_; }
  std::int64_t resync_started_us() const { return resync_started_us_; }
  std::int64_t subscribed_us() const { return subscribed_us_; }
  bool subscribed_by_replay() const { return replay_; }
  std::size_t in_flight() const { return pending_.size(); }

 private:
  using Stream = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;
  struct Pending {
    std::int64_t sent_us;
    Kind kind;
  };

  void on_connect(unsigned gen, boost::system::error_code ec);
  void on_handshake(unsigned gen, boost::system::error_code ec);
  void do_read(unsigned gen);
  void on_read(unsigned gen, boost::system::error_code ec, std::size_t bytes);
  // Decodes what a read appended to the buffer; false when the connection failed meanwhile.
  bool consume(unsigned gen, std::size_t bytes);
  // One complete WebSocket message or control frame; false when the connection failed.
  bool on_message(const WsMessage& m, std::int64_t t, bool measuring);
  void handle_line(std::string_view line, std::int64_t t, bool measuring);
  void handle_ack(const ScannedLine& s, std::int64_t t);
  void handle_error(const ScannedLine& s, std::int64_t t);
  void send_request(std::int64_t id, Kind kind, std::string text);
  void send(std::string text, bool pong = false);
  void do_write(unsigned gen);
  void fail(std::string_view where, const boost::system::error_code& ec);
  void retire_stream();

  Worker& w_;
  int index_;
  std::optional<boost::asio::ip::address_v4> source_;
  struct Outgoing {
    std::string text;
    bool pong;  // answer to a server ping (payload in text), not a text message
  };

  std::unique_ptr<Stream> ws_;
  std::vector<std::unique_ptr<Stream>> retired_;
  unsigned gen_ = 0;
  State state_ = State::idle;
  std::deque<Outgoing> out_;
  bool writing_ = false;

  // Receive buffer: the socket is read straight into it, complete frames are decoded in
  // place, an incomplete tail is moved to the front. Grown for a frame that does not fit (a
  // snapshot), shrunk back afterwards. Closing the socket cancels a pending read before it
  // writes here, so one buffer serves every stream of this connection.
  std::unique_ptr<char[]> rbuf_;
  std::size_t rcap_ = 0;
  std::size_t rlen_ = 0;
  FrameReader frames_;

  SeqTracker tracker_;
  std::atomic<std::int64_t> last_seq_{0};
  std::optional<std::int64_t> since_;
  bool replay_ = false;
  std::int64_t started_us_ = 0;
  std::int64_t resync_started_us_ = 0;
  std::int64_t subscribed_us_ = 0;

  // Sender state.
  std::int64_t next_id_ = 10;
  std::unordered_map<std::int64_t, Pending> pending_;
  std::int64_t setup_topic_ = 0;
  std::int64_t voted_topic_ = 0;  // 0: none; at most one live vote, so any vote cap >= 1 holds
  std::uint64_t proposals_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace loadgen
