// The commands: importing an event file, ticket codes, rotating organizer codes; every bad input
// gets exit code 1 (2 for usage) and a message naming the entry and the field. The same commands
// against a running server: admin_socket_test.cpp.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

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

TEST(Cli, OrganizerCodeRotates) {
  TempDb db;
  { ServerProcess first(db.path()); }
  const auto r = run_boardwalk("--db " + db.path() + " organizer-code demo");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("/e/demo#code="), std::string::npos);
}

// A file in the temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& text, const std::string& name = "input") {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("boardwalk-cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + name))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(Cli, ImportAnswersWrongTypesWithTheEntryAndTheFieldInsteadOfAborting) {
  TempDb db;
  const std::pair<std::string, std::string> cases[] = {
      {R"({"slug":"x","name":"X","timezone":"UTC","rooms":[{"name":"A"},{"name":"B"},{"name":"C"},{"name":"D","capacity":"ten"}]})",
       R"(rooms[3]: 'capacity' must be a whole number from 0 to 100000, not "ten")"},
      {R"({"slug":"x","name":"X","timezone":"UTC","rooms":[{"name":"A","kind":5}]})",
       "rooms[0]: 'kind' must be text, not a number 5"},
      {R"({"slug":"x","name":"X","timezone":"UTC","vote_cap":99999999999999999999})",
       "'vote_cap' must be a whole number"},
      {R"({"slug":"x","name":"X","timezone":"UTC","slots":[{"day":"2026-05-15","start":"11:00"}]})",
       "slots[0]: 'end' is required"},
      {R"(["not", "an", "object"])", "must be one JSON object"},
      {R"({"slug":)", "not valid JSON"},
  };
  for (const auto& [text, message] : cases) {
    TempFile file(text, "event.json");
    const auto r = run_boardwalk("--db " + db.path() + " event import " + file.path());
    EXPECT_EQ(r.status, 1) << text << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << text << "\n" << r.output;
  }
}

TEST(Cli, UsageErrorsExitWith2) {
  TempDb db;
  EXPECT_EQ(run_boardwalk("--db " + db.path() + " event import /no/such/file.json").status, 2);
  EXPECT_EQ(run_boardwalk("--db " + db.path() + " tickets demo").status, 2);
  EXPECT_EQ(run_boardwalk("--db " + db.path() + " tickets demo --generate 0").status, 2);
  EXPECT_EQ(run_boardwalk("--db " + db.path() + " tickets demo --generate many").status, 2);
  EXPECT_EQ(run_boardwalk("--db " + db.path() + " tickets demo --out x.txt").status, 2);
  EXPECT_EQ(run_boardwalk("--no-such-flag").status, 2);
  EXPECT_EQ(run_boardwalk("--port seventy").status, 2);
}

TEST(Cli, CommandsOnAMissingDatabaseDoNotCreateIt) {
  const std::string missing = (std::filesystem::temp_directory_path() / "boardwalk-cli-missing.db").string();
  std::filesystem::remove(missing);
  const auto r = run_boardwalk("--db " + missing + " organizer-code demo");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("no database " + missing), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_EQ(run_boardwalk("--db " + missing + " tickets demo --generate 3").status, 1);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST(Cli, TicketsFromAFileWarnAboutShortCodes) {
  TempDb db;
  { ServerProcess first(db.path()); }
  TempFile codes("# door list\n1234\n5678,Ada\nLONGENOUGH1\n", "codes.csv");
  const auto r = run_boardwalk("--db " + db.path() + " tickets demo " + codes.path());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("warning: 2 of 3 ticket codes are shorter than 8 characters"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("one of about 10,000"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 ticket codes added to 'demo' (3 in all, 0 used)"), std::string::npos) << r.output;
  // The same codes again: the event has them already; nothing is added.
  const auto again = run_boardwalk("--db " + db.path() + " tickets demo " + codes.path());
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.output.find("no tickets added"), std::string::npos) << again.output;
  TempFile twice("ABCDEFGHJK\nABCDEFGHJK\n", "twice.txt");
  const auto dup = run_boardwalk("--db " + db.path() + " tickets demo " + twice.path());
  EXPECT_EQ(dup.status, 1);
  EXPECT_NE(dup.output.find("line 2: the code 'ABCDEFGHJK' is listed twice (also on line 1)"), std::string::npos)
      << dup.output;
  const auto none = run_boardwalk("--db " + db.path() + " tickets nope " + codes.path());
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.output.find("no event 'nope'"), std::string::npos) << none.output;
}

TEST(Cli, GeneratedTicketsGoToStdoutAloneOrToANewFile) {
  TempDb db;
  { ServerProcess first(db.path()); }
  // stdout only: the summary goes to stderr, so `> codes.txt` captures nothing but codes.
  const auto r = run_boardwalk("--db " + db.path() + " tickets demo --generate 5 2>/dev/null || exit 1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::regex_match(r.output, std::regex("([2-9A-HJ-NP-Z]{10}\n){5}"))) << r.output;
  const auto both = run_boardwalk("--db " + db.path() + " tickets demo --generate 5");
  ASSERT_EQ(both.status, 0) << both.output;
  std::istringstream lines(both.output);
  int codes = 0, other = 0;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_match(line, std::regex("[2-9A-HJ-NP-Z]{10}"))) {
      ++codes;
    } else if (line.find(" info ") == std::string::npos) {  // the log goes to stderr too
      ++other;
      EXPECT_NE(line.find("5 ticket codes added to 'demo' (10 in all"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(codes, 5) << both.output;
  EXPECT_EQ(other, 1) << both.output;
  TempFile existing("keep me\n", "existing.txt");
  const auto refused = run_boardwalk("--db " + db.path() + " tickets demo --generate 5 --out " + existing.path());
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.output.find("cannot create " + existing.path()), std::string::npos) << refused.output;
  std::ifstream kept(existing.path());
  std::string first;
  std::getline(kept, first);
  EXPECT_EQ(first, "keep me");
}

}  // namespace
}  // namespace boardwalk::testing
