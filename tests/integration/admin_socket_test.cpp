// Live credential operations: while the server runs (and holds the database's lock), the CLI's
// organizer-code, tickets and event import reach it through its admin socket (DB.sock) and take
// effect at once. Also: the secret key file, and organizer links kept out of the log.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "run_boardwalk.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

namespace boardwalk::testing {
namespace {

std::string code_in(const std::string& output) {
  std::smatch m;
  return std::regex_search(output, m, std::regex("#code=([A-Za-z0-9_-]+)")) ? std::string(m[1]) : std::string();
}

json join(unsigned short port, const std::string& name, std::optional<std::string> code = std::nullopt,
          std::optional<std::string> ticket = std::nullopt) {
  WsClient c(port);
  json request = {{"type", "join"}, {"event", "demo"}, {"name", name}};
  if (code) request["code"] = *code;
  if (ticket) request["ticket"] = *ticket;
  return c.request(request);
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 0777 : 0;
}

TEST(AdminSocket, OrganizerCodeRotatesWhileTheServerRuns) {
  TempDb db;
  ServerProcess server(db.path());
  const std::string old_code = server.organizer_code("demo");
  ASSERT_FALSE(old_code.empty());
  const auto r = run_boardwalk("--db " + db.path() + " organizer-code demo");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string new_code = code_in(r.output);
  ASSERT_FALSE(new_code.empty()) << r.output;
  // The link the server hands out is built from the server's own URL.
  EXPECT_NE(r.output.find("http://127.0.0.1:" + std::to_string(server.port()) + "/e/demo#code="), std::string::npos)
      << r.output;
  EXPECT_EQ(join(server.port(), "Olga", new_code)["participant"]["role"], "organizer");
  EXPECT_EQ(join(server.port(), "Mallory", old_code)["code"], "bad_secret");
}

TEST(AdminSocket, TicketsAddedLiveCanBeUsedToJoin) {
  TempDb db;
  ServerProcess server(db.path());
  const std::string out = db.path() + ".codes";
  const auto r = run_boardwalk("--db " + db.path() + " tickets demo --generate 3 --require --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("3 ticket codes added to 'demo' (3 in all, 0 used); joining is by ticket code only"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(mode_of(out), 0600u);
  std::ifstream in(out);
  std::vector<std::string> codes;
  for (std::string line; std::getline(in, line);) codes.push_back(line);
  std::filesystem::remove(out);
  ASSERT_EQ(codes.size(), 3u);
  EXPECT_EQ(join(server.port(), "Nobody")["code"], "ticket_required");
  EXPECT_EQ(join(server.port(), "Ticket holder", std::nullopt, codes[0])["type"], "ack");
  EXPECT_EQ(join(server.port(), "Second use", std::nullopt, codes[0])["code"], "ticket_used");
}

TEST(AdminSocket, AnEventImportedLiveIsServedAtOnce) {
  TempDb db;
  ServerProcess server(db.path());
  const auto r = run_boardwalk("--db " + db.path() + " event import " + std::string(BOARDWALK_SOURCE_DIR) +
                               "/docs/examples/pycon-us-2026.json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("imported event 'pycon-us-2026' with 14 rooms and 21 slots"), std::string::npos) << r.output;
  WsClient c(server.port());
  const json joined =
      c.request({{"type", "join"}, {"event", "pycon-us-2026"}, {"name", "Olga"}, {"code", code_in(r.output)}});
  EXPECT_EQ(joined["participant"]["role"], "organizer") << joined;
}

TEST(AdminSocket, IsOwnerOnlyAndRemovedOnShutdown) {
  TempDb db;
  const std::string sock = db.path() + ".sock";
  {
    ServerProcess server(db.path());
    EXPECT_EQ(mode_of(sock), 0600u);
    EXPECT_TRUE(std::filesystem::is_socket(sock));
    EXPECT_EQ(server.stop(), 0);
  }
  EXPECT_FALSE(std::filesystem::exists(sock));
  // A socket left behind by a killed server is replaced at the next start.
  {
    ServerProcess killed(db.path());
    killed.kill9();
  }
  ASSERT_TRUE(std::filesystem::is_socket(sock));
  ServerProcess again(db.path());
  EXPECT_EQ(run_boardwalk("--db " + db.path() + " organizer-code demo").status, 0);
}

TEST(AdminSocket, WithoutItTheCommandsSayTheServerMustBeStopped) {
  TempDb db;
  ServerProcess server(db.path(), {"--no-admin-socket"});
  EXPECT_FALSE(std::filesystem::exists(db.path() + ".sock"));
  const auto r = run_boardwalk("--db " + db.path() + " organizer-code demo");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("in use by another boardwalk process"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("does not answer"), std::string::npos) << r.output;
}

TEST(SecretKeyFile, IsCreatedNextToTheDatabaseReadableByItsOwnerOnly) {
  TempDb db;
  ServerProcess server(db.path());
  EXPECT_EQ(mode_of(db.path() + ".key"), 0600u);
  EXPECT_EQ(std::filesystem::file_size(db.path() + ".key"), 32u);
}

TEST(SecretKeyFile, BackupSaysTheKeyFileIsNotInTheCopy) {
  TempDb db, copy;
  ServerProcess server(db.path());
  const auto r = run_boardwalk("--db " + db.path() + " backup " + copy.path());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("the secret key file " + db.path() + ".key is not in the copy"), std::string::npos)
      << r.output;
}

TEST(SecretKeyFile, AnotherKeyFileIsRefusedAtStart) {
  TempDb db;
  { ServerProcess first(db.path()); }
  const std::string other = db.path() + ".other-key";
  std::ofstream(other) << std::string(32, 'k');  // some other server's key
  std::filesystem::permissions(other, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto r = run_boardwalk("--db " + db.path() + " --secret-key-file " + other + " organizer-code demo");
  std::filesystem::remove(other);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("is not the key of the database"), std::string::npos) << r.output;
}

TEST(OrganizerLink, IsPrintedButNotLoggedAtInfoLevel) {
  TempDb db;
  ServerProcess server(db.path());
  const std::string out = server.output();
  std::smatch line;
  ASSERT_TRUE(std::regex_search(out, line, std::regex("[^\n]*#code=[^\n]*"))) << out;
  EXPECT_EQ(line.str().rfind("organizer link for 'demo': http://", 0), 0u) << line.str();
  EXPECT_EQ(line.str().find(" info "), std::string::npos) << line.str();
}

}  // namespace
}  // namespace boardwalk::testing
