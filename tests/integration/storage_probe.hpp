// What the storage tests need besides the server: a look at the database file with SQLite
// (integrity, the change log), a second connection that holds the write lock, and a small
// tmpfs (as root) to make a disk full or read-only for real.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

namespace boardwalk::testing {

// "ok" or SQLite's complaints (or the error opening the file).
std::string integrity_check(const std::string& db_path);
// The seqs stored for `slug`, in order (read-only; works while a server runs).
std::vector<long long> stored_seqs(const std::string& db_path, const std::string& slug);

// Another process's writer: BEGIN IMMEDIATE on construction, ROLLBACK on release()/destruction.
class WriteLockHolder {
 public:
  explicit WriteLockHolder(const std::string& db_path);
  ~WriteLockHolder();
  WriteLockHolder(const WriteLockHolder&) = delete;
  WriteLockHolder& operator=(const WriteLockHolder&) = delete;
  [[nodiscard]] bool holding() const { return holding_; }
  void release();

 private:
  sqlite3* db_ = nullptr;
  bool holding_ = false;
};

// A tmpfs of `size` (e.g. "2m") on a fresh directory, unmounted on destruction. Mounting needs
// root (CAP_SYS_ADMIN): check mounted() and skip the test otherwise.
class TmpfsMount {
 public:
  explicit TmpfsMount(const std::string& size);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  [[nodiscard]] bool mounted() const { return mounted_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] const std::string& why_not() const { return why_not_; }
  bool remount(bool read_only);
  // Writes a filler file until the file system is full; returns the bytes written.
  long long fill(const std::string& name);

 private:
  std::string dir_, size_, why_not_;
  bool mounted_ = false;
};

}  // namespace boardwalk::testing
