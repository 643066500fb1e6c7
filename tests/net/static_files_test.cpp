#include "net/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace boardwalk::net {
namespace {

namespace fs = std::filesystem;

TEST(ResolveStatic, MapsAppRoutesAndRefusesEscapes) {
  EXPECT_EQ(resolve_static("/srv/web/", "/"), "/srv/web/index.html");
  EXPECT_EQ(resolve_static("/srv/web", "/e/demo?x=1"), "/srv/web/index.html");
  EXPECT_EQ(resolve_static("/srv/web", "/lobby/demo"), "/srv/web/lobby.html");
  EXPECT_EQ(resolve_static("/srv/web", "/js/app.js"), "/srv/web/js/app.js");
  for (const char* bad : {"/../etc/passwd", "/%2e%2e/x", "/.hidden", "/a//b", "/a%00b", "/a\\b", "/%zz", "x"}) {
    EXPECT_FALSE(resolve_static("/srv/web", bad).has_value()) << bad;
  }
}

class FindStaticFile : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("boardwalk-static-" + std::to_string(::getpid()));
    fs::create_directories(base_ / "web" / "sub");
    fs::create_directories(base_ / "web-other");
    fs::create_directories(base_ / "outside" / "dir");
    std::ofstream(base_ / "web" / "app.js") << "1";
    std::ofstream(base_ / "web" / "sub" / "page.html") << "2";
    std::ofstream(base_ / "web-other" / "x.js") << "3";
    std::ofstream(base_ / "outside" / "secret.txt") << "4";
    std::ofstream(base_ / "outside" / "dir" / "x.txt") << "5";
    fs::create_symlink(base_ / "outside" / "secret.txt", base_ / "web" / "leak.txt");
    fs::create_symlink("../web-other/x.js", base_ / "web" / "sibling.js");
    fs::create_symlink(base_ / "outside" / "dir", base_ / "web" / "outdir");
    fs::create_symlink("app.js", base_ / "web" / "alias.js");
    fs::create_symlink("sub", base_ / "web" / "inner");
    fs::create_symlink("nowhere", base_ / "web" / "dangling.js");
    // The root itself may be a link (an installed package pointing at the shipped files).
    fs::create_symlink(base_ / "web", base_ / "web-link");
  }
  void TearDown() override { fs::remove_all(base_); }
  [[nodiscard]] std::string root() const { return (base_ / "web").string(); }

  fs::path base_;
};

TEST_F(FindStaticFile, RegularFilesInsideTheRootAreFound) {
  EXPECT_EQ(find_static_file(root(), "/app.js"), fs::canonical(base_ / "web" / "app.js").string());
  EXPECT_EQ(find_static_file(root(), "/alias.js"), fs::canonical(base_ / "web" / "app.js").string());
  EXPECT_EQ(find_static_file(root(), "/inner/page.html"), fs::canonical(base_ / "web" / "sub" / "page.html").string());
  EXPECT_TRUE(find_static_file((base_ / "web-link").string(), "/app.js").has_value());
}

TEST_F(FindStaticFile, LinksOutOfTheRootAreNotFollowed) {
  EXPECT_FALSE(find_static_file(root(), "/leak.txt").has_value());
  EXPECT_FALSE(find_static_file(root(), "/outdir/x.txt").has_value());
  EXPECT_FALSE(find_static_file(root(), "/sibling.js").has_value()) << "a name prefix is not a parent directory";
}

TEST_F(FindStaticFile, DirectoriesAndMissingFilesAreNotFiles) {
  for (const char* path : {"/sub", "/inner", "/outdir", "/missing.js", "/dangling.js"}) {
    EXPECT_FALSE(find_static_file(root(), path).has_value()) << path;
  }
  EXPECT_FALSE(find_static_file((base_ / "no-such-root").string(), "/app.js").has_value());
}

}  // namespace
}  // namespace boardwalk::net
