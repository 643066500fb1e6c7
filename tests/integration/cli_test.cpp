// The offline commands: importing an event file and rotating organizer codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_get.hpp"
#include "run_boardwalk.hpp"
#include "server_process.hpp"

namespace boardwalk::testing {
namespace {

const std::string example = std::string(BOARDWALK_SOURCE_DIR) + "/docs/examples/pycon-us-2026.json";

TEST(Cli, HelpListsTheFlags) {
  const auto r = run_boardwalk("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* flag : {"--db", "--bind", "--port", "--web-root", "--durability", "event", "organizer-code"}) {
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
  }
}

TEST(Cli, ImportCreatesTheEventWithLocalTimesInUtc) {
  TempDb db;
  const auto r = run_boardwalk("--db " + db.path() + " event import " + example);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("imported event 'pycon-us-2026' with 14 rooms and 21 slots"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("organizer link: "), std::string::npos);
  ServerProcess server(db.path(), {"--no-demo"});
  const auto j = nlohmann::json::parse(http_request(server.port(), "/api/events/pycon-us-2026").body);
  EXPECT_EQ(j["board"]["event"]["timezone"], "America/Los_Angeles");
  // 11:00 in Long Beach in May (PDT, UTC-7) is 18:00 UTC.
  EXPECT_EQ(j["board"]["slots"][0]["start"], "2026-05-15T18:00:00Z");
  EXPECT_EQ(j["board"]["slots"][0]["day"], "2026-05-15");
  const auto list = nlohmann::json::parse(http_request(server.port(), "/api/events").body);
  EXPECT_EQ(list.size(), 1u) << "--no-demo with an existing event creates no demo";
}

TEST(Cli, ImportRefusesBadFilesAndChangesNothing) {
  TempDb db;
  const auto path = std::filesystem::temp_directory_path() / ("bad-event-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << R"({"slug":"x","name":"X","timezone":"Mars/Olympus","rooms":[]})";
  auto r = run_boardwalk("--db " + db.path() + " event import " + path.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("unknown time zone"), std::string::npos) << r.output;
  std::ofstream(path) << R"({"slug":"x","name":"X","timezone":"UTC","rooms":[{"name":"A"},{"name":"A"}]})";
  r = run_boardwalk("--db " + db.path() + " event import " + path.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("exists"), std::string::npos) << r.output;
  std::filesystem::remove(path);
  ServerProcess server(db.path(), {"--no-demo"});
  EXPECT_EQ(nlohmann::json::parse(http_request(server.port(), "/api/events").body).size(), 0u);
}

TEST(Cli, OfflineCommandsRefuseADatabaseInUse) {
  TempDb db;
  ServerProcess server(db.path());
  const auto r = run_boardwalk("--db " + db.path() + " organizer-code demo");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("in use by another boardwalk process"), std::string::npos) << r.output;
}

TEST(Cli, OrganizerCodeRotates) {
  TempDb db;
  { ServerProcess first(db.path()); }
  const auto r = run_boardwalk("--db " + db.path() + " organizer-code demo");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("/e/demo#code="), std::string::npos);
}

}  // namespace
}  // namespace boardwalk::testing
