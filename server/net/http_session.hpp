// One HTTP connection: serves the JSON read API and the web client's files, and hands
// WebSocket upgrades on /ws to a WebsocketSession. Over plain TCP or, with --tls-cert, TLS
// (the TLS handshake comes first, with its own timeout).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>
#include <type_traits>

#include "net/server_context.hpp"

namespace boardwalk::net {

namespace beast = boost::beast;
namespace http = beast::http;

// Stream is beast::tcp_stream or beast::ssl_stream<beast::tcp_stream>; both are instantiated
// in http_session.cpp.
template <class Stream>
class BasicHttpSession : public std::enable_shared_from_this<BasicHttpSession<Stream>> {
 public:
  BasicHttpSession(Stream&& stream, ServerContext& context);
  void run();

 private:
  using Response = http::response<http::string_body>;
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  // Answers a request that could not be read (malformed, too big) and closes.
  void refuse_unreadable(beast::error_code ec);
  // Counts this connection against `client_` (it moves when a trusted proxy's connection
  // carries another client's request); false when that address is over its bound.
  bool count_connection();
  void warn_refused(const std::string& address);
  void handle(const http::request<http::string_body>& req);
  // Sends `res`; to a HEAD request without its body, keeping the Content-Length a GET gets.
  void send(Response res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  Response json_response(http::status status, std::string body) const;
  void serve_file(const http::request<http::string_body>& req);
  void do_close();

  Stream stream_;
  beast::flat_buffer buffer_;
  ServerContext& context_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // kept alive during async_write
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;  // the request being answered is a HEAD
  boost::asio::ip::address peer_;
  bool peer_is_proxy_ = false;
  std::string client_;  // the address per-address limits use (see TrustedProxies)
  std::optional<AddressSlots::Slot> slot_;
};

using HttpSession = BasicHttpSession<beast::tcp_stream>;
using HttpsSession = BasicHttpSession<beast::ssl_stream<beast::tcp_stream>>;
extern template class BasicHttpSession<beast::tcp_stream>;
extern template class BasicHttpSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace boardwalk::net
