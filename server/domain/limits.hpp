// Size limits of everything a person can type or ask for, in one place so the docs, the
// protocol decoder and the rules agree.
#pragma once

#include <cstddef>

namespace boardwalk::domain::limits {

inline constexpr std::size_t participant_name = 60;
inline constexpr std::size_t title = 120;  // topic titles, project names, event names
inline constexpr std::size_t description = 2000;
inline constexpr std::size_t room_name = 60;
inline constexpr std::size_t skill = 30;
inline constexpr std::size_t skills = 10;
inline constexpr std::size_t repo_url = 300;
inline constexpr std::size_t slug = 64;
inline constexpr std::size_t sprint_days = 14;
inline constexpr int max_vote_cap = 1000;
inline constexpr int max_room_capacity = 100000;
inline constexpr int max_project_capacity = 1000;
inline constexpr long long max_slot_seconds = 24LL * 3600;
inline constexpr std::size_t max_tickets = 100000;        // per event
inline constexpr int max_cap = 100;                       // topic_cap / project_cap per participant
inline constexpr std::size_t max_open_invitations = 100;  // unused organizer invitations per event

}  // namespace boardwalk::domain::limits
