// A blocking Beast WebSocket client for tests: sends JSON requests and reads the server's
// JSON Lines frames one message at a time, with timeouts so a test fails instead of hanging.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace boardwalk::testing {

using nlohmann::json;

class WsClient {
 public:
  // receive_buffer > 0 sets the socket's receive buffer (SO_RCVBUF) before connecting, for a
  // client that stops reading and should fill up soon.
  explicit WsClient(unsigned short port, const std::string& target = "/ws", const std::string& origin = "",
                    int receive_buffer = 0);
  ~WsClient();

  void send(const json& message);
  void send_text(const std::string& text);
  void send_binary(const std::string& data);
  // Sends one text message as several WebSocket frames of at most `piece` bytes.
  void send_fragmented(const std::string& text, std::size_t piece);
  void ping();
  // Next message, or nullopt after `timeout` with nothing (or if the connection closed).
  std::optional<json> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Sends `message` with a fresh id and returns the ack or error answering it; every other
  // message read meanwhile is kept in `others` (in arrival order).
  json request(json message, std::vector<json>* others = nullptr);
  // Reads until a change with seq `seq` arrived; returns every change read on the way.
  std::vector<json> changes_until(long long seq);
  // True if nothing arrives within `quiet`.
  bool silent_for(std::chrono::milliseconds quiet);
  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] const std::string& close_reason() const { return close_reason_; }
  // Messages that arrived but were not consumed yet.
  std::deque<json>& backlog() { return backlog_; }
  // WebSocket messages (frames of JSON Lines) read so far; a frame is read only when every
  // message before it was consumed.
  [[nodiscard]] std::size_t frames_read() const { return frames_read_; }

 private:
  bool read_frame(std::chrono::milliseconds timeout);

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::deque<json> backlog_;
  long long next_id_ = 1;
  std::size_t frames_read_ = 0;
  bool closed_ = false;
  std::string close_reason_;
};

}  // namespace boardwalk::testing
