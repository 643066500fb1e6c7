// One blocking HTTP GET against the server under test on 127.0.0.1, for the reliability tools
// (the served snapshot, /healthz). Bounded by a timeout; no keep-alive.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace boardwalk::tools {

// The body of a 200 answer; nullopt when the server cannot be reached, does not answer in
// time, or answers with another status.
inline std::optional<std::string> http_get(unsigned short port, const std::string& target,
                                           std::chrono::seconds timeout = std::chrono::seconds(30)) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(timeout);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return std::nullopt;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  http::write(stream, req, ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);  // a snapshot can be large
  if (!ec) http::read(stream, buffer, parser, ec);
  if (ec || parser.get().result_int() != 200) return std::nullopt;
  return parser.get().body();
}

}  // namespace boardwalk::tools
