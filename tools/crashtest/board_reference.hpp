// The true board, rebuilt independently of the running server: the event's change log is read
// from the database and applied with the server's own domain code (the same Board::apply a
// restart uses), then encoded with the protocol codec. What clients received is compared with
// this, and so is what the server serves over HTTP.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace boardwalk::tools {

struct Reference {
  std::int64_t last_seq = 0;
  // changes[k - 1]: change k as a client receives it ({"type":"change",...}).
  std::vector<nlohmann::json> changes;
  // The snapshot message ({"type":"snapshot",...}) as of each requested seq, and of last_seq.
  std::map<std::int64_t, nlohmann::json> snapshots;
};

// Reads the log of `slug` in one read transaction of a read-only connection (a running
// server is not disturbed: WAL readers never block the writer). `snapshot_seqs` are the seqs
// whose board is wanted; each must be <= the stored last seq.
Result<Reference> build_reference(const std::string& db_path, const std::string& slug,
                                  const std::set<std::int64_t>& snapshot_seqs);

}  // namespace boardwalk::tools
