// The board's nouns. Plain data: rules live in board.cpp, wire formats in protocol/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace boardwalk::domain {

using Id = std::int64_t;
using Seq = std::int64_t;
using UnixTime = std::int64_t;  // seconds since the epoch, UTC

enum class Role { attendee, maintainer, organizer, display };  // display: a read-only screen
enum class JoinMode { open, tickets };                         // tickets: each join needs an unused ticket code
enum class RoomKind { open_space, sprint };
enum class TopicState { proposed, scheduled, withdrawn, hidden, merged };
enum class Level { any, beginner, intermediate, advanced };
enum class ProjectState { active, withdrawn, hidden };
// Who may read the board: anyone with the address, or only people who joined the event.
enum class Visibility { public_, participants };

struct EventInfo {
  std::string slug;
  std::string name;
  std::string timezone;                  // IANA name; times are stored in UTC and shown in this zone
  int vote_cap = 0;                      // live votes per participant; 0 = unlimited
  std::vector<std::string> sprint_days;  // local days, YYYY-MM-DD
  bool proposals_locked = false;
  bool voting_locked = false;
  JoinMode join_mode = JoinMode::open;
  std::string organizer_code_hash;  // private: never sent to clients
  Visibility visibility = Visibility::public_;
  // Live topics (proposed, scheduled, hidden) and active or hidden projects one participant
  // may hold at once; 0 = no cap. They bound how big a board anyone can make (organizers are
  // not capped).
  int topic_cap = 5;
  int project_cap = 3;
};

// A single-use invitation to become an organizer, created by an organizer.
struct Invitation {
  Id created_by = 0;
  bool used = false;
};

struct Room {
  Id id = 0;
  std::string name;
  RoomKind kind = RoomKind::open_space;
  int capacity = 0;
};

struct Slot {
  Id id = 0;
  std::string day;  // local calendar day in the event's time zone
  UnixTime start = 0;
  UnixTime end = 0;
};

struct Participant {
  Id id = 0;
  std::string name;
  Role role = Role::attendee;
  bool removed = false;  // removed by an organizer: their secret no longer works
};

struct Topic {
  Id id = 0;
  std::string title;
  std::string description;
  Id convener = 0;
  TopicState state = TopicState::proposed;
  std::optional<Id> room_id;
  std::optional<Id> slot_id;
  std::optional<Id> merged_into;
  std::vector<Id> voters;  // in the order the votes were cast
};

struct Project {
  Id id = 0;
  std::string name;
  std::string repo_url;
  std::string description;
  std::vector<Id> maintainers;
  std::vector<std::string> skills;
  Level level = Level::any;
  bool first_timers = false;
  std::vector<std::string> days;
  std::map<std::string, Id> tables;  // day -> room id
  std::vector<Id> attendees;
  std::optional<int> capacity;
  ProjectState state = ProjectState::active;
};

}  // namespace boardwalk::domain
