// The reliability tools find the organizer code in the server's first-start output
// (tools/crashtest/organizer.hpp); a wrong or missing code would make them fail on caps.
#include "organizer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

using boardwalk::tools::organizer_code_from_log;

class OrganizerCodeFromLog : public ::testing::Test {
 protected:
  void write(const std::string& text) { std::ofstream(path_) << text; }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_ =
      (std::filesystem::temp_directory_path() / ("organizer-code-test-" + std::to_string(::getpid()) + ".log"))
          .string();
};

TEST_F(OrganizerCodeFromLog, FindsTheCodeOfTheEventsLink) {
  write(
      "[info] created the demo event 'demo' in x.db\n"
      "organizer link for 'other': http://127.0.0.1:8080/e/other#code=OTHERcode_1\n"
      "organizer link for 'demo': http://127.0.0.1:8080/e/demo#code=q3Kx0mV9bT4u-w8eZ1aN2Q\n"
      "[info] listening on http://127.0.0.1:8080/ (...)\n");
  EXPECT_EQ(organizer_code_from_log(path_, "demo"), "q3Kx0mV9bT4u-w8eZ1aN2Q");
  EXPECT_EQ(organizer_code_from_log(path_, "other"), "OTHERcode_1");
}

TEST_F(OrganizerCodeFromLog, NoneWithoutALinkForThatEvent) {
  write(
      "organizer link for 'demo2': http://127.0.0.1:8080/e/demo2#code=abc\n"
      "[info] listening on http://127.0.0.1:8080/ (...)\n");
  EXPECT_EQ(organizer_code_from_log(path_, "demo"), std::nullopt);
  EXPECT_EQ(organizer_code_from_log(path_ + ".missing", "demo"), std::nullopt);
}

}  // namespace
