#include "process_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace boardwalk::app {

Result<ProcessLock> ProcessLock::acquire(const std::string& db_path) {
  if (db_path == ":memory:") return ProcessLock(-1);
  const std::string path = db_path + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("storage_error", "cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error("in_use", "the database " + db_path + " is in use by another boardwalk process");
  }
  return ProcessLock(fd);
}

ProcessLock::ProcessLock(ProcessLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

ProcessLock::~ProcessLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace boardwalk::app
