// Changes: what happened. Each applied command yields exactly one Change with the next
// gap-free seq of its event. Changes are what is stored, replayed and broadcast, so they
// carry every value the command's effect depends on (ids, full objects): replay is pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "types.hpp"

namespace boardwalk::domain {

struct EventCreated {
  static constexpr std::string_view kind = "event_created";
  std::string slug, name, timezone;
  int vote_cap = 0;
  std::vector<std::string> sprint_days;
  int topic_cap = 5, project_cap = 3;  // records from before caps existed read as these
};
struct OrganizerCodeSet {
  static constexpr std::string_view kind = "organizer_code_set";
  std::string code_hash;  // private
};
struct RoomAdded {
  static constexpr std::string_view kind = "room_added";
  Room room;
};
struct SlotAdded {
  static constexpr std::string_view kind = "slot_added";
  Slot slot;
};
struct VoteCapSet {
  static constexpr std::string_view kind = "vote_cap_set";
  int vote_cap = 0;
};
struct LocksSet {
  static constexpr std::string_view kind = "locks_set";
  bool proposals = false, voting = false;
};
struct VisibilitySet {
  static constexpr std::string_view kind = "visibility_set";
  Visibility visibility = Visibility::public_;
};
struct CapsSet {
  static constexpr std::string_view kind = "caps_set";
  int topic_cap = 0, project_cap = 0;
};
struct InvitationCreated {
  static constexpr std::string_view kind = "invitation_created";
  std::string code_hash;  // private
  Id created_by = 0;
};
struct ParticipantJoined {
  static constexpr std::string_view kind = "participant_joined";
  Participant participant;
  std::string secret_hash;       // private
  std::string ticket_hash = {};  // private; empty when joined without a ticket
  std::string invite_hash = {};  // private; the invitation used up by this join, if any
};
// Vote and sign-up counts after a change, carried by the change itself so that its public
// form (counts, never who) can be encoded from the change alone, also when it is replayed
// from storage. Records stored before counts existed have `known` false.
struct CountsAfter {
  bool known = false;
  std::vector<std::pair<Id, int>> topic_votes;        // topic id -> votes after
  std::vector<std::pair<Id, int>> project_attendees;  // project id -> attendees after
};
struct ParticipantRemoved {
  static constexpr std::string_view kind = "participant_removed";
  Id participant_id = 0;
  std::string new_code_hash = {};  // private; set when an organizer was removed (code rotated)
  CountsAfter counts = {};         // the topics and projects that lost their vote or sign-up
};
struct JoinModeSet {
  static constexpr std::string_view kind = "join_mode_set";
  JoinMode mode = JoinMode::open;
};
struct TicketsAdded {
  static constexpr std::string_view kind = "tickets_added";
  std::vector<std::string> ticket_hashes;  // private; clients see only the count
};
struct ParticipantRoleSet {
  static constexpr std::string_view kind = "participant_role_set";
  Id participant_id = 0;
  Role role = Role::attendee;
  std::string new_code_hash = {};  // private; set when an organizer lost the role (code rotated)
};
struct TopicProposed {
  static constexpr std::string_view kind = "topic_proposed";
  Topic topic;
  std::optional<Participant> convener = {};  // as listed on the board after the change
};
struct TopicEdited {
  static constexpr std::string_view kind = "topic_edited";
  Id topic_id = 0;
  std::string title, description;
};
struct TopicWithdrawn {
  static constexpr std::string_view kind = "topic_withdrawn";
  Id topic_id = 0;
};
struct TopicScheduled {
  static constexpr std::string_view kind = "topic_scheduled";
  Id topic_id = 0, room_id = 0, slot_id = 0;
};
struct TopicUnscheduled {
  static constexpr std::string_view kind = "topic_unscheduled";
  Id topic_id = 0;
};
struct VoteAdded {
  static constexpr std::string_view kind = "vote_added";
  Id topic_id = 0, participant_id = 0;
  int votes = -1;  // the topic's votes after the change; -1 in records stored before counts
};
struct VoteRemoved {
  static constexpr std::string_view kind = "vote_removed";
  Id topic_id = 0, participant_id = 0;
  int votes = -1;
};
struct TopicHidden {
  static constexpr std::string_view kind = "topic_hidden";
  Id topic_id = 0;
};
struct TopicUnhidden {
  static constexpr std::string_view kind = "topic_unhidden";
  Id topic_id = 0;
};
struct TopicMerged {
  static constexpr std::string_view kind = "topic_merged";
  Id topic_id = 0, into_topic_id = 0;
  int votes = -1;  // the surviving topic's votes after the merge
};
struct ProjectCreated {
  static constexpr std::string_view kind = "project_created";
  Project project;
  std::optional<Participant> maintainer = {};  // the creator as listed after the change
};
struct ProjectEdited {
  static constexpr std::string_view kind = "project_edited";
  Project project;
};
struct ProjectWithdrawn {
  static constexpr std::string_view kind = "project_withdrawn";
  Id project_id = 0;
};
struct MaintainerAdded {
  static constexpr std::string_view kind = "maintainer_added";
  Id project_id = 0, participant_id = 0;
  std::optional<Participant> participant = {};  // as listed after the change
};
struct TableClaimed {
  static constexpr std::string_view kind = "table_claimed";
  Id project_id = 0;
  std::string day;
  Id room_id = 0;
};
struct TableReleased {
  static constexpr std::string_view kind = "table_released";
  Id project_id = 0;
  std::string day;
};
struct ProjectJoined {
  static constexpr std::string_view kind = "project_joined";
  Id project_id = 0, participant_id = 0;
  int attendee_count = -1;  // after the change; -1 in records stored before counts
};
struct ProjectLeft {
  static constexpr std::string_view kind = "project_left";
  Id project_id = 0, participant_id = 0;
  int attendee_count = -1;
};
struct ProjectHidden {
  static constexpr std::string_view kind = "project_hidden";
  Id project_id = 0;
};
struct ProjectUnhidden {
  static constexpr std::string_view kind = "project_unhidden";
  Id project_id = 0;
};

using ChangeBody =
    std::variant<EventCreated, OrganizerCodeSet, RoomAdded, SlotAdded, VoteCapSet, LocksSet, VisibilitySet, CapsSet,
                 InvitationCreated, ParticipantJoined, ParticipantRoleSet, ParticipantRemoved, JoinModeSet,
                 TicketsAdded, TopicProposed, TopicEdited, TopicWithdrawn, TopicScheduled, TopicUnscheduled, VoteAdded,
                 VoteRemoved, TopicHidden, TopicUnhidden, TopicMerged, ProjectCreated, ProjectEdited, ProjectWithdrawn,
                 MaintainerAdded, TableClaimed, TableReleased, ProjectJoined, ProjectLeft, ProjectHidden,
                 ProjectUnhidden>;

std::string_view change_kind(const ChangeBody& body);

struct Change {
  Seq seq = 0;
  UnixTime at = 0;
  std::optional<Id> actor;  // participant id; none = the server itself
  ChangeBody body;
};

}  // namespace boardwalk::domain
