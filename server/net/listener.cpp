#include "listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/strand.hpp>

#include "net/http_session.hpp"

namespace boardwalk::net {

namespace asio = boost::asio;

Listener::Listener(asio::io_context& ioc, ServerContext& context)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), context_(context), pause_(acceptor_.get_executor()) {}

Status Listener::open(const asio::ip::tcp::endpoint& endpoint) {
  boost::beast::error_code ec;
  const auto fail = [&](const char* what) {
    return make_error("listen_failed", std::string(what) + " " + endpoint.address().to_string() + ":" +
                                           std::to_string(endpoint.port()) + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("cannot open");
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("cannot configure");
  if (acceptor_.bind(endpoint, ec); ec) return fail("cannot bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("cannot listen on");
  // on_accept also takes what is already waiting without blocking (see there).
  if (acceptor_.non_blocking(true, ec); ec) return fail("cannot configure");
  return Ok{};
}

unsigned short Listener::port() const {
  boost::beast::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::beast::error_code ec;
    self->acceptor_.close(ec);
    self->pause_.cancel();
  });
}

void Listener::do_accept() {
  // Each connection's handlers never run concurrently (connection_executor).
  acceptor_.async_accept(connection_executor(),
                         [self = shared_from_this()](boost::beast::error_code ec, asio::ip::tcp::socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void Listener::on_accept(boost::beast::error_code ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;  // stopped
  if (ec) {
    // Out of file descriptors or similar: keep serving the connections we have, and try again
    // shortly (at once would fail again at once: the connection is still waiting). Logged at
    // most every 10 s, with how many failed meanwhile.
    ++failed_since_warning_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_warning_ >= std::chrono::seconds(10)) {
      spdlog::warn(
          "cannot accept connections: {} ({} open WebSockets; {} failed accepts); retrying every 100 ms. If this is "
          "the file limit, raise it (ulimit -Hn, systemd LimitNOFILE=)",
          ec.message(), context_.connections.load(), failed_since_warning_);
      last_warning_ = now;
      failed_since_warning_ = 0;
    }
    pause_.expires_after(std::chrono::milliseconds(100));
    pause_.async_wait([self = shared_from_this()](boost::beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  start_session(std::move(socket));
  // When thousands reconnect at once (a keynote ends, a restart), take every connection
  // already waiting now, not one per trip through the busy io queue: a full accept queue
  // makes the kernel drop new SYNs, and those clients (health checks too) retry only after
  // 1-3 s. Bounded, so other work still gets its turn.
  for (int i = 0; i < 512; ++i) {
    asio::ip::tcp::socket more(connection_executor());
    acceptor_.accept(more, ec);
    if (ec) break;  // would_block: the queue is empty (real errors come back on async_accept)
    start_session(std::move(more));
  }
  do_accept();
}

asio::any_io_executor Listener::connection_executor() {
  if (context_.one_thread) return ioc_.get_executor();
  return asio::make_strand(ioc_);
}

void Listener::start_session(asio::ip::tcp::socket socket) {
  boost::beast::error_code ec;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  if (context_.tls != nullptr) {
    std::make_shared<HttpsSession>(boost::beast::ssl_stream<boost::beast::tcp_stream>(std::move(socket), *context_.tls),
                                   context_)
        ->run();
  } else {
    std::make_shared<HttpSession>(boost::beast::tcp_stream(std::move(socket)), context_)->run();
  }
}

}  // namespace boardwalk::net
