// Out of file descriptors: every connection is one, and a big event can run a server into its
// limit. The server must keep serving the connections it has, not spin on the accept that keeps
// failing, say so in its log, and take new connections again once some are freed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http_get.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

using std::chrono::milliseconds;

// The process's user + system CPU time so far, in seconds (from /proc/PID/stat).
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A plain TCP connection to the server (the kernel completes it; the server may not accept it).
int connect_raw(unsigned short port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST(FileLimit, OutOfDescriptorsTheServerKeepsServingPausesAcceptsAndRecovers) {
  TempDb db;
  ServerProcess server(db.path());
  WsClient lobby(server.port());  // connected before the limit: must keep working throughout
  ASSERT_EQ(lobby.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");

  // Lower the running server's limit to 64 descriptors (it holds ~15 already), then connect
  // more than it can take.
  const std::string prlimit = "prlimit --pid " + std::to_string(server.pid()) + " --nofile=64:64";
  ASSERT_EQ(std::system(prlimit.c_str()), 0) << prlimit;
  std::vector<int> extra;
  for (int i = 0; i < 120; ++i) {
    const int fd = connect_raw(server.port());
    ASSERT_GE(fd, 0) << "connect " << i;
    extra.push_back(fd);
  }
  std::this_thread::sleep_for(milliseconds(500));

  // Stuck at the limit, the server does not spin: a second of it costs far less than a second
  // of CPU (a retry loop without a pause burns the whole core).
  const double before = cpu_seconds(server.pid());
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_LT(cpu_seconds(server.pid()) - before, 0.3);
  EXPECT_NE(server.output().find("cannot accept connections"), std::string::npos) << server.output();

  // The connection it already had still works.
  const json again = lobby.request({{"type", "subscribe"}, {"event", "demo"}});
  EXPECT_EQ(again["type"], "ack") << again;

  // Freed descriptors: new connections are taken again.
  for (const int fd : extra) close(fd);
  bool healthy = false;
  for (int i = 0; i < 50 && !healthy; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    healthy = http_request(server.port(), "/healthz").status == 200;
  }
  EXPECT_TRUE(healthy) << "no new connection accepted after descriptors were freed";
  WsClient late(server.port());
  EXPECT_EQ(late.request({{"type", "subscribe"}, {"event", "demo"}})["type"], "ack");
}

}  // namespace
}  // namespace boardwalk::testing
