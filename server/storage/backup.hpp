// Online backup: a consistent copy of a live database, taken with SQLite's backup API while a
// server keeps writing to it (WAL readers never block the writer, and the writer never blocks
// them). Takes no boardwalk process lock.
#pragma once

#include <cstdint>
#include <string>

#include "domain/result.hpp"

namespace boardwalk::storage {

struct BackupReport {
  std::int64_t pages = 0;       // database pages copied
  std::int64_t bytes = 0;       // size of the copy
  std::int64_t events = 0;      // stored changes (rows of `events`) in the copy
};

// Copies `source` (opened read-only; it must exist) to `dest` (which must not exist) as one
// consistent snapshot: the copy is written to `dest`.tmp, checked with PRAGMA integrity_check,
// synced and renamed into place, so `dest` is either absent or complete.
Result<BackupReport> backup_database(const std::string& source, const std::string& dest);

}  // namespace boardwalk::storage
