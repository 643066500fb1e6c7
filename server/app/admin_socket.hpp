// The server's local admin socket: a Unix socket next to the database (DB.sock by default,
// mode 0600, accepted only from this user or root), through which the CLI changes credentials
// and events while the server runs (app/admin_requests.hpp). The CLI finds the database
// locked by the server and sends its request here instead. Each connection sends one JSON
// request per line and gets one JSON answer per line, in order.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>

#include "app/admin_requests.hpp"

namespace boardwalk::app {

class AdminSocket : public std::enable_shared_from_this<AdminSocket> {
 public:
  // Binds `path` (replacing a socket left behind by a server that died: the caller holds the
  // database's process lock, so no live server uses it; any other kind of file is an error).
  static Result<std::shared_ptr<AdminSocket>> open(boost::asio::io_context& ioc, const std::string& path,
                                                   AdminRequests& requests);
  AdminSocket(boost::asio::io_context& ioc, std::string path, AdminRequests& requests);
  ~AdminSocket();
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;

  void run();
  // Stops accepting and removes the socket file. Call once the io_context's threads have
  // stopped (or from its strand).
  void stop();

 private:
  void accept();

  boost::asio::io_context& ioc_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::string path_;
  AdminRequests& requests_;
  bool removed_ = false;
};

}  // namespace boardwalk::app
