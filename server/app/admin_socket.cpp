#include "admin_socket.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace boardwalk::app {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;
using nlohmann::json;

namespace {

// A request line may carry a whole ticket list or event file (100,000 codes of up to 100
// characters); anything longer is refused.
constexpr std::size_t max_request_bytes = 16 * 1024 * 1024;
// A connection that sends nothing for this long is closed.
constexpr auto idle_limit = std::chrono::seconds(60);

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(local::socket socket, AdminRequests& requests)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), buffer_(max_request_bytes), requests_(requests) {}

  void read() {
    timer_.expires_after(idle_limit);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->close();
    });
    asio::async_read_until(
        socket_, buffer_, '\n', [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          self->timer_.cancel();
          if (ec) {
            if (ec == asio::error::not_found) {  // the line is over the limit
              self->answer(admin_error(make_error("too_long", "the request is too long")), false);
            }
            return;
          }
          std::string line(asio::buffers_begin(self->buffer_.data()),
                           asio::buffers_begin(self->buffer_.data()) + static_cast<std::ptrdiff_t>(n));
          self->buffer_.consume(n);
          self->handle(line);
        });
  }

 private:
  void handle(const std::string& line) {
    const json request = json::parse(line, nullptr, false);
    if (request.is_discarded()) return answer(admin_error(make_error("bad_json", "the request is not JSON")), true);
    spdlog::info("admin socket: {} {}", request.is_object() ? request.value("op", std::string("?")) : "?",
                 request.is_object() ? request.value("event", std::string()) : "");
    // The answer comes from the engine's writer thread: back to this connection's executor.
    requests_.handle(request, [self = shared_from_this()](json reply) {
      asio::post(self->socket_.get_executor(), [self, reply = std::move(reply)] { self->answer(reply, true); });
    });
  }

  void answer(const json& reply, bool then_read) {
    auto text = std::make_shared<std::string>(reply.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    asio::async_write(socket_, asio::buffer(*text),
                      [self = shared_from_this(), text, then_read](boost::system::error_code ec, std::size_t) {
                        if (!ec && then_read) self->read();
                      });
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  local::socket socket_;
  asio::steady_timer timer_;
  asio::streambuf buffer_;
  AdminRequests& requests_;
};

// Only this user (or root) may change credentials, whatever the file's mode became.
bool same_user(local::socket& socket) {
  ucred peer{};
  socklen_t len = sizeof peer;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) return false;
  return peer.uid == ::geteuid() || peer.uid == 0;
}

}  // namespace

AdminSocket::AdminSocket(asio::io_context& ioc, std::string path, AdminRequests& requests)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), path_(std::move(path)), requests_(requests) {}

AdminSocket::~AdminSocket() { stop(); }

Result<std::shared_ptr<AdminSocket>> AdminSocket::open(asio::io_context& ioc, const std::string& path,
                                                       AdminRequests& requests) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return make_error("bad_request", "the admin socket path '" + path + "' is longer than " +
                                         std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                                         " bytes; choose a shorter one with --admin-socket");
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return make_error("bad_request", "'" + path + "' exists and is not a socket; not replacing it (--admin-socket)");
    }
    ::unlink(path.c_str());  // left behind by a server that was killed
  }
  auto self = std::make_shared<AdminSocket>(ioc, path, requests);
  boost::system::error_code ec;
  self->acceptor_.open(local(), ec);
  // Created without permissions for anyone else (no other thread creates files yet), then
  // made 0600 explicitly.
  const mode_t old_mask = ::umask(0077);
  if (!ec) self->acceptor_.bind(local::endpoint(path), ec);
  ::umask(old_mask);
  if (!ec) self->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    self->removed_ = true;  // not ours to remove
    return make_error("storage_error", "cannot listen on the admin socket " + path + ": " + ec.message());
  }
  if (::chmod(path.c_str(), 0600) != 0) {
    return make_error("storage_error", "cannot chmod the admin socket " + path + ": " + std::strerror(errno));
  }
  return self;
}

void AdminSocket::run() { accept(); }

void AdminSocket::accept() {
  // Each connection on its own strand: its reads, writes, timer and answers never overlap.
  acceptor_.async_accept(asio::make_strand(ioc_),
                         [self = shared_from_this()](boost::system::error_code ec, local::socket socket) {
                           if (ec) {
                             if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
                             spdlog::warn("admin socket: accept failed: {}", ec.message());
                           } else if (!same_user(socket)) {
                             spdlog::warn("admin socket: refused a connection from another user");
                           } else {
                             std::make_shared<AdminSession>(std::move(socket), self->requests_)->read();
                           }
                           self->accept();
                         });
}

void AdminSocket::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (!removed_) {
    ::unlink(path_.c_str());
    removed_ = true;
  }
}

}  // namespace boardwalk::app
