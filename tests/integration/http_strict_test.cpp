// HTTP strictness (issue 11 section 6): HEAD never carries a body, request framing that could
// smuggle a second request is refused and the connection closed, and static files never leave
// the web root through symlinks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_get.hpp"
#include "raw_http.hpp"
#include "server_process.hpp"

namespace boardwalk::testing {
namespace {

using nlohmann::json;

class HttpStrict : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto tmp = std::filesystem::temp_directory_path();
    const std::string stem = "boardwalk-strict-" + std::to_string(::getpid()) + "-" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    root_ = tmp / (stem + "-web");
    outside_ = tmp / (stem + "-outside");
    std::filesystem::create_directories(root_ / "sub");
    std::filesystem::create_directories(outside_ / "dir");
    std::ofstream(root_ / "index.html") << "<!doctype html><title>index</title>";
    std::ofstream(root_ / "app.js") << "console.log(1)";
    std::ofstream(root_ / "sub" / "page.html") << "<p>sub</p>";
    std::ofstream(outside_ / "secret.txt") << "outside the web root";
    std::ofstream(outside_ / "dir" / "x.txt") << "outside too";
    std::filesystem::create_symlink(outside_ / "secret.txt", root_ / "leak.txt");
    std::filesystem::create_symlink(outside_ / "dir", root_ / "outdir");
    std::filesystem::create_symlink(root_ / "app.js", root_ / "alias.js");
    std::filesystem::create_symlink("sub", root_ / "inner");
    server_ = std::make_unique<ServerProcess>(db_.path(), std::vector<std::string>{"--web-root", root_.string()});
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(root_);
    std::filesystem::remove_all(outside_);
  }
  [[nodiscard]] std::string host() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  TempDb db_;
  std::filesystem::path root_;
  std::filesystem::path outside_;
  std::unique_ptr<ServerProcess> server_;
};

// RFC 9110 9.3.2: a HEAD answer has the GET's headers (Content-Length included) and no body.
// A body would be read as the start of the next response on a kept-alive connection.
TEST_F(HttpStrict, HeadHasNoBodyOnAnyPathAndTheNextResponseParses) {
  for (const char* path : {"/healthz", "/api/events", "/api/events/demo", "/api/events/demo/qr.svg", "/api/events/nope",
                           "/api/nope/x", "/nope.html", "/app.js", "/"}) {
    const auto get = http_request(server_->port(), path);
    RawConnection c(server_->port());
    c.write("HEAD " + std::string(path) + " HTTP/1.1\r\nHost: " + host() + "\r\n\r\n" +
            "GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
    const auto head = c.read_response(true);
    EXPECT_EQ(head.result_int(), static_cast<unsigned>(get.status)) << path;
    EXPECT_EQ(head[boost::beast::http::field::content_length], std::to_string(get.body.size())) << path;
    boost::beast::http::response<boost::beast::http::string_body> next;
    ASSERT_NO_THROW(next = c.read_response()) << "the HEAD answer to " << path << " carried a body";
    EXPECT_EQ(next.result_int(), 200u) << path;
    EXPECT_EQ(json::parse(next.body())["status"], "ok") << path;
  }
}

// RFC 9112 6.1: a Transfer-Encoding whose final coding is not chunked leaves the body length
// unknown: 400, and the connection closes, so the bytes after the headers (here a second,
// smuggled request) are never read as a request.
TEST_F(HttpStrict, TransferEncodingOtherThanChunkedIsRefusedAndTheConnectionClosed) {
  // The last one arrives as two header lines, which together say "chunked, gzip".
  const std::vector<std::string> codings{"xchunked",         "gzip",     "chunked, gzip",
                                         "chunked, chunked", "identity", "chunked\r\nTransfer-Encoding: gzip"};
  for (const auto& coding : codings) {
    RawConnection c(server_->port());
    c.write("GET /api/events HTTP/1.1\r\nHost: " + host() + "\r\nTransfer-Encoding: " + coding +
            "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
    const std::string got = c.read_all();
    EXPECT_TRUE(c.closed_by_server()) << coding;
    EXPECT_EQ(count_responses(got), 1) << coding << ":\n" << got;
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << coding << ":\n" << got;
    EXPECT_EQ(got.find("\"status\""), std::string::npos) << "the smuggled request was answered: " << got;
  }
}

TEST_F(HttpStrict, ChunkedRequestsStillWork) {
  RawConnection c(server_->port());
  c.write("GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
          "GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.read_response().result_int(), 200u);
  EXPECT_EQ(c.read_response().result_int(), 200u);
}

TEST_F(HttpStrict, TwoHostHeadersOrNoHostAreRefused) {
  {
    RawConnection c(server_->port());
    c.write("GET /healthz HTTP/1.1\r\nHost: " + host() +
            "\r\nHost: evil.example\r\n\r\nGET /healthz HTTP/1.1\r\nHost: " + host() + "\r\n\r\n");
    const std::string got = c.read_all();
    EXPECT_TRUE(c.closed_by_server());
    EXPECT_EQ(count_responses(got), 1) << got;
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
  }
  {
    RawConnection c(server_->port());
    c.write("GET /healthz HTTP/1.1\r\n\r\n");
    const std::string got = c.read_all();
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
  }
}

TEST_F(HttpStrict, MalformedRequestsGetA400AndAClose) {
  RawConnection c(server_->port());
  c.write("GET /healthz HTTP/1.1\r\nHost: " + host() + "\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
  const std::string got = c.read_all();
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
}

TEST_F(HttpStrict, SymlinksCannotLeadOutOfTheWebRoot) {
  EXPECT_EQ(http_request(server_->port(), "/leak.txt").status, 404);
  EXPECT_EQ(http_request(server_->port(), "/outdir/x.txt").status, 404);
  // Links that stay inside the root are fine.
  const auto alias = http_request(server_->port(), "/alias.js");
  EXPECT_EQ(alias.status, 200);
  EXPECT_EQ(alias.body, "console.log(1)");
  EXPECT_EQ(http_request(server_->port(), "/inner/page.html").status, 200);
}

TEST_F(HttpStrict, ADirectoryIsA404) {
  for (const char* path : {"/sub", "/inner", "/outdir"}) {
    const auto res = http_request(server_->port(), path);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.body, "not found\n") << path;
  }
}

}  // namespace
}  // namespace boardwalk::testing
