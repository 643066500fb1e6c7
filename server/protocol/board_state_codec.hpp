// The stored form of a whole board (board snapshots, see storage::Store::save_snapshot): every
// field apply() maintains, private ones included (secret, ticket and organizer-code hashes,
// indexes, next-id counters), so that a board decoded from a snapshot is the board a full
// replay of the change log would build, and a restart replays only the changes after it.
//
// Binary rather than JSON because decoding sits on the start-up path: "BWBS", a format
// version, the fields as zigzag varints and length-prefixed strings (containers in a fixed
// order, hash maps sorted, so equal boards encode to equal bytes), then a 64-bit FNV-1a
// checksum of everything before it. Decoding checks bounds, order, enum ranges, references
// between the parts and the checksum, and returns an error value for anything else.
#pragma once

#include <string>
#include <string_view>

#include "domain/board.hpp"
#include "domain/result.hpp"

namespace boardwalk::protocol {

std::string encode_board_state(const domain::Board& board);
Result<domain::Board> decode_board_state(std::string_view body);

}  // namespace boardwalk::protocol
