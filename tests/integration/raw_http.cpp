#include "raw_http.hpp"

#include <sys/socket.h>
#include <sys/time.h>

namespace boardwalk::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

namespace {

// Blocking reads and writes give up after 5 s instead of hanging the test.
void set_blocking_timeouts(asio::ip::tcp::socket& socket) {
  timeval tv{};
  tv.tv_sec = 5;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

RawConnection::RawConnection(unsigned short port) : stream_(ioc_) {
  stream_.expires_after(std::chrono::seconds(10));
  stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream_.expires_never();
  set_blocking_timeouts(stream_.socket());
}

void RawConnection::write(const std::string& bytes) { asio::write(stream_, asio::buffer(bytes)); }

std::string RawConnection::read_all(std::chrono::milliseconds quiet) {
  std::string got(static_cast<const char*>(buffer_.cdata().data()), buffer_.size());
  buffer_.consume(buffer_.size());
  char chunk[4096];
  for (;;) {
    beast::error_code ec;
    // tcp_stream's timeout is for async operations: read asynchronously with a deadline.
    std::size_t n = 0;
    stream_.expires_after(quiet);
    stream_.async_read_some(asio::buffer(chunk), [&](beast::error_code e, std::size_t bytes) {
      ec = e;
      n = bytes;
    });
    ioc_.restart();
    ioc_.run();
    got.append(chunk, n);
    if (ec == beast::error::timeout) break;
    if (ec) {
      closed_by_server_ = ec == asio::error::eof || ec == asio::error::connection_reset;
      break;
    }
  }
  stream_.expires_never();
  return got;
}

http::response<http::string_body> RawConnection::read_response(bool head) {
  http::response_parser<http::string_body> parser;
  parser.skip(head);
  http::read(stream_, buffer_, parser);
  return parser.release();
}

int count_responses(const std::string& text) {
  int n = 0;
  for (std::size_t at = 0; (at = text.find("HTTP/1.", at)) != std::string::npos; at += 7) {
    if (at == 0 || (at >= 2 && text.compare(at - 2, 2, "\r\n") == 0)) ++n;
  }
  return n;
}

int websocket_upgrade_status(unsigned short port, const std::string& host, const std::string& origin,
                             const std::string& forwarded_for) {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  beast::get_lowest_layer(ws).expires_never();
  set_blocking_timeouts(beast::get_lowest_layer(ws).socket());
  ws.set_option(websocket::stream_base::decorator([origin, forwarded_for](websocket::request_type& req) {
    if (!origin.empty()) req.set(http::field::origin, origin);
    if (!forwarded_for.empty()) req.set("X-Forwarded-For", forwarded_for);
  }));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, host, "/ws", ec);
  const int status = static_cast<int>(res.result_int());
  if (!ec) ws.close(websocket::close_code::normal, ec);
  return status;
}

}  // namespace boardwalk::testing
