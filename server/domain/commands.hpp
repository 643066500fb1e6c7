// Commands: what someone asks the board to do. A command is only a wish; Board::decide
// checks it against the current state and either rejects it or turns it into a Change.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "types.hpp"

namespace boardwalk::domain {

// --- set-up (server itself or organizers) ---
struct CreateEvent {
  static constexpr std::string_view type = "create_event";
  std::string slug, name, timezone;
  int vote_cap = 0;
  std::vector<std::string> sprint_days;
  int topic_cap = 5, project_cap = 3;  // per participant; 0 = no cap
};
struct SetOrganizerCode {
  static constexpr std::string_view type = "set_organizer_code";
  std::string code_hash;
};
struct AddRoom {
  static constexpr std::string_view type = "add_room";
  std::string name;
  RoomKind kind = RoomKind::open_space;
  int capacity = 0;
};
struct AddSlot {
  static constexpr std::string_view type = "add_slot";
  std::string day;
  UnixTime start = 0, end = 0;
};
struct SetVoteCap {
  static constexpr std::string_view type = "set_vote_cap";
  int vote_cap = 0;
};
struct SetLocks {
  static constexpr std::string_view type = "set_locks";
  std::optional<bool> proposals, voting;
};

struct SetVisibility {
  static constexpr std::string_view type = "set_visibility";
  Visibility visibility = Visibility::public_;
};
struct SetCaps {
  static constexpr std::string_view type = "set_caps";
  std::optional<int> topic_cap, project_cap;
};
// An organizer replaces the organizer code (the adapter makes the new code and hashes it).
struct RotateOrganizerCode {
  static constexpr std::string_view type = "rotate_organizer_code";
  std::string code_hash;
};
struct CreateInvitation {
  static constexpr std::string_view type = "create_invitation";
  std::string code_hash;  // of a fresh random code the adapter hands to the organizer once
};

// --- participants ---
struct Join {
  static constexpr std::string_view type = "join";
  std::string name;
  std::string secret_hash;                      // computed by the adapter from a fresh random secret
  std::optional<std::string> code_hash;         // hash of an organizer code, if one was presented
  std::optional<Role> role;                     // only the server itself may pick a role directly
  std::optional<std::string> ticket_hash = {};  // hash of a ticket code, if one was presented
  std::optional<std::string> invite_hash = {};  // hash of an organizer invitation, if one was presented
};
struct CreateDisplay {  // a read-only participant for a lobby screen
  static constexpr std::string_view type = "create_display";
  std::string name;
  std::string secret_hash;
};
struct RemoveParticipant {
  static constexpr std::string_view type = "remove_participant";
  Id participant_id = 0;
  // A fresh organizer code's hash, used when the removed participant is an organizer: what
  // they knew stops working with them.
  std::string new_code_hash = {};
};
struct SetJoinMode {
  static constexpr std::string_view type = "set_join_mode";
  JoinMode mode = JoinMode::open;
};
struct AddTickets {  // from the CLI: hashes of ticket codes, each good for one join
  static constexpr std::string_view type = "add_tickets";
  std::vector<std::string> ticket_hashes;
};
struct SetRole {
  static constexpr std::string_view type = "set_role";
  Id participant_id = 0;
  Role role = Role::attendee;
  std::string new_code_hash = {};  // as for RemoveParticipant, when an organizer is demoted
};

// --- open-space topics ---
struct ProposeTopic {
  static constexpr std::string_view type = "propose_topic";
  std::string title, description;
};
struct EditTopic {
  static constexpr std::string_view type = "edit_topic";
  Id topic_id = 0;
  std::optional<std::string> title, description;
};
struct WithdrawTopic {
  static constexpr std::string_view type = "withdraw_topic";
  Id topic_id = 0;
};
struct ScheduleTopic {
  static constexpr std::string_view type = "schedule_topic";
  Id topic_id = 0, room_id = 0, slot_id = 0;
};
struct UnscheduleTopic {
  static constexpr std::string_view type = "unschedule_topic";
  Id topic_id = 0;
};
struct Vote {
  static constexpr std::string_view type = "vote";
  Id topic_id = 0;
};
struct Unvote {
  static constexpr std::string_view type = "unvote";
  Id topic_id = 0;
};
struct HideTopic {
  static constexpr std::string_view type = "hide_topic";
  Id topic_id = 0;
};
struct UnhideTopic {
  static constexpr std::string_view type = "unhide_topic";
  Id topic_id = 0;
};
struct MergeTopic {
  static constexpr std::string_view type = "merge_topic";
  Id topic_id = 0, into_topic_id = 0;
};

// --- sprint projects ---
struct ProjectFields {  // what create_project sets and edit_project may change
  std::optional<std::string> name, repo_url, description;
  std::optional<std::vector<std::string>> skills;
  std::optional<Level> level;
  std::optional<bool> first_timers;
  std::optional<std::vector<std::string>> days;
  std::optional<std::optional<int>> capacity;  // outer: field present; inner: null = unlimited
};
struct CreateProject {
  static constexpr std::string_view type = "create_project";
  ProjectFields fields;
};
struct EditProject {
  static constexpr std::string_view type = "edit_project";
  Id project_id = 0;
  ProjectFields fields;
};
struct WithdrawProject {
  static constexpr std::string_view type = "withdraw_project";
  Id project_id = 0;
};
struct AddMaintainer {
  static constexpr std::string_view type = "add_maintainer";
  Id project_id = 0, participant_id = 0;
};
struct ClaimTable {
  static constexpr std::string_view type = "claim_table";
  Id project_id = 0;
  std::string day;
  Id room_id = 0;
};
struct ReleaseTable {
  static constexpr std::string_view type = "release_table";
  Id project_id = 0;
  std::string day;
};
struct JoinProject {
  static constexpr std::string_view type = "join_project";
  Id project_id = 0;
};
struct LeaveProject {
  static constexpr std::string_view type = "leave_project";
  Id project_id = 0;
};
struct HideProject {
  static constexpr std::string_view type = "hide_project";
  Id project_id = 0;
};
struct UnhideProject {
  static constexpr std::string_view type = "unhide_project";
  Id project_id = 0;
};

using Command =
    std::variant<CreateEvent, SetOrganizerCode, AddRoom, AddSlot, SetVoteCap, SetLocks, SetVisibility, SetCaps,
                 RotateOrganizerCode, CreateInvitation, Join, SetRole, CreateDisplay, RemoveParticipant, SetJoinMode,
                 AddTickets, ProposeTopic, EditTopic, WithdrawTopic, ScheduleTopic, UnscheduleTopic, Vote, Unvote,
                 HideTopic, UnhideTopic, MergeTopic, CreateProject, EditProject, WithdrawProject, AddMaintainer,
                 ClaimTable, ReleaseTable, JoinProject, LeaveProject, HideProject, UnhideProject>;

std::string_view command_type(const Command& command);

// Who asks: the server itself (imports, demo data, CLI: allowed everything), a connection
// that has not joined yet (may only join), or a participant.
struct Actor {
  enum class Kind { system, anonymous, participant };
  Kind kind = Kind::anonymous;
  Id participant = 0;

  static Actor system() { return Actor{Kind::system, 0}; }
  static Actor anonymous() { return Actor{Kind::anonymous, 0}; }
  static Actor of(Id id) { return Actor{Kind::participant, id}; }
  [[nodiscard]] bool is_system() const { return kind == Kind::system; }
};

}  // namespace boardwalk::domain
