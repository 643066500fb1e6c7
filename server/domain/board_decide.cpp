// Board::decide: every rule of the board. Each command is checked against the current state
// and either rejected with a clear error or turned into the change it would make.
#include <algorithm>
#include <string>

#include "authorization.hpp"
#include "board.hpp"
#include "limits.hpp"
#include "names.hpp"
#include "text.hpp"

namespace boardwalk::domain {
namespace {

std::string id_str(Id id) { return std::to_string(id); }

Error not_found(const std::string& what, Id id, const std::string& field) {
  return make_error("not_found", "no " + what + " " + id_str(id), field);
}

bool topic_is_open(const Topic& t) { return t.state == TopicState::proposed || t.state == TopicState::scheduled; }

Error topic_closed(const Topic& t) {
  return make_error("invalid_state", "topic " + id_str(t.id) + " is " + std::string(to_string(t.state)), "topic_id");
}

template <typename T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

struct Decider {
  const Board& b;
  const Actor& actor;

  // --- who may act ---------------------------------------------------------------------

  [[nodiscard]] const Participant* me() const {
    return actor.kind == Actor::Kind::participant ? b.participant(actor.participant) : nullptr;
  }
  [[nodiscard]] bool organizer() const {
    const Participant* p = me();
    return actor.is_system() || (p != nullptr && p->role == Role::organizer);
  }
  // Ownership, the part of authorization that needs the item (see authorization.hpp).
  [[nodiscard]] Status need_convener(const Topic& t) const {
    if (organizer() || t.convener == actor.participant) return Ok{};
    return make_error("forbidden", "only the topic's convener or an organizer can do this", "topic_id");
  }
  [[nodiscard]] Status need_maintainer(const Project& p) const {
    if (organizer() || contains(p.maintainers, actor.participant)) return Ok{};
    return make_error("forbidden", "only the project's maintainers or an organizer can do this", "project_id");
  }
  [[nodiscard]] Id who() const { return actor.participant; }
  // A participant's public entry as it will be after the change (with `role` if it changes).
  [[nodiscard]] std::optional<Participant> as_listed(Id id, std::optional<Role> role) const {
    const Participant* p = b.participant(id);
    if (p == nullptr) return std::nullopt;
    Participant out = *p;
    if (role) out.role = *role;
    return out;
  }
  // Maintaining a project makes an attendee a maintainer (apply's make_maintainer).
  [[nodiscard]] std::optional<Role> maintainer_role(Id id) const {
    const Participant* p = b.participant(id);
    if (p != nullptr && p->role == Role::attendee) return Role::maintainer;
    return std::nullopt;
  }

  // --- lookups ---------------------------------------------------------------------------

  [[nodiscard]] Result<const Topic*> topic(Id id, const std::string& field = "topic_id") const {
    const Topic* t = b.topic(id);
    if (t == nullptr) return not_found("topic", id, field);
    return t;
  }
  [[nodiscard]] Result<const Topic*> open_topic(Id id) const {
    auto t = topic(id);
    if (!t) return t;
    if (!topic_is_open(**t)) return topic_closed(**t);
    return t;
  }
  [[nodiscard]] Result<const Project*> project(Id id) const {
    const Project* p = b.project(id);
    if (p == nullptr) return not_found("project", id, "project_id");
    return p;
  }
  [[nodiscard]] Result<const Project*> active_project(Id id) const {
    auto p = project(id);
    if (!p) return p;
    if ((*p)->state != ProjectState::active) {
      return make_error("invalid_state", "project " + id_str(id) + " is " + std::string(to_string((*p)->state)),
                        "project_id");
    }
    return p;
  }

  // --- value checks ----------------------------------------------------------------------

