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

json encode_board(const domain::Board& board);
// {"type":"snapshot","event":SLUG,"seq":N,"board":{...}}
json encode_snapshot(const domain::Board& board);
// {"type":"change","event":SLUG,"seq":N,"kind":K,"actor":A,"at":ISO, ...fields}
json encode_change(const domain::Change& change, const std::string& slug, Audience audience);
// Reads back what encode_change(..., Audience::storage) wrote.
Result<domain::Change> decode_change(const json& j);

json to_json_value(const domain::Room& r);
json to_json_value(const domain::Slot& s);
json to_json_value(const domain::Participant& p);
json to_json_value(const domain::Topic& t);
json to_json_value(const domain::Project& p);

}  // namespace boardwalk::protocol
