// Who may send which command: one table of role x command x ownership, checked for every
// command before its rules. docs/authorization.md shows the same table; each cell is tested.
#pragma once

#include <span>
#include <string_view>

#include "board.hpp"
#include "commands.hpp"
#include "result.hpp"

namespace boardwalk::domain {

enum class Allowed {
  anyone,       // even a connection that has not joined (join itself)
  participant,  // any joined attendee, maintainer or organizer (never a display)
  owner,        // the topic's convener or a maintainer of the project; organizers too
  organizer,    // organizers (and the server)
  server,       // only the server itself: CLI, imports, demo data
};

struct Permission {
  std::string_view command;
  Allowed who;
};

std::span<const Permission> permissions();
Allowed allowed_for(std::string_view command_type);

// The role part of the check (ownership is checked where the owned item is looked up).
// Errors: not_joined (no participant, or removed), forbidden (role not allowed).
Status authorize(const Board& board, const Command& command, const Actor& actor);

}  // namespace boardwalk::domain
