#include "names.hpp"

#include <array>
#include <utility>

namespace boardwalk::domain {
namespace {

template <typename E, std::size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

constexpr Table<Role, 4> roles{{{Role::attendee, "attendee"},
                                {Role::maintainer, "maintainer"},
                                {Role::organizer, "organizer"},
                                {Role::display, "display"}}};
constexpr Table<JoinMode, 2> join_modes{{{JoinMode::open, "open"}, {JoinMode::tickets, "tickets"}}};
constexpr Table<Visibility, 2> visibilities{
    {{Visibility::public_, "public"}, {Visibility::participants, "participants"}}};
constexpr Table<RoomKind, 2> room_kinds{{{RoomKind::open_space, "open_space"}, {RoomKind::sprint, "sprint"}}};
constexpr Table<TopicState, 5> topic_states{{{TopicState::proposed, "proposed"},
                                             {TopicState::scheduled, "scheduled"},
                                             {TopicState::withdrawn, "withdrawn"},
                                             {TopicState::hidden, "hidden"},
                                             {TopicState::merged, "merged"}}};
constexpr Table<Level, 4> levels{{{Level::any, "any"},
                                  {Level::beginner, "beginner"},
                                  {Level::intermediate, "intermediate"},
                                  {Level::advanced, "advanced"}}};
constexpr Table<ProjectState, 3> project_states{
    {{ProjectState::active, "active"}, {ProjectState::withdrawn, "withdrawn"}, {ProjectState::hidden, "hidden"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Table<E, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const Table<E, N>& table, std::string_view s) {
  for (const auto& [v, name] : table) {
    if (name == s) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Role v) { return name_of(roles, v); }
std::string_view to_string(RoomKind v) { return name_of(room_kinds, v); }
std::string_view to_string(TopicState v) { return name_of(topic_states, v); }
std::string_view to_string(Level v) { return name_of(levels, v); }
std::string_view to_string(ProjectState v) { return name_of(project_states, v); }
std::string_view to_string(JoinMode v) { return name_of(join_modes, v); }
std::string_view to_string(Visibility v) { return name_of(visibilities, v); }

std::optional<Role> role_from(std::string_view s) { return value_of(roles, s); }
std::optional<RoomKind> room_kind_from(std::string_view s) { return value_of(room_kinds, s); }
std::optional<TopicState> topic_state_from(std::string_view s) { return value_of(topic_states, s); }
std::optional<Level> level_from(std::string_view s) { return value_of(levels, s); }
std::optional<ProjectState> project_state_from(std::string_view s) { return value_of(project_states, s); }
std::optional<JoinMode> join_mode_from(std::string_view s) { return value_of(join_modes, s); }
std::optional<Visibility> visibility_from(std::string_view s) { return value_of(visibilities, s); }

}  // namespace boardwalk::domain
