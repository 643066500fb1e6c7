// Accepts TCP connections and starts an HttpSession (HttpsSession with TLS) on its own strand for each.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <memory>

#include "domain/result.hpp"
#include "net/server_context.hpp"

namespace boardwalk::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, ServerContext& context);
  Status open(const boost::asio::ip::tcp::endpoint& endpoint);
  void run();
  void stop();
  [[nodiscard]] unsigned short port() const;

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void start_session(boost::asio::ip::tcp::socket socket);
  // Where a new connection's handlers run: its own strand, or the io_context itself when that
  // has one thread (which serializes everything already).
  boost::asio::any_io_executor connection_executor();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ServerContext& context_;
  // After a failed accept (out of file descriptors): a pause before the next one, since the
  // waiting connection would fail again at once and spin a core.
  boost::asio::steady_timer pause_;
  std::chrono::steady_clock::time_point last_warning_{};
  std::size_t failed_since_warning_ = 0;
};

}  // namespace boardwalk::net
