#include "backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sqlite.hpp"

namespace boardwalk::storage {

namespace {

Status sync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("storage_error", "cannot open " + path + " to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return make_error("storage_error", "cannot sync " + path + ": " + std::strerror(err));
  return Ok{};
}

// Runs one query that returns one text/integer value per row; rows joined by "; ".
Result<std::string> query_text(const Connection& db, std::string_view sql) {
  auto q = Statement::prepare(db, sql);
  if (!q) return q.error();
  std::string out;
  for (;;) {
    auto row = q->step();
    if (!row) return row.error();
    if (!*row) break;
    if (!out.empty()) out += "; ";
    out += q->column_text(0);
  }
  return out;
}

}  // namespace

Result<BackupReport> backup_database(const std::string& source, const std::string& dest) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(source, ec)) return make_error("not_found", "no database '" + source + "'", "db");
  if (fs::exists(dest, ec)) return make_error("conflict", "'" + dest + "' already exists; choose a new file", "DEST");
  const std::string tmp = dest + ".tmp";
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(tmp + suffix, ec);

  // Read-only: never a writer, never a checkpoint on close, never the process lock.
  auto src = Connection::open(source, /*read_only=*/true);
  if (!src) return src.error();
  auto out = Connection::open(tmp);
  if (!out) return out.error();
  // The copy is a plain rollback-journal file until the server opens it (and sets WAL).
  if (auto s = out->exec("PRAGMA journal_mode=DELETE"); !s) return s.error();

  sqlite3_backup* backup = sqlite3_backup_init(out->handle(), "main", src->handle(), "main");
  if (backup == nullptr) return out->error("cannot start the backup");
  // One step of -1 pages copies everything inside one read transaction: a consistent
  // snapshot even while the server commits (step-by-step copies restart on every commit of
  // another process, and a busy server would starve them). Busy/locked only happen while a
  // checkpoint or recovery holds the file: wait and retry, bounded.
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  }
  const std::int64_t pages = sqlite3_backup_pagecount(backup);
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) {
    Error e = make_error("storage_error", std::string("backup of '") + source + "' failed: " +
                                              sqlite3_errstr(rc != SQLITE_DONE ? rc : finished));
    out = Connection::open(":memory:");  // closes the partial copy before removing it
    fs::remove(tmp, ec);
    return e;
  }

  auto integrity = query_text(*out, "PRAGMA integrity_check");
  if (!integrity) return integrity.error();
  if (*integrity != "ok") {
    fs::remove(tmp, ec);
    return make_error("storage_error", "the copy failed its integrity check: " + *integrity);
  }
  BackupReport report;
  report.pages = pages;
  if (auto n = query_text(*out, "SELECT COUNT(*) FROM events"); n) report.events = std::stoll(*n);
  out = Connection::open(":memory:");  // close the copy before syncing and renaming it
  if (!out) return out.error();
  if (auto s = sync_path(tmp); !s) return s.error();
  if (::rename(tmp.c_str(), dest.c_str()) != 0) {
    return make_error("storage_error", "cannot rename " + tmp + " to " + dest + ": " + std::strerror(errno));
  }
  const fs::path dir = fs::absolute(dest, ec).parent_path();
  (void)sync_path(dir.string());  // the rename itself is durable once the directory is synced
  report.bytes = static_cast<std::int64_t>(fs::file_size(dest, ec));
  return report;
}

}  // namespace boardwalk::storage
