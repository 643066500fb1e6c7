// One boardwalk process per database: the running server holds an exclusive lock on
// DB.lock, so a command (import, organizer-code, tickets) cannot change the file under it:
// acquire() then fails with code "in_use", and the command asks the server instead, through
// its admin socket (app/admin_socket.hpp).
#pragma once

#include <string>

#include "domain/result.hpp"

namespace boardwalk::app {

class ProcessLock {
 public:
  static Result<ProcessLock> acquire(const std::string& db_path);
  ProcessLock(ProcessLock&& other) noexcept;
  ProcessLock& operator=(ProcessLock&&) = delete;
  ProcessLock(const ProcessLock&) = delete;
  ProcessLock& operator=(const ProcessLock&) = delete;
  ~ProcessLock();

 private:
  explicit ProcessLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace boardwalk::app