  [[nodiscard]] Result<std::vector<std::string>> check_days(const std::vector<std::string>& days,
                                                            const std::string& field, bool must_be_sprint_day) const {
    std::vector<std::string> out;
    for (const auto& d : days) {
      if (!is_day(d)) return make_error("invalid_value", "'" + d + "' is not a YYYY-MM-DD day", field);
      if (must_be_sprint_day && !b.info().sprint_days.empty() && !contains(b.info().sprint_days, d)) {
        return make_error("invalid_value", d + " is not a sprint day of this event", field);
      }
      if (!contains(out, d)) out.push_back(d);
    }
    if (out.size() > limits::sprint_days) {
      return make_error("invalid_value", "at most " + std::to_string(limits::sprint_days) + " days", field);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Applies `f` on top of `base`, validating every field that is present.
  [[nodiscard]] Result<Project> merge_fields(Project base, const ProjectFields& f) const {
    if (f.name) {
      auto v = clean_text(*f.name, "name", {1, limits::title, false});
      if (!v) return v.error();
      base.name = *v;
    }
    if (f.repo_url) {
      auto v = clean_text(*f.repo_url, "repo_url", {1, limits::repo_url, false});
      if (!v) return v.error();
      if (!is_http_url(*v)) {
        return make_error("invalid_value", "repo_url must be an http:// or https:// URL", "repo_url");
      }
      base.repo_url = *v;
    }
    if (f.description) {
      auto v = clean_text(*f.description, "description", {0, limits::description, true});
      if (!v) return v.error();
      base.description = *v;
    }
    if (f.skills) {
      if (f.skills->size() > limits::skills) {
        return make_error("invalid_value", "at most " + std::to_string(limits::skills) + " skills", "skills");
      }
      std::vector<std::string> skills;
      for (const auto& s : *f.skills) {
        auto v = clean_text(s, "skills", {1, limits::skill, false});
        if (!v) return v.error();
        if (!contains(skills, *v)) skills.push_back(*v);
      }
      base.skills = std::move(skills);
    }
    if (f.level) base.level = *f.level;
    if (f.first_timers) base.first_timers = *f.first_timers;
    if (f.days) {
      auto v = check_days(*f.days, "days", true);
      if (!v) return v.error();
      base.days = *v;
      // A table claimed for a day the project no longer sprints on is released.
      std::erase_if(base.tables, [&](const auto& kv) { return !contains(base.days, kv.first); });
    }
    if (f.capacity) {
      if (*f.capacity && (**f.capacity < 1 || **f.capacity > limits::max_project_capacity)) {
        return make_error(
            "invalid_value",
            "capacity must be between 1 and " + std::to_string(limits::max_project_capacity) + ", or null", "capacity");
      }
      base.capacity = *f.capacity;
    }
    return base;
  }

  // --- set-up ----------------------------------------------------------------------------

  Result<ChangeBody> operator()(const CreateEvent& c) const {
    if (b.created()) return make_error("conflict", "the event already exists", "slug");
    if (c.slug.empty() || c.slug.size() > limits::slug ||
        !std::all_of(c.slug.begin(), c.slug.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'; }) ||
        c.slug.front() == '-') {
      return make_error("invalid_value", "slug must be 1-64 lowercase letters, digits or '-', not starting with '-'",
                        "slug");
    }
    auto name = clean_text(c.name, "name", {1, limits::title, false});
    if (!name) return name.error();
    if (!is_timezone_name(c.timezone)) {
      return make_error("invalid_value", "timezone must be an IANA name like Europe/Prague", "timezone");
    }
    if (c.vote_cap < 0 || c.vote_cap > limits::max_vote_cap) {
      return make_error("invalid_value", "vote_cap must be between 0 and 1000", "vote_cap");
    }
    auto days = check_days(c.sprint_days, "sprint_days", false);
    if (!days) return days.error();
    for (const auto& [cap, field] : {std::pair{c.topic_cap, "topic_cap"}, std::pair{c.project_cap, "project_cap"}}) {
      if (cap < 0 || cap > limits::max_cap) {
        return make_error("invalid_value",
                          std::string(field) + " must be between 0 (no cap) and " + std::to_string(limits::max_cap),
                          field);
      }
    }
    return EventCreated{c.slug, *name, c.timezone, c.vote_cap, *days, c.topic_cap, c.project_cap};
  }

  Result<ChangeBody> operator()(const SetOrganizerCode& c) const {
    if (c.code_hash.empty()) return make_error("invalid_value", "empty code", "code");
    return OrganizerCodeSet{c.code_hash};
  }

  Result<ChangeBody> operator()(const AddRoom& c) const {
    auto name = clean_text(c.name, "name", {1, limits::room_name, false});
    if (!name) return name.error();
    for (const auto& [id, r] : b.rooms()) {
      if (r.name == *name) return make_error("conflict", "a room named '" + *name + "' exists", "name");
    }
    if (c.capacity < 0 || c.capacity > limits::max_room_capacity) {
      return make_error("invalid_value", "capacity must be between 0 and 100000", "capacity");
    }
    return RoomAdded{Room{b.next_room_, *name, c.kind, c.capacity}};
  }

  Result<ChangeBody> operator()(const AddSlot& c) const {
    if (!is_day(c.day)) return make_error("invalid_value", "day must be YYYY-MM-DD", "day");
    if (c.end <= c.start) return make_error("invalid_value", "end must be after start", "end");
    if (c.end - c.start > limits::max_slot_seconds) {
      return make_error("invalid_value", "a slot lasts at most 24 hours", "end");
    }
    for (const auto& [id, s] : b.slots()) {
      if (s.day == c.day && s.start < c.end && c.start < s.end) {
        return make_error("conflict", "overlaps slot " + id_str(id) + " of the same day", "start");
      }
    }
    return SlotAdded{Slot{b.next_slot_, c.day, c.start, c.end}};
  }

  Result<ChangeBody> operator()(const SetVoteCap& c) const {
    if (c.vote_cap < 0 || c.vote_cap > limits::max_vote_cap) {
      return make_error("invalid_value", "vote_cap must be between 0 and 1000", "vote_cap");
    }
    return VoteCapSet{c.vote_cap};
  }

  Result<ChangeBody> operator()(const SetLocks& c) const {
    if (!c.proposals && !c.voting) {
      return make_error("bad_request", "give proposals or voting (or both)", "proposals");
    }
    return LocksSet{c.proposals.value_or(b.info().proposals_locked), c.voting.value_or(b.info().voting_locked)};
  }

  Result<ChangeBody> operator()(const SetVisibility& c) const {
    if (c.visibility == b.info().visibility) {
      return make_error("conflict", "the event already has this visibility", "visibility");
    }
    return VisibilitySet{c.visibility};
  }

  Result<ChangeBody> operator()(const SetCaps& c) const {
    if (!c.topic_cap && !c.project_cap) {
      return make_error("bad_request", "give topic_cap or project_cap (or both)", "topic_cap");
    }
    const auto check = [](const std::optional<int>& v, const char* field) -> Status {
      if (v && (*v < 0 || *v > limits::max_cap)) {
        return make_error("invalid_value",
                          std::string(field) + " must be between 0 (no cap) and " + std::to_string(limits::max_cap),
                          field);
      }
      return Ok{};
    };
    if (auto s = check(c.topic_cap, "topic_cap"); !s) return s.error();
    if (auto s = check(c.project_cap, "project_cap"); !s) return s.error();
    return CapsSet{c.topic_cap.value_or(b.info().topic_cap), c.project_cap.value_or(b.info().project_cap)};
  }

  Result<ChangeBody> operator()(const RotateOrganizerCode& c) const {
    if (c.code_hash.empty()) return make_error("invalid_value", "empty code", "code");
    return OrganizerCodeSet{c.code_hash};
  }

  Result<ChangeBody> operator()(const CreateInvitation& c) const {
    if (c.code_hash.empty() || b.invitations_.contains(c.code_hash)) {
      return make_error("conflict", "invitation code already in use; try again", "code");
    }
    const auto open =
        std::count_if(b.invitations_.begin(), b.invitations_.end(), [](const auto& kv) { return !kv.second.used; });
    if (static_cast<std::size_t>(open) >= limits::max_open_invitations) {
      return make_error("invalid_value",
                        "the event already has " + std::to_string(open) + " unused invitations, the most it keeps");
    }
    return InvitationCreated{c.code_hash, who()};
  }

  // --- participants ----------------------------------------------------------------------

  Result<ChangeBody> operator()(const Join& c) const {
    if (actor.kind == Actor::Kind::participant) {
      return make_error("conflict", "this connection has already joined");
    }
    auto name = clean_text(c.name, "name", {1, limits::participant_name, false});
    if (!name) return name.error();
    if (c.secret_hash.empty() || b.secrets_.contains(c.secret_hash)) {
      return make_error("conflict", "secret already in use; join again", "secret");
    }
    Role role = Role::attendee;
    if (c.role) {
      if (!actor.is_system()) return make_error("forbidden", "roles are granted by organizers", "role");
      role = *c.role;
    }
    std::string ticket;
    std::string invite;
    if (c.invite_hash) {
      // A single-use invitation from an organizer: its holder becomes one, once.
      const Invitation* inv = b.invitation(*c.invite_hash);
      if (inv == nullptr || inv->used) {
        return make_error("bad_secret", "this invitation is not valid for the event or was already used", "invite");
      }
      role = Role::organizer;
      invite = *c.invite_hash;
    } else if (c.code_hash) {
      if (b.info().organizer_code_hash.empty() || *c.code_hash != b.info().organizer_code_hash) {
        return make_error("bad_secret", "this organizer code is not valid for the event", "code");
      }
      role = Role::organizer;
    } else if (b.info().join_mode == JoinMode::tickets && !actor.is_system()) {
      // One ticket, one participant: so one person has one vote budget.
      if (!c.ticket_hash) return make_error("ticket_required", "this event needs a ticket code to join", "ticket");
      const auto it = b.tickets_.find(*c.ticket_hash);
      if (it == b.tickets_.end())
        return make_error("bad_secret", "this ticket code is not valid for the event", "ticket");
      if (it->second != 0) {
        return make_error("ticket_used", "this ticket code has already been used; use your personal link to continue",
                          "ticket");
      }
      ticket = *c.ticket_hash;
    }
    return ParticipantJoined{Participant{b.next_participant_, *name, role, false}, c.secret_hash, ticket, invite};
  }

  Result<ChangeBody> operator()(const SetRole& c) const {
    const Participant* p = b.participant(c.participant_id);
    if (p == nullptr) return not_found("participant", c.participant_id, "participant_id");
    if (p->removed)
      return make_error("invalid_state", "participant " + id_str(c.participant_id) + " was removed", "participant_id");
    if (c.role == Role::display || p->role == Role::display) {
      return make_error("invalid_value", "display screens are created with create_display, not by changing roles",
                        "role");
    }
    if (!actor.is_system() && c.participant_id == actor.participant && p->role == Role::organizer) {
      return make_error("invalid_value", "organizers cannot take their own organizer role away", "participant_id");
    }
    ParticipantRoleSet change{c.participant_id, c.role};
    if (p->role == Role::organizer && c.role != Role::organizer) change.new_code_hash = c.new_code_hash;
    return change;
  }

  Result<ChangeBody> operator()(const CreateDisplay& c) const {
    auto name = clean_text(c.name.empty() ? std::string("Lobby display") : c.name, "name",
                           {1, limits::participant_name, false});
    if (!name) return name.error();
    if (c.secret_hash.empty() || b.secrets_.contains(c.secret_hash)) {
      return make_error("conflict", "secret already in use; try again", "secret");
    }
    return ParticipantJoined{Participant{b.next_participant_, *name, Role::display, false}, c.secret_hash, {}};
  }

  Result<ChangeBody> operator()(const RemoveParticipant& c) const {
    const Participant* p = b.participant(c.participant_id);
    if (p == nullptr) return not_found("participant", c.participant_id, "participant_id");
    if (p->removed)
      return make_error("invalid_state", "participant " + id_str(c.participant_id) + " was already removed",
                        "participant_id");
    if (!actor.is_system() && c.participant_id == actor.participant) {
      return make_error("invalid_value", "organizers cannot remove themselves", "participant_id");
    }
    ParticipantRemoved change{c.participant_id};
    change.counts.known = true;
    for (const Id topic : b.votes_of(c.participant_id)) {
      change.counts.topic_votes.emplace_back(topic, static_cast<int>(b.topic(topic)->voters.size()) - 1);
    }
    for (const Id project : b.projects_joined_by(c.participant_id)) {
      change.counts.project_attendees.emplace_back(project, static_cast<int>(b.project(project)->attendees.size()) - 1);
    }
    if (p->role == Role::organizer) change.new_code_hash = c.new_code_hash;
    return change;
  }

  Result<ChangeBody> operator()(const SetJoinMode& c) const {
    if (c.mode == b.info().join_mode) {
      return make_error("conflict", "the event already uses this join mode", "mode");
    }
    return JoinModeSet{c.mode};
  }

  Result<ChangeBody> operator()(const AddTickets& c) const {
    if (c.ticket_hashes.empty()) return make_error("invalid_value", "no ticket codes given", "tickets");
    if (b.tickets_.size() + c.ticket_hashes.size() > limits::max_tickets) {
      return make_error("invalid_value", "an event holds at most " + std::to_string(limits::max_tickets) + " tickets",
                        "tickets");
    }
    std::set<std::string> seen;
    for (const auto& h : c.ticket_hashes) {
      if (h.empty() || b.tickets_.contains(h) || !seen.insert(h).second) {
        return make_error("conflict", "a ticket code is listed twice or already exists", "tickets");
      }
    }
    return TicketsAdded{c.ticket_hashes};
  }

  // --- topics ----------------------------------------------------------------------------

  Result<ChangeBody> operator()(const ProposeTopic& c) const {
    if (b.info().proposals_locked && !organizer()) {
      return make_error("locked", "the organizers have closed proposals");
    }
    auto title = clean_text(c.title, "title", {1, limits::title, false});
    if (!title) return title.error();
    auto description = clean_text(c.description, "description", {0, limits::description, true});
    if (!description) return description.error();
    if (const int cap = b.info().topic_cap; cap > 0 && !organizer() && b.live_topics_of(who()) >= cap) {
      return make_error("cap_reached",
                        "you already have " + std::to_string(cap) +
                            " open topics, the most this event allows each person; withdraw one first",
                        "title");
    }
    Topic t;
    t.id = b.next_topic_;
    t.title = *title;
    t.description = *description;
    t.convener = who();
    return TopicProposed{t, as_listed(who(), std::nullopt)};
  }

  Result<ChangeBody> operator()(const EditTopic& c) const {
    // Organizers may also edit a hidden topic (to cut what got it hidden before unhiding it).
    auto t = topic(c.topic_id);
    if (!t) return t.error();
    if (!topic_is_open(**t) && !((*t)->state == TopicState::hidden && organizer())) return topic_closed(**t);
    if (auto s = need_convener(**t); !s) return s.error();
    if (!c.title && !c.description) {
      return make_error("bad_request", "give a title or a description to change", "title");
    }
    TopicEdited e{c.topic_id, (*t)->title, (*t)->description};
    if (c.title) {
      auto v = clean_text(*c.title, "title", {1, limits::title, false});
      if (!v) return v.error();
      e.title = *v;
    }
    if (c.description) {
      auto v = clean_text(*c.description, "description", {0, limits::description, true});
      if (!v) return v.error();
      e.description = *v;
    }
    return e;
  }

  Result<ChangeBody> operator()(const WithdrawTopic& c) const {
    auto t = open_topic(c.topic_id);
    if (!t) return t.error();
    if (auto s = need_convener(**t); !s) return s.error();
    return TopicWithdrawn{c.topic_id};
  }

  Result<ChangeBody> operator()(const ScheduleTopic& c) const {
    auto t = open_topic(c.topic_id);
    if (!t) return t.error();
    if (auto s = need_convener(**t); !s) return s.error();
    const auto room = b.rooms().find(c.room_id);
    if (room == b.rooms().end()) return not_found("room", c.room_id, "room_id");
    if (room->second.kind != RoomKind::open_space) {
      return make_error("invalid_value", "room " + id_str(c.room_id) + " is a sprint room", "room_id");
    }
    if (!b.slots().contains(c.slot_id)) return not_found("slot", c.slot_id, "slot_id");
    if (const auto holder = b.cell_holder(c.room_id, c.slot_id)) {
      if (*holder == c.topic_id) {
        return make_error("conflict", "the topic already holds this room and slot", "slot_id");
      }
      return make_error("cell_taken",
                        "room " + id_str(c.room_id) + " is already taken in slot " + id_str(c.slot_id) + " by topic " +
                            id_str(*holder),
                        "slot_id");
    }
    return TopicScheduled{c.topic_id, c.room_id, c.slot_id};
  }

  Result<ChangeBody> operator()(const UnscheduleTopic& c) const {
    auto t = open_topic(c.topic_id);
    if (!t) return t.error();
    if (auto s = need_convener(**t); !s) return s.error();
    if ((*t)->state != TopicState::scheduled) {
      return make_error("invalid_state", "topic " + id_str(c.topic_id) + " is not scheduled", "topic_id");
    }
    return TopicUnscheduled{c.topic_id};
  }

  Result<ChangeBody> operator()(const Vote& c) const {
    if (actor.is_system()) return make_error("forbidden", "the server does not vote");
    if (b.info().voting_locked) return make_error("locked", "the organizers have closed voting");
    auto t = open_topic(c.topic_id);
    if (!t) return t.error();
    if (b.votes_.contains({c.topic_id, who()})) {
      return make_error("already_voted", "you already voted for topic " + id_str(c.topic_id), "topic_id");
    }
    const int cap = b.info().vote_cap;
    if (cap > 0 && b.votes_used(who()) >= cap) {
      return make_error("vote_cap_reached", "you have used all " + std::to_string(cap) + " of your votes", "topic_id");
    }
    return VoteAdded{c.topic_id, who(), static_cast<int>((*t)->voters.size()) + 1};
  }

  Result<ChangeBody> operator()(const Unvote& c) const {
    if (actor.is_system()) return make_error("forbidden", "the server does not vote");
    if (b.info().voting_locked) return make_error("locked", "the organizers have closed voting");
    auto t = topic(c.topic_id);
    if (!t) return t.error();
    if (!topic_is_open(**t) && (*t)->state != TopicState::hidden) return topic_closed(**t);
    if (!b.votes_.contains({c.topic_id, who()})) {
      return make_error("not_voted", "you have not voted for topic " + id_str(c.topic_id), "topic_id");
    }
    return VoteRemoved{c.topic_id, who(), static_cast<int>((*t)->voters.size()) - 1};
  }

  Result<ChangeBody> operator()(const HideTopic& c) const {
    auto t = open_topic(c.topic_id);
    if (!t) return t.error();
    return TopicHidden{c.topic_id};
  }

  Result<ChangeBody> operator()(const UnhideTopic& c) const {
    auto t = topic(c.topic_id);
    if (!t) return t.error();
    if ((*t)->state != TopicState::hidden) {
      return make_error("invalid_state", "topic " + id_str(c.topic_id) + " is not hidden", "topic_id");
    }
    return TopicUnhidden{c.topic_id};
  }

  Result<ChangeBody> operator()(const MergeTopic& c) const {
    if (c.topic_id == c.into_topic_id) {
      return make_error("invalid_value", "a topic cannot be merged into itself", "into_topic_id");
    }
    auto from = topic(c.topic_id);
    if (!from) return from.error();
    if (!topic_is_open(**from) && (*from)->state != TopicState::hidden) {
      return topic_closed(**from);
    }
    auto into = topic(c.into_topic_id, "into_topic_id");
    if (!into) return into.error();
    if (!topic_is_open(**into)) {
      return make_error("invalid_state",
                        "topic " + id_str(c.into_topic_id) + " is " + std::string(to_string((*into)->state)),
                        "into_topic_id");
    }
    int votes = static_cast<int>((*into)->voters.size());
    for (const Id v : (*from)->voters) {
      if (!contains((*into)->voters, v)) ++votes;
    }
    return TopicMerged{c.topic_id, c.into_topic_id, votes};
  }

  // --- sprint projects -------------------------------------------------------------------

  Result<ChangeBody> operator()(const CreateProject& c) const {
    if (b.info().proposals_locked && !organizer()) {
      return make_error("locked", "the organizers have closed proposals");
    }
    if (!c.fields.name) return make_error("bad_request", "name is required", "name");
    if (!c.fields.repo_url) return make_error("bad_request", "repo_url is required", "repo_url");
    if (const int cap = b.info().project_cap; cap > 0 && !organizer() && b.live_projects_of(who()) >= cap) {
      return make_error("cap_reached",
                        "you already maintain " + std::to_string(cap) +
                            " projects, the most this event allows each person; withdraw one first",
                        "name");
    }
    Project base;
    base.id = b.next_project_;
    base.days = b.info().sprint_days;  // by default a project sprints on every sprint day
    if (!actor.is_system()) base.maintainers.push_back(who());
    auto p = merge_fields(std::move(base), c.fields);
    if (!p) return p.error();
    if (actor.is_system()) return ProjectCreated{*p};
    return ProjectCreated{*p, as_listed(who(), maintainer_role(who()))};
  }

  Result<ChangeBody> operator()(const EditProject& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (auto s = need_maintainer(**p); !s) return s.error();
    const ProjectFields& f = c.fields;
    if (!f.name && !f.repo_url && !f.description && !f.skills && !f.level && !f.first_timers && !f.days &&
        !f.capacity) {
      return make_error("bad_request", "give at least one field to change", "name");
    }
    auto edited = merge_fields(**p, c.fields);
    if (!edited) return edited.error();
    return ProjectEdited{*edited};
  }

  Result<ChangeBody> operator()(const WithdrawProject& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (auto s = need_maintainer(**p); !s) return s.error();
    return ProjectWithdrawn{c.project_id};
  }

  Result<ChangeBody> operator()(const AddMaintainer& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (auto s = need_maintainer(**p); !s) return s.error();
    const Participant* added = b.participant(c.participant_id);
    if (added == nullptr) return not_found("participant", c.participant_id, "participant_id");
    if (added->removed) {
      return make_error("invalid_state", "participant " + id_str(c.participant_id) + " was removed", "participant_id");
    }
    if (added->role == Role::display) {
      return make_error("invalid_value", "a display screen cannot maintain a project", "participant_id");
    }
    if (contains((*p)->maintainers, c.participant_id)) {
      return make_error("conflict", "already a maintainer", "participant_id");
    }
    return MaintainerAdded{c.project_id, c.participant_id,
                           as_listed(c.participant_id, maintainer_role(c.participant_id))};
  }

  Result<ChangeBody> operator()(const ClaimTable& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (auto s = need_maintainer(**p); !s) return s.error();
    if (!is_day(c.day)) return make_error("invalid_value", "day must be YYYY-MM-DD", "day");
    if (!contains((*p)->days, c.day)) {
      return make_error("invalid_value", "the project does not sprint on " + c.day, "day");
    }
    const auto room = b.rooms().find(c.room_id);
    if (room == b.rooms().end()) return not_found("room", c.room_id, "room_id");
    if (room->second.kind != RoomKind::sprint) {
      return make_error("invalid_value", "room " + id_str(c.room_id) + " is not a sprint room", "room_id");
    }
    if (const auto holder = b.table_holder(c.day, c.room_id)) {
      if (*holder == c.project_id) {
        return make_error("conflict", "the project already holds this table on " + c.day, "room_id");
      }
      return make_error("table_taken",
                        "table " + id_str(c.room_id) + " is taken on " + c.day + " by project " + id_str(*holder),
                        "room_id");
    }
    return TableClaimed{c.project_id, c.day, c.room_id};
  }

  Result<ChangeBody> operator()(const ReleaseTable& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (auto s = need_maintainer(**p); !s) return s.error();
    if (!(*p)->tables.contains(c.day)) {
      return make_error("not_found", "the project holds no table on " + c.day, "day");
    }
    return TableReleased{c.project_id, c.day};
  }

  Result<ChangeBody> operator()(const JoinProject& c) const {
    if (actor.is_system()) return make_error("forbidden", "the server does not join projects");
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (contains((*p)->attendees, who())) {
      return make_error("already_joined", "you already joined project " + id_str(c.project_id), "project_id");
    }
    if ((*p)->capacity && static_cast<int>((*p)->attendees.size()) >= *(*p)->capacity) {
      return make_error("project_full", "project " + id_str(c.project_id) + " is full", "project_id");
    }
    return ProjectJoined{c.project_id, who(), static_cast<int>((*p)->attendees.size()) + 1};
  }

  Result<ChangeBody> operator()(const LeaveProject& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    if (actor.is_system() || !contains((*p)->attendees, who())) {
      return make_error("not_joined_project", "you have not joined project " + id_str(c.project_id), "project_id");
    }
    return ProjectLeft{c.project_id, who(), static_cast<int>((*p)->attendees.size()) - 1};
  }

  Result<ChangeBody> operator()(const HideProject& c) const {
    auto p = active_project(c.project_id);
    if (!p) return p.error();
    return ProjectHidden{c.project_id};
  }

  Result<ChangeBody> operator()(const UnhideProject& c) const {
    auto p = project(c.project_id);
    if (!p) return p.error();
    if ((*p)->state != ProjectState::hidden) {
      return make_error("invalid_state", "project " + id_str(c.project_id) + " is not hidden", "project_id");
    }
    return ProjectUnhidden{c.project_id};
  }
};

Result<ChangeBody> Board::decide(const Command& command, const Actor& actor) const {
  const bool is_create = std::holds_alternative<CreateEvent>(command);
  if (!created() && !is_create) return make_error("not_found", "the event does not exist", "event");
  if (auto allowed = authorize(*this, command, actor); !allowed) return allowed.error();
  return std::visit(Decider{*this, actor}, command);
}

}  // namespace boardwalk::domain
