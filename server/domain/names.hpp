// Stable names of enum values, shared by the wire format, storage and messages.
#pragma once

#include <optional>
#include <string_view>

#include "types.hpp"

namespace boardwalk::domain {

std::string_view to_string(Role v);
std::string_view to_string(RoomKind v);
std::string_view to_string(TopicState v);
std::string_view to_string(Level v);
std::string_view to_string(ProjectState v);
std::string_view to_string(JoinMode v);
std::string_view to_string(Visibility v);

std::optional<Role> role_from(std::string_view s);
std::optional<RoomKind> room_kind_from(std::string_view s);
std::optional<TopicState> topic_state_from(std::string_view s);
std::optional<Level> level_from(std::string_view s);
std::optional<ProjectState> project_state_from(std::string_view s);
std::optional<JoinMode> join_mode_from(std::string_view s);
std::optional<Visibility> visibility_from(std::string_view s);

}  // namespace boardwalk::domain
