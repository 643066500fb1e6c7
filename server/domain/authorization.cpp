#include "authorization.hpp"

#include <array>
#include <stdexcept>
#include <string>

namespace boardwalk::domain {
namespace {

constexpr std::array<Permission, 36> table{{
    {"create_event", Allowed::server},
    {"set_organizer_code", Allowed::server},
    {"add_tickets", Allowed::server},
    {"join", Allowed::anyone},
    {"add_room", Allowed::organizer},
    {"add_slot", Allowed::organizer},
    {"set_vote_cap", Allowed::organizer},
    {"set_locks", Allowed::organizer},
    {"set_join_mode", Allowed::organizer},
    {"set_visibility", Allowed::organizer},
    {"set_caps", Allowed::organizer},
    {"rotate_organizer_code", Allowed::organizer},
    {"create_invitation", Allowed::organizer},
    {"set_role", Allowed::organizer},
    {"create_display", Allowed::organizer},
    {"remove_participant", Allowed::organizer},
    {"hide_topic", Allowed::organizer},
    {"unhide_topic", Allowed::organizer},
    {"merge_topic", Allowed::organizer},
    {"hide_project", Allowed::organizer},
    {"unhide_project", Allowed::organizer},
    {"propose_topic", Allowed::participant},
    {"vote", Allowed::participant},
    {"unvote", Allowed::participant},
    {"create_project", Allowed::participant},
    {"join_project", Allowed::participant},
    {"leave_project", Allowed::participant},
    {"edit_topic", Allowed::owner},
    {"withdraw_topic", Allowed::owner},
    {"schedule_topic", Allowed::owner},
    {"unschedule_topic", Allowed::owner},
    {"edit_project", Allowed::owner},
    {"withdraw_project", Allowed::owner},
    {"add_maintainer", Allowed::owner},
    {"claim_table", Allowed::owner},
    {"release_table", Allowed::owner},
}};

}  // namespace

std::span<const Permission> permissions() { return table; }

Allowed allowed_for(std::string_view command_type) {
  for (const auto& p : permissions()) {
    if (p.command == command_type) return p.who;
  }
  // Every command type must have a row: a missing one is a programming error.
  throw std::logic_error("no permission row for command '" + std::string(command_type) + "'");
}

Status authorize(const Board& board, const Command& command, const Actor& actor) {
  const Allowed who = allowed_for(command_type(command));
  if (actor.is_system()) return Ok{};
  if (who == Allowed::server) return make_error("forbidden", "only the server itself can do this");
  if (actor.kind == Actor::Kind::anonymous) {
    if (who == Allowed::anyone) return Ok{};
    return make_error("not_joined", "join the event first");
  }
  const Participant* me = board.participant(actor.participant);
  if (me == nullptr || me->removed) return make_error("not_joined", "you are not a participant of this event");
  if (who == Allowed::anyone) return Ok{};  // join: the rules answer "already joined"
  if (me->role == Role::display) return make_error("forbidden", "display screens are read-only");
  if (who == Allowed::organizer && me->role != Role::organizer) {
    return make_error("forbidden", "only organizers can do this");
  }
  return Ok{};
}

}  // namespace boardwalk::domain
