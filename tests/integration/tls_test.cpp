// --tls-cert/--tls-key: the one port speaks HTTPS and WSS only. A throwaway self-signed
// certificate is made with the OpenSSL API for each test, so no `openssl` tool is needed.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_boardwalk.hpp"
#include "server_process.hpp"

namespace boardwalk::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using nlohmann::json;

// A self-signed P-256 certificate for CN=127.0.0.1, valid for a day, as two PEM files that
// are removed again on destruction.
class SelfSignedCert {
 public:
  SelfSignedCert() {
    static std::atomic<int> counter{0};
    const auto dir = std::filesystem::temp_directory_path();
    const std::string stem = "boardwalk-tls-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    cert_ = (dir / (stem + "-cert.pem")).string();
    key_ = (dir / (stem + "-key.pem")).string();

    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> kctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr),
                                                                     &EVP_PKEY_CTX_free);
    EVP_PKEY* raw_key = nullptr;
    if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 || EVP_PKEY_CTX_set_group_name(kctx.get(), "P-256") != 1 ||
        EVP_PKEY_generate(kctx.get(), &raw_key) != 1) {
      throw std::runtime_error("key generation failed");
    }
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw_key, &EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x509(X509_new(), &X509_free);
    if (!x509) throw std::runtime_error("X509_new failed");
    X509_set_version(x509.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x509.get()), 24L * 60 * 60);
    X509_set_pubkey(x509.get(), key.get());
    X509_NAME* name = X509_get_subject_name(x509.get());
    const std::string cn = "127.0.0.1";
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x509.get(), name);
    if (X509_sign(x509.get(), key.get(), EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");

    FILE* f = std::fopen(key_.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + key_);
    const int key_ok = PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    f = std::fopen(cert_.c_str(), "w");
    if (f == nullptr) throw std::runtime_error("cannot write " + cert_);
    const int cert_ok = PEM_write_X509(f, x509.get());
    std::fclose(f);
    if (key_ok != 1 || cert_ok != 1) throw std::runtime_error("writing the PEM files failed");
  }
  ~SelfSignedCert() {
    std::error_code ec;
    std::filesystem::remove(cert_, ec);
    std::filesystem::remove(key_, ec);
  }
  SelfSignedCert(const SelfSignedCert&) = delete;
  SelfSignedCert& operator=(const SelfSignedCert&) = delete;

  [[nodiscard]] const std::string& cert() const { return cert_; }
  [[nodiscard]] const std::string& key() const { return key_; }

 private:
  std::string cert_;
  std::string key_;
};

// Blocking reads on `socket` give up after 5 s instead of hanging the test.
void set_read_timeout(asio::ip::tcp::socket& socket) {
  timeval tv{};
  tv.tv_sec = 5;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// The test's own certificate is self-signed: verification is off (the point is the transport).
ssl::context client_context() {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  return ctx;
}

asio::ip::tcp::endpoint local(unsigned short port) { return {asio::ip::make_address("127.0.0.1"), port}; }

http::response<http::string_body> https_get(unsigned short port, const std::string& target) {
  asio::io_context ioc;
  auto ctx = client_context();
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).socket().connect(local(port));
  set_read_timeout(beast::get_lowest_layer(stream).socket());
  stream.handshake(ssl::stream_base::client);
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.keep_alive(false);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.shutdown(ec);  // the server may just close: either is fine
  return res;
}

TEST(Tls, ServesHttpsOnly) {
  SelfSignedCert cert;
  TempDb db;
  ServerProcess server(db.path(), {"--tls-cert", cert.cert(), "--tls-key", cert.key()});
  EXPECT_NE(server.output().find("listening on https://127.0.0.1:"), std::string::npos) << server.output();

  const auto res = https_get(server.port(), "/healthz");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(json::parse(res.body())["status"], "ok");

  // Plain HTTP on the TLS port: the TLS handshake fails and nothing is served.
  asio::io_context ioc;
  asio::ip::tcp::socket plain(ioc);
  plain.connect(local(server.port()));
  set_read_timeout(plain);
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(plain, asio::buffer(request));
  std::string got;
  std::array<char, 4096> buf{};
  beast::error_code ec;
  for (;;) {
    const std::size_t n = plain.read_some(asio::buffer(buf), ec);
    if (ec || n == 0) break;
    got.append(buf.data(), n);
  }
  EXPECT_EQ(got.find("HTTP/1.1"), std::string::npos) << got;
  EXPECT_EQ(got.find("\"status\""), std::string::npos) << got;

  // The server is unharmed by it.
  EXPECT_EQ(https_get(server.port(), "/healthz").result_int(), 200);
  EXPECT_EQ(server.stop(), 0);
}

