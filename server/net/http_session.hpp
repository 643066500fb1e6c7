// One HTTP connection: serves the JSON read API and the web client's files, and hands
// WebSocket upgrades on /ws to a WebsocketSession.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "net/server_context.hpp"

namespace boardwalk::net {

namespace beast = boost::beast;
namespace http = beast::http;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, ServerContext& context);
  void run();

 private:
  using Response = http::response<http::string_body>;

  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle(const http::request<http::string_body>& req);
  void send(Response res);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  Response json_response(http::status status, std::string body) const;
  void serve_file(const http::request<http::string_body>& req);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ServerContext& context_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // kept alive during async_write
  unsigned version_ = 11;
  bool keep_alive_ = true;
};

}  // namespace boardwalk::net
