// What a client can send over the WebSocket, decoded and type-checked (but not yet judged
// against the board: that is the domain's job).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/commands.hpp"
#include "domain/result.hpp"

namespace boardwalk::protocol {

struct SubscribeRequest {
  std::string event;
  std::optional<domain::Seq> since;
};
struct JoinRequest {
  std::string event;
  std::string name;
  std::optional<std::string> code;         // organizer code, in clear: the adapter hashes it
  std::optional<std::string> ticket = {};  // ticket code, in clear: the adapter hashes it
  std::optional<std::string> invite = {};  // organizer invitation code, in clear
};
// Organizers create read-only participants for lobby screens; the engine makes the secret.
struct CreateDisplayRequest {
  std::string name;
};
struct AuthRequest {
  std::string event;
  std::string secret;
};
struct CommandRequest {
  domain::Command command;
};
// Reads that only some participants may make (they see people, not counts).
struct ListParticipantsRequest {};  // organizers: everyone in the event
struct ProjectAttendeesRequest {    // a project's maintainers and organizers: who joined it
  domain::Id project_id = 0;
};

struct Request {
  nlohmann::json id;  // echoed in the answer: a string (<= 64 chars) or an integer
  std::variant<SubscribeRequest, JoinRequest, AuthRequest, CommandRequest, CreateDisplayRequest,
               ListParticipantsRequest, ProjectAttendeesRequest>
      body;
};

struct DecodeFailure {
  nlohmann::json id;  // the request id if it could be read, else null
  Error error;
};

// Parses one client message. Never throws.
std::variant<Request, DecodeFailure> decode_request(std::string_view text);

}  // namespace boardwalk::protocol
