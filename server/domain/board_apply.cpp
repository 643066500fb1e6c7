// Board::apply: the state transitions. A change has already been checked by decide() (or was
// stored after being checked), so applying it cannot fail; it only keeps state and indexes
// in step.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "board.hpp"

namespace boardwalk::domain {
namespace {

template <typename T>
void erase_value(std::vector<T>& v, const T& x) {
  std::erase(v, x);
}

}  // namespace

struct Applier {
  Board& b;
  UnixTime at;

  Topic& topic(Id id) { return b.topics_.at(id); }
  Project& project(Id id) { return b.projects_.at(id); }

  void make_maintainer(Id participant) {
    auto it = b.participants_.find(participant);
    if (it != b.participants_.end() && it->second.role == Role::attendee) {
      it->second.role = Role::maintainer;
    }
  }
  // A withdrawn or merged topic's votes go back to the voters' budgets.
  void refund_votes(Topic& t) {
    for (const Id v : t.voters) {
      b.drop_vote(t.id, v);
      if (--b.votes_used_[v] <= 0) b.votes_used_.erase(v);
    }
  }
  // What an organizer who loses the role knew stops working: the code is replaced and the
  // invitations they handed out but nobody used are void.
  void revoke_organizer(Id participant, const std::string& new_code_hash) {
    if (new_code_hash.empty()) return;
    b.info_.organizer_code_hash = new_code_hash;
    std::erase_if(b.invitations_,
                  [&](const auto& kv) { return !kv.second.used && kv.second.created_by == participant; });
  }

