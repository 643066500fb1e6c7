// A database file path unique to one test, removed (with its WAL and shared-memory files) when
// the test ends, so tests never see each other's data and leave nothing behind.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace boardwalk::test {

class TempDb {
 public:
  TempDb() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    const std::string name = "boardwalk-test-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter++) + "-" + std::to_string(random()) + ".db";
    path_ = (std::filesystem::temp_directory_path() / name).string();
    remove_files();
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  ~TempDb() { remove_files(); }

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  void remove_files() const {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }
  std::string path_;
};

}  // namespace boardwalk::test
