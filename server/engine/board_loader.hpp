// Start-up (and reload) of one event's board, and the stored board snapshots that keep it
// fast: a board is the newest readable snapshot plus the changes stored after it, instead of
// a replay of the whole change log (1,000,000 changes took 2.8 s). The log stays the source
// of truth; a snapshot that is missing, unreadable or ahead of the log only costs time: the
// loader logs it and replays the log from the start. Snapshots are written on the writer
// thread after a commit has succeeded, and a failed snapshot write is logged and ignored:
// it can never fail or delay a commit.
#pragma once

#include <cstddef>
#include <deque>
#include <string>

#include "domain/board.hpp"
#include "domain/result.hpp"
#include "protocol/messages.hpp"
#include "storage/store.hpp"

namespace boardwalk::engine {

struct LoadedBoard {
  domain::Board board;
  std::deque<protocol::Frame> recent;  // client frames of the last changes, seq recent_first..
  domain::Seq recent_first = 1;
};

struct LoadOptions {
  std::size_t replay_window = 10000;      // how many recent change frames to rebuild
  std::size_t snapshot_interval = 50000;  // store one at load when the replayed tail was this long (0: never)
  domain::UnixTime now = 0;               // created_at of a snapshot stored while loading
};

// Rebuilds `slug` from the store. Reads only the changes after the snapshot it starts from,
// and the last `replay_window` ones for the frames. Errors are about the log itself (a gap,
// an unreadable change, the disk): a bad snapshot is never one.
Result<LoadedBoard> load_board(storage::Store& store, const std::string& slug, const LoadOptions& options);

// Stores a snapshot of `board` if at least `interval` changes are committed beyond the newest
// stored one (1: if any; 0: never). `board` must hold only committed changes. Never fails:
// a failed write is logged, and tried again after another `interval` changes.
void store_snapshot_if_due(storage::Store& store, const std::string& slug, const domain::Board& board,
                           std::size_t interval, domain::UnixTime now);

}  // namespace boardwalk::engine
