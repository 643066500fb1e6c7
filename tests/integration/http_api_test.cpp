// The HTTP side of the one port: health, read API, static files and their limits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_get.hpp"
#include "server_process.hpp"

namespace boardwalk::testing {
namespace {

using nlohmann::json;

class HttpApi : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("boardwalk-web-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "sub");
    std::ofstream(root_ / "index.html") << "<!doctype html><title>index</title>";
    std::ofstream(root_ / "lobby.html") << "<!doctype html><title>lobby</title>";
    std::ofstream(root_ / "app.js") << "console.log(1)";
    std::ofstream(root_ / ".secret") << "hidden";
    server_ = std::make_unique<ServerProcess>(db_.path(), std::vector<std::string>{"--web-root", root_.string()});
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(root_);
  }
  HttpResult get(const std::string& target) { return http_request(server_->port(), target); }

  TempDb db_;
  std::filesystem::path root_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(HttpApi, HealthAndEventList) {
  const auto health = get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body)["status"], "ok");
  const auto list = json::parse(get("/api/events").body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["slug"], "demo");
  EXPECT_GT(list[0]["seq"].get<long long>(), 0);
}

TEST_F(HttpApi, SnapshotMatchesTheProtocolShape) {
  auto res = get("/api/events/demo");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers["content-type"], "application/json");
  EXPECT_EQ(res.headers["cache-control"], "no-store");
  const auto j = json::parse(res.body);
  EXPECT_EQ(j["type"], "snapshot");
  EXPECT_EQ(j["event"], "demo");
  for (const char* key : {"event", "rooms", "slots", "participants", "topics", "projects"}) {
    EXPECT_TRUE(j["board"].contains(key)) << key;
  }
  EXPECT_EQ(res.body.find("hash"), std::string::npos) << "no secret hashes in public snapshots";
}

TEST_F(HttpApi, UnknownEventIsA404WithAnError) {
  auto res = get("/api/events/nope");
  EXPECT_EQ(res.status, 404);
  const auto j = json::parse(res.body);
  EXPECT_EQ(j["code"], "not_found");
  EXPECT_EQ(j["field"], "event");
}

TEST_F(HttpApi, QrCodeIsAnSvg) {
  auto res = get("/api/events/demo/qr.svg");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.headers["content-type"], "image/svg+xml");
  EXPECT_EQ(res.body.rfind("<svg", 0), 0u);
}

TEST_F(HttpApi, AppRoutesServeTheirPagesWithSecurityHeaders) {
  for (const char* path : {"/", "/e/demo", "/lobby/demo"}) {
    auto res = get(path);
    EXPECT_EQ(res.status, 200) << path;
    EXPECT_EQ(res.headers["content-type"], "text/html; charset=utf-8") << path;
    EXPECT_NE(res.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(res.headers["x-content-type-options"], "nosniff");
  }
  EXPECT_NE(get("/lobby/demo").body.find("lobby"), std::string::npos);
  EXPECT_EQ(get("/app.js").headers.at("content-type"), "text/javascript; charset=utf-8");
}

TEST_F(HttpApi, PathsCannotLeaveTheWebRoot) {
  for (const char* path : {"/../schema/001_events.sql", "/%2e%2e/schema/001_events.sql", "/sub/%2E%2E/%2e%2e/etc/passwd",
                           "/.secret", "/%2esecret", "/sub/..%2f..%2fetc%2fpasswd", "/app.js%00.html", "/%zz",
                           "/sub\\..\\app.js"}) {
    EXPECT_EQ(get(path).status, 404) << path;
  }
}

TEST_F(HttpApi, OnlyGetAndHead) {
  EXPECT_EQ(http_request(server_->port(), "/api/events", "POST").status, 405);
  auto head = http_request(server_->port(), "/app.js", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

}  // namespace
}  // namespace boardwalk::testing
