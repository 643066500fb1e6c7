#include "secret_key_file.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/secrets.hpp"

namespace boardwalk::app {

namespace {

// Closes a descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Error io_error(const std::string& what, const std::string& path) {
  return make_error("storage_error", what + " " + path + ": " + std::strerror(errno), "secret_key_file");
}

Status write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error("storage_error", std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return Ok{};
}

// The new file's name in its directory must survive a power loss too.
void sync_directory_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

}  // namespace

Result<std::string> load_secret_key(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return io_error("cannot read the secret key file", path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error("cannot read the secret key file", path);
  if (!S_ISREG(st.st_mode))
    return make_error("storage_error", "the secret key file " + path + " is not a regular file");
  if (st.st_size != static_cast<off_t>(secret_key_bytes)) {
    return make_error("storage_error", "the secret key file " + path + " holds " + std::to_string(st.st_size) +
                                           " bytes, not " + std::to_string(secret_key_bytes) +
                                           ": it is not a boardwalk key (or it was damaged)");
  }
  if ((st.st_mode & 077) != 0) {
    spdlog::warn("the secret key file {} can be read by other users (mode {:o}); chmod 600 it", path,
                 st.st_mode & 0777);
  }
  std::string key(secret_key_bytes, '\0');
  std::size_t done = 0;
  while (done < key.size()) {
    const ssize_t n = ::read(f.fd, key.data() + done, key.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot read the secret key file", path);
    done += static_cast<std::size_t>(n);
  }
  return key;
}

Result<std::string> load_or_create_secret_key(const std::string& path, bool& created) {
  created = false;
  if (::access(path.c_str(), F_OK) == 0) return load_secret_key(path);
  // Written and synced under a temporary name, then linked into place: link() never replaces
  // an existing file, so two processes creating the key at once agree on one of them.
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  const std::string key = engine::random_bytes(secret_key_bytes);
  {
    Fd f{::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)};
    if (f.fd < 0) return io_error("cannot create the secret key file", temp);
    if (::fchmod(f.fd, 0600) != 0 || !write_all(f.fd, key) || ::fsync(f.fd) != 0) {
      const Error e = io_error("cannot write the secret key file", temp);
      ::unlink(temp.c_str());
      return e;
    }
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return load_secret_key(path);  // someone else was first: theirs counts
    errno = link_errno;
    return io_error("cannot create the secret key file", path);
  }
  sync_directory_of(path);
  created = true;
  return key;
}

}  // namespace boardwalk::app