  void operator()(const EventCreated& c) {
    b.info_.slug = c.slug;
    b.info_.name = c.name;
    b.info_.timezone = c.timezone;
    b.info_.vote_cap = c.vote_cap;
    b.info_.sprint_days = c.sprint_days;
    b.info_.topic_cap = c.topic_cap;
    b.info_.project_cap = c.project_cap;
  }
  void operator()(const OrganizerCodeSet& c) { b.info_.organizer_code_hash = c.code_hash; }
  void operator()(const RoomAdded& c) {
    b.rooms_[c.room.id] = c.room;
    b.next_room_ = std::max(b.next_room_, c.room.id + 1);
  }
  void operator()(const SlotAdded& c) {
    b.slots_[c.slot.id] = c.slot;
    b.next_slot_ = std::max(b.next_slot_, c.slot.id + 1);
  }
  void operator()(const VoteCapSet& c) { b.info_.vote_cap = c.vote_cap; }
  void operator()(const LocksSet& c) {
    b.info_.proposals_locked = c.proposals;
    b.info_.voting_locked = c.voting;
  }
  void operator()(const VisibilitySet& c) { b.info_.visibility = c.visibility; }
  void operator()(const CapsSet& c) {
    b.info_.topic_cap = c.topic_cap;
    b.info_.project_cap = c.project_cap;
  }
  void operator()(const InvitationCreated& c) { b.invitations_[c.code_hash] = Invitation{c.created_by, false}; }
  void operator()(const ParticipantJoined& c) {
    b.participants_[c.participant.id] = c.participant;
    b.secrets_[c.secret_hash] = c.participant.id;
    if (!c.ticket_hash.empty()) {
      b.tickets_[c.ticket_hash] = c.participant.id;
      ++b.tickets_used_;
    }
    if (!c.invite_hash.empty()) b.invitations_[c.invite_hash].used = true;
    b.next_participant_ = std::max(b.next_participant_, c.participant.id + 1);
  }
  void operator()(const ParticipantRoleSet& c) {
    b.participants_.at(c.participant_id).role = c.role;
    revoke_organizer(c.participant_id, c.new_code_hash);
  }
  void operator()(const ParticipantRemoved& c) {
    Participant& p = b.participants_.at(c.participant_id);
    p.removed = true;
    revoke_organizer(c.participant_id, c.new_code_hash);
    std::erase_if(b.secrets_, [&](const auto& kv) { return kv.second == c.participant_id; });
    // Their votes and project sign-ups go: a prankster's ballot stuffing disappears with them.
    for (auto& [id, t] : b.topics_) {
      if (b.votes_.contains({id, c.participant_id})) {
        b.drop_vote(id, c.participant_id);
        erase_value(t.voters, c.participant_id);
      }
    }
    b.votes_used_.erase(c.participant_id);
    for (auto& [id, project] : b.projects_) erase_value(project.attendees, c.participant_id);
  }
  void operator()(const JoinModeSet& c) { b.info_.join_mode = c.mode; }
  void operator()(const TicketsAdded& c) {
    for (const auto& h : c.ticket_hashes) b.tickets_.emplace(h, 0);
  }
  void operator()(const TopicProposed& c) {
    b.topics_[c.topic.id] = c.topic;
    ++b.convened_[c.topic.convener];
    ++b.live_topics_[c.topic.convener];
    b.next_topic_ = std::max(b.next_topic_, c.topic.id + 1);
  }
  void operator()(const TopicEdited& c) {
    Topic& t = topic(c.topic_id);
    t.title = c.title;
    t.description = c.description;
  }
  void operator()(const TopicWithdrawn& c) {
    Topic& t = topic(c.topic_id);
    b.free_cell(t);
    refund_votes(t);
    t.state = TopicState::withdrawn;
    --b.live_topics_[t.convener];
  }
  void operator()(const TopicScheduled& c) {
    Topic& t = topic(c.topic_id);
    b.free_cell(t);  // scheduling a scheduled topic moves it
    t.room_id = c.room_id;
    t.slot_id = c.slot_id;
    t.state = TopicState::scheduled;
    b.cells_[{c.room_id, c.slot_id}] = t.id;
  }
  void operator()(const TopicUnscheduled& c) {
    Topic& t = topic(c.topic_id);
    b.free_cell(t);
    t.state = TopicState::proposed;
  }
  void operator()(const VoteAdded& c) {
    topic(c.topic_id).voters.push_back(c.participant_id);
    b.add_vote(c.topic_id, c.participant_id);
    ++b.votes_used_[c.participant_id];
  }
  void operator()(const VoteRemoved& c) {
    erase_value(topic(c.topic_id).voters, c.participant_id);
    b.drop_vote(c.topic_id, c.participant_id);
    if (--b.votes_used_[c.participant_id] <= 0) b.votes_used_.erase(c.participant_id);
  }
  void operator()(const TopicHidden& c) {
    Topic& t = topic(c.topic_id);
    b.free_cell(t);
    t.state = TopicState::hidden;
  }
  void operator()(const TopicUnhidden& c) { topic(c.topic_id).state = TopicState::proposed; }
  void operator()(const TopicMerged& c) {
    Topic& from = topic(c.topic_id);
    Topic& into = topic(c.into_topic_id);
    b.free_cell(from);
    for (const Id v : from.voters) {
      b.drop_vote(from.id, v);
      if (!b.votes_.contains({into.id, v})) {
        b.add_vote(into.id, v);
        into.voters.push_back(v);  // the vote moves and still counts against v's budget
      } else if (--b.votes_used_[v] <= 0) {
        b.votes_used_.erase(v);  // voted for both: keeps one vote, gets the other back
      }
    }
    from.voters.clear();
    from.state = TopicState::merged;
    --b.live_topics_[from.convener];
    from.merged_into = into.id;
  }
  void operator()(const ProjectCreated& c) {
    b.projects_[c.project.id] = c.project;
    b.index_tables(c.project);
    for (const Id m : c.project.maintainers) make_maintainer(m);
    b.next_project_ = std::max(b.next_project_, c.project.id + 1);
  }
  void operator()(const ProjectEdited& c) {
    Project& p = project(c.project.id);
    b.release_tables(p);
    p = c.project;
    b.index_tables(p);
  }
  void operator()(const ProjectWithdrawn& c) {
    Project& p = project(c.project_id);
    b.release_tables(p);
    p.state = ProjectState::withdrawn;
  }
  void operator()(const MaintainerAdded& c) {
    project(c.project_id).maintainers.push_back(c.participant_id);
    make_maintainer(c.participant_id);
  }
  void operator()(const TableClaimed& c) {
    Project& p = project(c.project_id);
    if (const auto old = p.tables.find(c.day); old != p.tables.end()) {
      b.tables_.erase({c.day, old->second});  // re-claiming on the same day moves the table
    }
    p.tables[c.day] = c.room_id;
    b.tables_[{c.day, c.room_id}] = p.id;
  }
  void operator()(const TableReleased& c) {
    Project& p = project(c.project_id);
    if (const auto it = p.tables.find(c.day); it != p.tables.end()) {
      b.tables_.erase({c.day, it->second});
      p.tables.erase(it);
    }
  }
  void operator()(const ProjectJoined& c) { project(c.project_id).attendees.push_back(c.participant_id); }
  void operator()(const ProjectLeft& c) { erase_value(project(c.project_id).attendees, c.participant_id); }
  void operator()(const ProjectHidden& c) {
    Project& p = project(c.project_id);
    b.release_tables(p);
    p.state = ProjectState::hidden;
  }
  void operator()(const ProjectUnhidden& c) { project(c.project_id).state = ProjectState::active; }
};

void Board::apply(const Change& change) {
  if (change.seq != seq_ + 1) {
    throw std::logic_error("change seq " + std::to_string(change.seq) + " applied at seq " + std::to_string(seq_));
  }
  std::visit(Applier{*this, change.at}, change.body);
  seq_ = change.seq;
}

void Board::add_vote(Id topic, Id participant) {
  votes_.insert({topic, participant});
  ballots_.insert({participant, topic});
}

void Board::drop_vote(Id topic, Id participant) {
  votes_.erase({topic, participant});
  ballots_.erase({participant, topic});
}

void Board::rebuild_derived_indexes() {
  ballots_.clear();
  for (const auto& [topic, participant] : votes_) ballots_.insert({participant, topic});
  convened_.clear();
  live_topics_.clear();
  for (const auto& [id, t] : topics_) {
    ++convened_[t.convener];
    if (t.state != TopicState::withdrawn && t.state != TopicState::merged) ++live_topics_[t.convener];
  }
}

void Board::free_cell(Topic& topic) {
  if (topic.room_id && topic.slot_id) cells_.erase({*topic.room_id, *topic.slot_id});
  topic.room_id.reset();
  topic.slot_id.reset();
}

void Board::release_tables(Project& project) {
  for (const auto& [day, room] : project.tables) tables_.erase({day, room});
  project.tables.clear();
}

void Board::index_tables(const Project& project) {
  for (const auto& [day, room] : project.tables) tables_[{day, room}] = project.id;
}

const Participant* Board::participant(Id id) const {
  const auto it = participants_.find(id);
  return it == participants_.end() ? nullptr : &it->second;
}
const Topic* Board::topic(Id id) const {
  const auto it = topics_.find(id);
  return it == topics_.end() ? nullptr : &it->second;
}
const Project* Board::project(Id id) const {
  const auto it = projects_.find(id);
  return it == projects_.end() ? nullptr : &it->second;
}
std::optional<Id> Board::participant_by_secret(const std::string& secret_hash) const {
  const auto it = secrets_.find(secret_hash);
  if (it == secrets_.end()) return std::nullopt;
  return it->second;
}
int Board::votes_used(Id participant) const {
  const auto it = votes_used_.find(participant);
  return it == votes_used_.end() ? 0 : it->second;
}
std::vector<Id> Board::votes_of(Id participant) const {
  std::vector<Id> out;
  for (auto it = ballots_.lower_bound({participant, 0}); it != ballots_.end() && it->first == participant; ++it) {
    out.push_back(it->second);
  }
  return out;
}
std::vector<Id> Board::projects_joined_by(Id participant) const {
  std::vector<Id> out;
  for (const auto& [id, p] : projects_) {
    if (std::find(p.attendees.begin(), p.attendees.end(), participant) != p.attendees.end()) out.push_back(id);
  }
  return out;
}
bool Board::listed(Id participant) const {
  if (convened_.contains(participant)) return true;
  return std::any_of(projects_.begin(), projects_.end(), [&](const auto& kv) {
    const auto& m = kv.second.maintainers;
    return std::find(m.begin(), m.end(), participant) != m.end();
  });
}
int Board::live_topics_of(Id participant) const {
  const auto it = live_topics_.find(participant);
  return it == live_topics_.end() ? 0 : it->second;
}
int Board::live_projects_of(Id participant) const {
  return static_cast<int>(std::count_if(projects_.begin(), projects_.end(), [&](const auto& kv) {
    const Project& p = kv.second;
    return p.state != ProjectState::withdrawn &&
           std::find(p.maintainers.begin(), p.maintainers.end(), participant) != p.maintainers.end();
  }));
}
const Invitation* Board::invitation(const std::string& code_hash) const {
  const auto it = invitations_.find(code_hash);
  return it == invitations_.end() ? nullptr : &it->second;
}
std::optional<Id> Board::cell_holder(Id room, Id slot) const {
  const auto it = cells_.find({room, slot});
  if (it == cells_.end()) return std::nullopt;
  return it->second;
}
std::optional<Id> Board::table_holder(const std::string& day, Id room) const {
  const auto it = tables_.find({day, room});
  if (it == tables_.end()) return std::nullopt;
  return it->second;
}

}  // namespace boardwalk::domain
