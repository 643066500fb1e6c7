// Raw sockets for HTTP tests that a well-behaved client library would not let us write:
// smuggling attempts, odd headers, pipelined requests, connections that stay idle.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <map>
#include <string>

namespace boardwalk::testing {

// One TCP connection to 127.0.0.1:port whose reads give up after 5 s instead of hanging.
class RawConnection {
 public:
  explicit RawConnection(unsigned short port);
  void write(const std::string& bytes);
  // Everything the server sends until it closes the connection, or until nothing more came
  // for `quiet` (then `closed_by_server()` is false).
  std::string read_all(std::chrono::milliseconds quiet = std::chrono::milliseconds(5000));
  // Reads one response; `head` = it answers a HEAD request (no body follows).
  boost::beast::http::response<boost::beast::http::string_body> read_response(bool head = false);
  [[nodiscard]] bool closed_by_server() const { return closed_by_server_; }
  boost::beast::tcp_stream& stream() { return stream_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool closed_by_server_ = false;
};

// How many HTTP responses `text` holds (status lines at the start or after a CRLF).
int count_responses(const std::string& text);

// Tries a WebSocket upgrade on /ws with these headers (an empty value leaves the header out)
// and returns the HTTP status of the answer: 101 when the WebSocket was opened.
int websocket_upgrade_status(unsigned short port, const std::string& host, const std::string& origin,
                             const std::string& forwarded_for = "");

}  // namespace boardwalk::testing
