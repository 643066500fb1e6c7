// Host restriction (issue 11 section 6): with --public-url or --allowed-host the server answers
// only requests for its own names and loopback, so a DNS-rebinding page (whose Host is the
// attacker's name) reads nothing and opens no WebSocket.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "raw_http.hpp"
#include "server_process.hpp"

namespace boardwalk::testing {
namespace {

using nlohmann::json;

// GET /healthz with this Host header; returns the response.
boost::beast::http::response<boost::beast::http::string_body> get_with_host(unsigned short port,
                                                                            const std::string& host) {
  RawConnection c(port);
  c.write("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
  return c.read_response();
}

TEST(AllowedHosts, OnlyTheConfiguredHostsAndLoopbackAreServed) {
  TempDb db;
  ServerProcess server(db.path(),
                       {"--public-url", "https://Board.Example.org/", "--allowed-host", "extra.example.net"});
  const auto port = server.port();
  for (const std::string& host :
       std::vector<std::string>{"board.example.org", "BOARD.example.org:443", "board.example.org.", "extra.example.net",
                                "extra.example.net:8080", "localhost", "localhost:1234", "127.0.0.1",
                                "127.0.0.1:" + std::to_string(port), "[::1]:8080", "[::1]"}) {
    EXPECT_EQ(get_with_host(port, host).result_int(), 200u) << host;
  }
  for (const std::string& host :
       std::vector<std::string>{"rebind.evil.example", "rebind.evil.example:" + std::to_string(port),
                                "board.example.org.evil.example", "192.0.2.1", "", "[::1"}) {
    const auto res = get_with_host(port, host);
    EXPECT_EQ(res.result_int(), 421u) << host;
    const auto body = json::parse(res.body());
    EXPECT_EQ(body["code"], "unknown_host") << host;
    EXPECT_EQ(body["field"], "Host") << host;
  }
  EXPECT_NE(server.output().find("serving only the hosts board.example.org, extra.example.net"), std::string::npos)
      << server.output();
}

// DNS rebinding: the attacker's name resolves to this server, so the page's Origin equals the
// request's Host. That must not be enough when the hosts are restricted.
TEST(AllowedHosts, ARebindingPageCannotOpenAWebSocket) {
  TempDb db;
  ServerProcess server(db.path(), {"--allowed-host", "board.example.org"});
  const auto port = server.port();
  const int rebound = websocket_upgrade_status(port, "rebind.evil.example", "http://rebind.evil.example");
  EXPECT_TRUE(rebound == 421 || rebound == 403) << rebound;
  EXPECT_EQ(websocket_upgrade_status(port, "board.example.org", "https://board.example.org"), 101);
  EXPECT_EQ(
      websocket_upgrade_status(port, "127.0.0.1:" + std::to_string(port), "http://127.0.0.1:" + std::to_string(port)),
      101);
  // A configured host does not make another site's page welcome.
  EXPECT_EQ(websocket_upgrade_status(port, "board.example.org", "https://evil.example"), 403);
}

// Without --public-url or --allowed-host any Host is served, as before (a LAN event reached by
// an address or name the server does not know).
TEST(AllowedHosts, WithoutAListEveryHostIsServed) {
  TempDb db;
  ServerProcess server(db.path());
  EXPECT_EQ(get_with_host(server.port(), "laptop.local:8080").result_int(), 200u);
  EXPECT_EQ(websocket_upgrade_status(server.port(), "laptop.local:8080", "http://laptop.local:8080"), 101);
}

}  // namespace
}  // namespace boardwalk::testing
