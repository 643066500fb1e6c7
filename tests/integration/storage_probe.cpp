#include "storage_probe.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace boardwalk::testing {

namespace {

std::string column(sqlite3_stmt* q, int i) {
  const auto* p = sqlite3_column_text(q, i);
  return p ? reinterpret_cast<const char*>(p) : "";
}

}  // namespace

std::string integrity_check(const std::string& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string e = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* q = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr) != SQLITE_OK) {
    out = sqlite3_errmsg(db);
  } else {
    int rc = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) out += (out.empty() ? "" : "; ") + column(q, 0);
    if (rc != SQLITE_DONE) out += std::string(" (") + sqlite3_errmsg(db) + ")";
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return out;
}

std::vector<long long> stored_seqs(const std::string& db_path, const std::string& slug) {
  sqlite3* db = nullptr;
  std::vector<long long> out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT seq FROM events WHERE slug = ?1 ORDER BY seq", -1, &q, nullptr);
    sqlite3_bind_text(q, 1, slug.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(q) == SQLITE_ROW) out.push_back(sqlite3_column_int64(q, 0));
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return out;
}

WriteLockHolder::WriteLockHolder(const std::string& db_path) {
  if (sqlite3_open_v2(db_path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    throw std::runtime_error("cannot open " + db_path);
  }
  sqlite3_busy_timeout(db_, 10000);
  holding_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
}

void WriteLockHolder::release() {
  if (holding_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  holding_ = false;
}

WriteLockHolder::~WriteLockHolder() {
  release();
  sqlite3_close(db_);
}

TmpfsMount::TmpfsMount(const std::string& size) : size_(size) {
  std::string templ = (std::filesystem::temp_directory_path() / "boardwalk-tmpfs-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr) {
    why_not_ = "mkdtemp failed";
    return;
  }
  dir_ = templ;
  const std::string data = "size=" + size_ + ",mode=0755";
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, data.c_str()) != 0) {
    why_not_ = std::string("cannot mount a tmpfs (needs root): ") + std::strerror(errno);
    return;
  }
  mounted_ = true;
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  if (!dir_.empty()) ::rmdir(dir_.c_str());
}

bool TmpfsMount::remount(bool read_only) {
  const std::string data = "size=" + size_ + ",mode=0755";
  unsigned long flags = MS_REMOUNT;
  if (read_only) flags |= MS_RDONLY;
  return ::mount("tmpfs", dir_.c_str(), "tmpfs", flags, data.c_str()) == 0;
}

long long TmpfsMount::fill(const std::string& name) {
  const std::string path = dir_ + "/" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  const std::string chunk(4096, 'x');
  long long total = 0;
  for (;;) {
    const ssize_t n = ::write(fd, chunk.data(), chunk.size());
    if (n <= 0) break;
    total += n;
  }
  ::close(fd);
  return total;
}

}  // namespace boardwalk::testing
