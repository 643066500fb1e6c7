// Schema migrations: numbered SQL files from schema/, embedded in the binary at build time,
// applied in order at start-up, each in its own transaction and recorded in
// schema_migrations, so a database made by any older boardwalk upgrades itself.
#pragma once

#include <string>
#include <vector>

#include "domain/result.hpp"
#include "sqlite.hpp"

namespace boardwalk::storage {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& embedded_migrations();

// Applies the migrations in `list` that the database has not recorded yet; returns the
// names of those it applied. Refuses a database recorded at a version newer than `list`.
Result<std::vector<std::string>> migrate(Connection& db, const std::vector<Migration>& list);

}  // namespace boardwalk::storage
