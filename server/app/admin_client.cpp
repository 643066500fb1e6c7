#include "admin_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace boardwalk::app {

using nlohmann::json;

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error socket_error(const std::string& what) {
  return make_error("unavailable", what + ": " + std::strerror(errno), "admin_socket");
}

}  // namespace

Result<json> admin_call(const std::string& socket_path, const json& request, std::chrono::seconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return make_error("bad_request", "the admin socket path is too long", "admin_socket");
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  Fd s{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return socket_error("cannot create a socket");
  if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return socket_error("cannot connect to " + socket_path);
  }
  const std::string line = request.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  for (std::size_t done = 0; done < line.size();) {
    const ssize_t n = ::send(s.fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return socket_error("cannot send to " + socket_path);
    done += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string answer;
  char buf[4096];
  while (answer.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return make_error("timeout", "the server did not answer within " + std::to_string(timeout.count()) + " s",
                        "admin_socket");
    pollfd p{s.fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return socket_error("cannot read from " + socket_path);
    if (ready == 0) continue;
    const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return socket_error("cannot read from " + socket_path);
    if (n == 0)
      return make_error("unavailable", "the server closed the admin connection without answering", "admin_socket");
    answer.append(buf, static_cast<std::size_t>(n));
  }
  json j = json::parse(answer.substr(0, answer.find('\n')), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return make_error("bad_json", "the server's answer is not a JSON object", "admin_socket");
  }
  return j;
}

}  // namespace boardwalk::app
