// Per-address limits and the client address (issue 11 sections 2 and 6): behind a trusted
// reverse proxy the client is the rightmost X-Forwarded-For entry that is not a trusted proxy;
// from anyone else X-Forwarded-For is ignored. Plain HTTP connections per address are bounded.
#include <gtest/gtest.h>

#include <thread>

#include "raw_http.hpp"
#include "run_boardwalk.hpp"
#include "server_process.hpp"

namespace boardwalk::testing {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

// A WebSocket opened with an X-Forwarded-For header. `refused()` tells whether the server
// closed it with "too many connections from this address" right after the upgrade.
class ForwardedWs {
 public:
  ForwardedWs(unsigned short port, const std::string& forwarded_for) : ws_(ioc_) {
    auto& tcp = beast::get_lowest_layer(ws_);
    tcp.expires_after(std::chrono::seconds(10));
    tcp.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(websocket::stream_base::decorator(
        [forwarded_for](websocket::request_type& req) { req.set("X-Forwarded-For", forwarded_for); }));
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
    // Subscribe, then read until the ack (accepted) or the close (refused).
    ws_.text(true);
    ws_.write(asio::buffer(std::string(R"({"type":"subscribe","event":"demo","id":1})")));
    for (;;) {
      beast::flat_buffer buffer;
      beast::error_code ec;
      tcp.expires_after(std::chrono::seconds(10));
      ws_.read(buffer, ec);
      if (ec) {
        close_reason_ = std::string(ws_.reason().reason.c_str());
        return;
      }
      if (beast::buffers_to_string(buffer.data()).find(R"("type":"ack")") != std::string::npos) {
        accepted_ = true;
        tcp.expires_never();
        return;
      }
    }
  }
  ~ForwardedWs() {
    beast::error_code ec;
    if (accepted_) ws_.close(websocket::close_code::normal, ec);
  }
  ForwardedWs(const ForwardedWs&) = delete;
  ForwardedWs& operator=(const ForwardedWs&) = delete;

  [[nodiscard]] bool accepted() const { return accepted_; }
  [[nodiscard]] const std::string& close_reason() const { return close_reason_; }

 private:
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  bool accepted_ = false;
  std::string close_reason_;
};

constexpr const char* too_many = "too many connections from this address";

TEST(ClientAddress, BehindATrustedProxyEachForwardedClientCountsSeparately) {
  TempDb db;
  ServerProcess server(db.path(), {"--trusted-proxy", "127.0.0.1", "--max-connections-per-ip", "1"});
  ForwardedWs a(server.port(), "198.51.100.1");
  ForwardedWs b(server.port(), "198.51.100.2");
  EXPECT_TRUE(a.accepted()) << a.close_reason();
  EXPECT_TRUE(b.accepted()) << b.close_reason();
  // The client put a made-up address first; the proxy appended the real one. The real one counts.
  ForwardedWs c(server.port(), "203.0.113.9, 198.51.100.1");
  EXPECT_FALSE(c.accepted());
  EXPECT_EQ(c.close_reason(), too_many);
  EXPECT_NE(server.output().find("from 198.51.100.1 already"), std::string::npos) << server.output();
}

TEST(ClientAddress, TrustedHopsAreSkippedAndCidrRangesWork) {
  TempDb db;
  ServerProcess server(
      db.path(), {"--trusted-proxy", "127.0.0.0/8", "--trusted-proxy", "10.0.0.0/8", "--max-connections-per-ip", "1"});
  // A chain of two proxies: 10.1.2.3 is trusted, so the client is the entry before it.
  ForwardedWs a(server.port(), "198.51.100.7, 10.1.2.3");
  ForwardedWs b(server.port(), "198.51.100.7");
  EXPECT_TRUE(a.accepted()) << a.close_reason();
  EXPECT_FALSE(b.accepted());
  EXPECT_EQ(b.close_reason(), too_many);
}

TEST(ClientAddress, WithoutTrustedProxiesXForwardedForIsIgnored) {
  TempDb db;
  ServerProcess server(db.path(), {"--max-connections-per-ip", "1"});
  ForwardedWs a(server.port(), "198.51.100.1");
  ForwardedWs b(server.port(), "198.51.100.2");
  EXPECT_TRUE(a.accepted()) << a.close_reason();
  EXPECT_FALSE(b.accepted());
  EXPECT_EQ(b.close_reason(), too_many);
}

TEST(ClientAddress, BadAddressFlagsStopTheServerWithAClearMessage) {
  TempDb db;
  const std::string base = "--bind 127.0.0.1 --port 0 --db " + db.path();
  for (const std::string bad : {"proxy.example", "10.0.0.0/33", "10.0.0.1/x"}) {
    const auto run = run_boardwalk(base + " --trusted-proxy " + bad);
    EXPECT_EQ(run.status, 1) << run.output;
    EXPECT_NE(run.output.find("--trusted-proxy: '" + bad + "' is not an IP address or a CIDR range"), std::string::npos)
        << run.output;
  }
  const auto host = run_boardwalk(base + " --allowed-host https://board.example.org/");
  EXPECT_EQ(host.status, 1) << host.output;
  EXPECT_NE(host.output.find("--allowed-host: 'https://board.example.org/' is not a host name"), std::string::npos)
      << host.output;
}

// An idle connection holds its slot; the next one from the same address is closed unanswered.
TEST(ClientAddress, PlainHttpConnectionsPerAddressAreBounded) {
  TempDb db;
  ServerProcess server(db.path(), {"--max-http-connections-per-ip", "2"});
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  auto first = std::make_unique<RawConnection>(server.port());
  RawConnection second(server.port());
  first->write(request);
  EXPECT_EQ(first->read_response().result_int(), 200u);  // the server has both connections now

  RawConnection third(server.port());
  const std::string got = third.read_all();
  EXPECT_TRUE(third.closed_by_server());
  EXPECT_EQ(got, "");
  EXPECT_NE(server.output().find("refused an HTTP connection from 127.0.0.1"), std::string::npos) << server.output();

  // The kept connections still work, and a closed one frees its slot.
  second.write(request);
  EXPECT_EQ(second.read_response().result_int(), 200u);
  first.reset();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {  // until the server has seen the close
    RawConnection again(server.port());
    again.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    served = again.read_all().rfind("HTTP/1.1 200", 0) == 0;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served);
}

// Through a trusted proxy a connection counts against the client whose request it carries.
TEST(ClientAddress, HttpBoundUsesTheForwardedClientAddress) {
  TempDb db;
  ServerProcess server(db.path(), {"--trusted-proxy", "127.0.0.1", "--max-http-connections-per-ip", "1"});
  const auto request = [](const std::string& client) {
    return "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + client + "\r\n\r\n";
  };
  RawConnection a(server.port()), b(server.port()), c(server.port());
  a.write(request("198.51.100.1"));
  EXPECT_EQ(a.read_response().result_int(), 200u);
  b.write(request("198.51.100.2"));
  EXPECT_EQ(b.read_response().result_int(), 200u);
  c.write(request("198.51.100.1"));
  const std::string got = c.read_all();
  EXPECT_EQ(got.rfind("HTTP/1.1 503", 0), 0u) << got;
  EXPECT_NE(got.find("too_many_connections"), std::string::npos) << got;
  EXPECT_TRUE(c.closed_by_server());
}

}  // namespace
}  // namespace boardwalk::testing
