// JSON encoding of the board and its changes: the one wire/storage format of everything the
// domain produces. Private fields (secret and code hashes) are written only for storage.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "domain/board.hpp"
#include "domain/changes.hpp"
#include "domain/result.hpp"

namespace boardwalk::protocol {

using nlohmann::json;

enum class Audience { clients, storage };

// The public board: what every client of the event may see (counts, not voters; only listed
// participants). encode_board_full adds everyone and every voter, for tests and tools.
json encode_board(const domain::Board& board);
json encode_board_full(const domain::Board& board);
// {"type":"snapshot","event":SLUG,"seq":N,"board":{...}}
json encode_snapshot(const domain::Board& board);
// {"type":"change","event":SLUG,"seq":N,"kind":K,"actor":A,"at":ISO, ...fields}
// Audience::clients is the public broadcast; `replayable` is false when a record stored before
// counts were kept lacks what its public form needs (it cannot be replayed to clients).
json encode_change(const domain::Change& change, const std::string& slug, Audience audience);
json encode_change(const domain::Change& change, const std::string& slug, Audience audience, bool& replayable);
// Reads back what encode_change(..., Audience::storage) wrote.
Result<domain::Change> decode_change(const json& j);

json to_json_value(const domain::Room& r);
json to_json_value(const domain::Slot& s);
json to_json_value(const domain::Participant& p);
json to_json_value(const domain::Topic& t);
json to_json_value(const domain::Project& p);
// Public forms (protocol.md, "Privacy"): counts instead of voters and attendees.
json public_json(const domain::Participant& p);
json public_json(const domain::Topic& t);
json public_json(const domain::Project& p);
// A participant as they see themselves in join/auth answers.
json self_json(const domain::Participant& p);

}  // namespace boardwalk::protocol