TEST(Tls, WssSubscribeGetsSnapshotAndAck) {
  SelfSignedCert cert;
  TempDb db;
  ServerProcess server(db.path(), {"--tls-cert", cert.cert(), "--tls-key", cert.key()});

  asio::io_context ioc;
  auto ctx = client_context();
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
  beast::get_lowest_layer(ws).socket().connect(local(server.port()));
  set_read_timeout(beast::get_lowest_layer(ws).socket());
  ws.next_layer().handshake(ssl::stream_base::client);
  // A browser on the page would send Origin https://127.0.0.1:PORT: same origin as Host.
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  ws.set_option(websocket::stream_base::decorator(
      [host](websocket::request_type& req) { req.set(http::field::origin, "https://" + host); }));
  ws.handshake(host, "/ws");
  ws.text(true);
  ws.write(asio::buffer(json{{"type", "subscribe"}, {"event", "demo"}, {"id", 1}}.dump()));

  std::vector<json> got;
  json ack;
  for (int frames = 0; frames < 20 && ack.is_null(); ++frames) {
    beast::flat_buffer buffer;
    ws.read(buffer);                                                    // throws on the 5 s read timeout
    std::istringstream lines(beast::buffers_to_string(buffer.data()));  // JSON Lines
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      auto m = json::parse(line);
      if (m.value("id", 0) == 1) {
        ack = m;
      } else {
        got.push_back(m);
      }
    }
  }
  ASSERT_EQ(ack["type"], "ack") << ack;
  EXPECT_EQ(ack["mode"], "snapshot");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0]["type"], "snapshot");
  EXPECT_EQ(got[0]["seq"], ack["seq"]);

  // Shutdown closes the open WSS connection with "going away" and exits cleanly.
  EXPECT_EQ(server.stop(), 0);
  beast::flat_buffer rest;
  beast::error_code ec;
  while (!ec) ws.read(rest, ec);
  // The server has exited by now, so answering its close may fail (broken pipe); the close
  // frame with its code arrived all the same.
  EXPECT_EQ(ws.reason().code, websocket::close_code::going_away) << ec.message();
}

TEST(Tls, BadFlagsStopTheServerWithAClearMessage) {
  SelfSignedCert cert;
  TempDb db;
  const std::string base = "--bind 127.0.0.1 --port 0 --db " + db.path();

  const auto missing_key = run_boardwalk(base + " --tls-cert " + cert.cert() + " --tls-key " + cert.key() + ".missing");
  EXPECT_EQ(missing_key.status, 1) << missing_key.output;
  EXPECT_NE(missing_key.output.find("--tls-key: cannot load the private key from '" + cert.key() + ".missing'"),
            std::string::npos)
      << missing_key.output;
  EXPECT_EQ(missing_key.output.find("listening on"), std::string::npos) << missing_key.output;

  const auto missing_cert = run_boardwalk(base + " --tls-cert " + cert.cert() + ".missing --tls-key " + cert.key());
  EXPECT_EQ(missing_cert.status, 1) << missing_cert.output;
  EXPECT_NE(missing_cert.output.find("--tls-cert: cannot load the certificate"), std::string::npos)
      << missing_cert.output;

  const auto only_cert = run_boardwalk(base + " --tls-cert " + cert.cert());
  EXPECT_EQ(only_cert.status, 1) << only_cert.output;
  EXPECT_NE(only_cert.output.find("--tls-cert and --tls-key go together"), std::string::npos) << only_cert.output;

  // A key that is not the certificate's.
  SelfSignedCert other;
  const auto mismatch = run_boardwalk(base + " --tls-cert " + cert.cert() + " --tls-key " + other.key());
  EXPECT_EQ(mismatch.status, 1) << mismatch.output;
  EXPECT_NE(mismatch.output.find("--tls-key: cannot load"), std::string::npos) << mismatch.output;
}

// Every HTTPS answer tells browsers to use HTTPS from now on (HSTS), errors included.
TEST(Tls, EveryHttpsResponseSendsStrictTransportSecurity) {
  SelfSignedCert cert;
  TempDb db;
  ServerProcess server(db.path(), {"--tls-cert", cert.cert(), "--tls-key", cert.key()});
  for (const char* path : {"/healthz", "/api/events/nope", "/nope.html", "/"}) {
    const auto res = https_get(server.port(), path);
    EXPECT_EQ(res[http::field::strict_transport_security], "max-age=31536000") << path;
  }
}

// A page served over plain http:// must not open a WebSocket on the TLS port, even with the
// right host: on a TLS port an http:// origin can only be a downgraded or foreign page.
TEST(Tls, AnHttpOriginIsRefusedOnTheTlsPort) {
  SelfSignedCert cert;
  TempDb db;
  ServerProcess server(db.path(), {"--tls-cert", cert.cert(), "--tls-key", cert.key()});
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  const auto upgrade_status = [&](const std::string& origin) {
    asio::io_context ioc;
    auto ctx = client_context();
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
    beast::get_lowest_layer(ws).socket().connect(local(server.port()));
    set_read_timeout(beast::get_lowest_layer(ws).socket());
    ws.next_layer().handshake(ssl::stream_base::client);
    ws.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, host, "/ws", ec);
    return res.result_int();
  };
  EXPECT_EQ(upgrade_status("http://" + host), 403u);
  EXPECT_EQ(upgrade_status("https://" + host), 101u);
}

}  // namespace
}  // namespace boardwalk::testing
