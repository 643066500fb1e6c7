// One event's board: the state, the rules (decide) and the state transitions (apply).
// Plain C++ with no I/O so every rule is unit-tested directly. The engine owns one Board per
// event and is its only writer.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "changes.hpp"
#include "commands.hpp"
#include "result.hpp"
#include "types.hpp"

namespace boardwalk::domain {

// A board's whole state as plain data, private fields and indexes included: exactly what
// apply() maintains. A stored board snapshot holds this, so that a board restored from it is
// the very board a full replay of the change log would build (protocol/board_state_codec).
struct BoardState {
  Seq seq = 0;
  EventInfo info;
  std::map<Id, Room> rooms;
  std::map<Id, Slot> slots;
  std::map<Id, Participant> participants;
  std::map<Id, Topic> topics;
  std::map<Id, Project> projects;
  std::map<std::pair<Id, Id>, Id> cells;
  std::map<std::pair<std::string, Id>, Id> tables;
  std::unordered_map<std::string, Id> secrets;
  std::unordered_map<std::string, Id> tickets;
  std::size_t tickets_used = 0;
  std::unordered_map<Id, int> votes_used;
  std::set<std::pair<Id, Id>> votes;
  std::unordered_map<std::string, Invitation> invitations;  // invitation code hash -> invitation
  Id next_room = 1, next_slot = 1, next_participant = 1, next_topic = 1, next_project = 1;
};

class Board {
 public:
  // The whole state (a copy), and a board made from one: from_state(b.state()) equals b.
  // from_state trusts its input; decoders check what they read before handing it over.
  [[nodiscard]] BoardState state() const;
  static Board from_state(BoardState state);

  // Checks `command` from `actor` against the current state. On success returns the change
  // that applying it would make; the board itself is not modified.
  [[nodiscard]] Result<ChangeBody> decide(const Command& command, const Actor& actor) const;

  // Applies a change produced by decide() (now or, on replay, in an earlier run).
  // change.seq must be seq() + 1: anything else is a programming error and throws.
  void apply(const Change& change);

  [[nodiscard]] Seq seq() const { return seq_; }
  [[nodiscard]] bool created() const { return seq_ > 0; }
  [[nodiscard]] const EventInfo& info() const { return info_; }
  [[nodiscard]] const std::map<Id, Room>& rooms() const { return rooms_; }
  [[nodiscard]] const std::map<Id, Slot>& slots() const { return slots_; }
  [[nodiscard]] const std::map<Id, Participant>& participants() const { return participants_; }
  [[nodiscard]] const std::map<Id, Topic>& topics() const { return topics_; }
  [[nodiscard]] const std::map<Id, Project>& projects() const { return projects_; }

  [[nodiscard]] const Participant* participant(Id id) const;
  [[nodiscard]] const Topic* topic(Id id) const;
  [[nodiscard]] const Project* project(Id id) const;
  // The live (not removed) participant holding `secret_hash`.
  [[nodiscard]] std::optional<Id> participant_by_secret(const std::string& secret_hash) const;
  [[nodiscard]] std::size_t tickets_total() const { return tickets_.size(); }
  [[nodiscard]] std::size_t tickets_used() const { return tickets_used_; }
  // Live votes a participant has cast (on topics not withdrawn or merged).
  [[nodiscard]] int votes_used(Id participant) const;
  // The topics a participant's live votes are on, in id order.
  [[nodiscard]] std::vector<Id> votes_of(Id participant) const;
  // The projects a participant joined (any state), in id order.
  [[nodiscard]] std::vector<Id> projects_joined_by(Id participant) const;
  // Whether a participant appears on the public board: they convene a topic or maintain a
  // project. Everyone else is known to organizers only (protocol.md, "Privacy").
  [[nodiscard]] bool listed(Id participant) const;
  // Live topics (proposed, scheduled, hidden) a participant convenes, and active or hidden
  // projects they maintain: what topic_cap and project_cap count.
  [[nodiscard]] int live_topics_of(Id participant) const;
  [[nodiscard]] int live_projects_of(Id participant) const;
  [[nodiscard]] const Invitation* invitation(const std::string& code_hash) const;
  // Topic holding room x slot, if any.
  [[nodiscard]] std::optional<Id> cell_holder(Id room, Id slot) const;
  // Project holding a sprint table on a day, if any.
  [[nodiscard]] std::optional<Id> table_holder(const std::string& day, Id room) const;

 private:
  friend struct Decider;
  friend struct Applier;

  void free_cell(Topic& topic);
  void release_tables(Project& project);
  void index_tables(const Project& project);
  void add_vote(Id topic, Id participant);
  void drop_vote(Id topic, Id participant);
  void rebuild_derived_indexes();

  Seq seq_ = 0;
  EventInfo info_;
  std::map<Id, Room> rooms_;
  std::map<Id, Slot> slots_;
  std::map<Id, Participant> participants_;
  std::map<Id, Topic> topics_;
  std::map<Id, Project> projects_;

  // Indexes kept in step with the maps above by apply(), for O(log n) rule checks.
  std::map<std::pair<Id, Id>, Id> cells_;            // (room, slot) -> topic
  std::map<std::pair<std::string, Id>, Id> tables_;  // (day, room) -> project
  std::unordered_map<std::string, Id> secrets_;      // secret hash -> participant
  std::unordered_map<std::string, Id> tickets_;      // ticket hash -> participant (0 = unused)
  std::size_t tickets_used_ = 0;
  std::unordered_map<Id, int> votes_used_;   // participant -> live votes
  std::set<std::pair<Id, Id>> votes_;        // (topic, participant)
  std::set<std::pair<Id, Id>> ballots_;      // (participant, topic): votes_ the other way round, not stored
  std::unordered_map<Id, int> convened_;     // participant -> topics convened (any state), not stored
  std::unordered_map<Id, int> live_topics_;  // participant -> live topics convened, not stored
  std::unordered_map<std::string, Invitation> invitations_;  // code hash -> invitation
  Id next_room_ = 1, next_slot_ = 1, next_participant_ = 1, next_topic_ = 1, next_project_ = 1;
};

}  // namespace boardwalk::domain
