// Starts the real boardwalk binary on a free loopback port for a test, and stops it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boardwalk::testing {

class ServerProcess {
 public:
  // Starts `boardwalk --bind 127.0.0.1 --port PORT --db DB` plus `extra`; waits until it
  // prints its listening line. PORT 0 lets the server pick (the chosen port is read back).
  ServerProcess(std::string db_path, std::vector<std::string> extra = {}, unsigned short port = 0);
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();

  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // Everything the server printed so far.
  [[nodiscard]] std::string output() const;
  // The organizer code printed for `slug`, or "" if none was printed.
  [[nodiscard]] std::string organizer_code(const std::string& slug) const;

  int stop();     // SIGTERM and wait; returns the exit status
  void kill9();   // SIGKILL and wait

 private:
  void wait_exit();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  unsigned short port_ = 0;
  int exit_status_ = -1;
  mutable std::mutex mutex_;
  std::string output_;
  std::thread reader_;
};

// A unique temporary file path that is removed (with -wal/-shm/.lock) on destruction.
class TempDb {
 public:
  TempDb();
  ~TempDb();
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace boardwalk::testing
