#include "codec.hpp"

#include <exception>
#include <type_traits>

#include "domain/names.hpp"
#include "iso_time.hpp"

namespace boardwalk::protocol {
namespace {

using namespace domain;

json opt(const std::optional<Id>& v) { return v ? json(*v) : json(nullptr); }

template <typename E, typename F>
E enum_from(const json& j, F from) {
  const auto v = from(j.get<std::string>());
  if (!v) throw std::runtime_error("unknown enum value " + j.dump());
  return *v;
}

std::optional<Id> opt_id(const json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<Id>();
}

Room room_from(const json& j) {
  return Room{j.at("id").get<Id>(), j.at("name").get<std::string>(), enum_from<RoomKind>(j.at("kind"), room_kind_from),
              j.at("capacity").get<int>()};
}

Slot slot_from(const json& j) {
  const auto start = parse_utc(j.at("start").get<std::string>());
  const auto end = parse_utc(j.at("end").get<std::string>());
  if (!start || !end) throw std::runtime_error("bad slot time");
  return Slot{j.at("id").get<Id>(), j.at("day").get<std::string>(), *start, *end};
}

Participant participant_from(const json& j) {
  return Participant{j.at("id").get<Id>(), j.at("name").get<std::string>(), enum_from<Role>(j.at("role"), role_from),
                     j.value("removed", false)};
}

Topic topic_from(const json& j) {
  Topic t;
  t.id = j.at("id").get<Id>();
  t.title = j.at("title").get<std::string>();
  t.description = j.at("description").get<std::string>();
  t.convener = j.at("convener").get<Id>();
  t.state = enum_from<TopicState>(j.at("state"), topic_state_from);
  t.room_id = opt_id(j.at("room_id"));
  t.slot_id = opt_id(j.at("slot_id"));
  t.merged_into = opt_id(j.at("merged_into"));
  t.voters = j.at("voters").get<std::vector<Id>>();
  return t;
}

Project project_from(const json& j) {
  Project p;
  p.id = j.at("id").get<Id>();
  p.name = j.at("name").get<std::string>();
  p.repo_url = j.at("repo_url").get<std::string>();
  p.description = j.at("description").get<std::string>();
  p.maintainers = j.at("maintainers").get<std::vector<Id>>();
  p.skills = j.at("skills").get<std::vector<std::string>>();
  p.level = enum_from<Level>(j.at("level"), level_from);
  p.first_timers = j.at("first_timers").get<bool>();
  p.days = j.at("days").get<std::vector<std::string>>();
  p.tables = j.at("tables").get<std::map<std::string, Id>>();
  p.attendees = j.at("attendees").get<std::vector<Id>>();
  if (!j.at("capacity").is_null()) p.capacity = j.at("capacity").get<int>();
  p.state = enum_from<ProjectState>(j.at("state"), project_state_from);
  return p;
}

std::optional<Participant> opt_participant(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return participant_from(*it);
}

json pairs_json(const std::vector<std::pair<Id, int>>& pairs, const char* count_key) {
  json a = json::array();
  for (const auto& [id, n] : pairs) a.push_back({{"id", id}, {count_key, n}});
  return a;
}

std::vector<std::pair<Id, int>> pairs_from(const json& j, const char* count_key) {
  std::vector<std::pair<Id, int>> out;
  for (const auto& e : j) out.emplace_back(e.at("id").get<Id>(), e.at(count_key).get<int>());
  return out;
}

// Fields of each change kind, both directions. `write` adds fields to `j`. Clients get counts
// and the public entries of listed participants, never who voted or signed up (protocol.md,
// "Privacy"); storage gets everything, private hashes included.
struct FieldWriter {
  json& j;
  Audience audience;
  bool& replayable;  // false when a stored record lacks what its public form needs
  [[nodiscard]] bool stored() const { return audience == Audience::storage; }
  void person(const char* key, const std::optional<Participant>& p) const {
    if (p) {
      j[key] = stored() ? to_json_value(*p) : public_json(*p);
    } else if (!stored()) {
      replayable = false;
    }
  }
  void count(const char* key, int n) const {
    if (n >= 0) {
      j[key] = n;
    } else if (!stored()) {
      replayable = false;
    }
  }
  void operator()(const EventCreated& c) const {
    j["slug"] = c.slug;
    j["name"] = c.name;
    j["timezone"] = c.timezone;
    j["vote_cap"] = c.vote_cap;
    j["sprint_days"] = c.sprint_days;
    j["topic_cap"] = c.topic_cap;
    j["project_cap"] = c.project_cap;
  }
  void operator()(const OrganizerCodeSet& c) const {
    if (audience == Audience::storage) j["code_hash"] = c.code_hash;
  }
  void operator()(const RoomAdded& c) const { j["room"] = to_json_value(c.room); }
  void operator()(const SlotAdded& c) const { j["slot"] = to_json_value(c.slot); }
  void operator()(const VoteCapSet& c) const { j["vote_cap"] = c.vote_cap; }
  void operator()(const LocksSet& c) const {
    j["proposals"] = c.proposals;
    j["voting"] = c.voting;
  }
  void operator()(const VisibilitySet& c) const { j["visibility"] = to_string(c.visibility); }
  void operator()(const CapsSet& c) const {
    j["topic_cap"] = c.topic_cap;
    j["project_cap"] = c.project_cap;
  }
  void operator()(const InvitationCreated& c) const {
    if (!stored()) return;  // the code is never broadcast, nor who may hand it out
    j["code_hash"] = c.code_hash;
    j["created_by"] = c.created_by;
  }
  void operator()(const ParticipantJoined& c) const {
    j["ticket"] = !c.ticket_hash.empty();  // whether a ticket code was used (never which)
    if (stored()) {
      // A new participant is nobody the public board lists (they convene nothing yet).
      j["participant"] = to_json_value(c.participant);
      j["secret_hash"] = c.secret_hash;
      if (!c.ticket_hash.empty()) j["ticket_hash"] = c.ticket_hash;
      if (!c.invite_hash.empty()) j["invite_hash"] = c.invite_hash;
    }
  }
  void operator()(const ParticipantRemoved& c) const {
    j["participant_id"] = c.participant_id;
    if (stored()) {
      if (!c.new_code_hash.empty()) j["new_code_hash"] = c.new_code_hash;
      if (c.counts.known) {
        j["topics"] = pairs_json(c.counts.topic_votes, "votes");
        j["projects"] = pairs_json(c.counts.project_attendees, "attendee_count");
      }
      return;
    }
    if (!c.counts.known) replayable = false;
    j["topics"] = pairs_json(c.counts.topic_votes, "votes");
    j["projects"] = pairs_json(c.counts.project_attendees, "attendee_count");
    j["organizer_code_rotated"] = !c.new_code_hash.empty();
  }
  void operator()(const VoteAdded& c) const { vote(c.topic_id, c.participant_id, c.votes); }
  void operator()(const VoteRemoved& c) const { vote(c.topic_id, c.participant_id, c.votes); }
  void vote(Id topic, Id participant, int votes) const {
    j["topic_id"] = topic;
    if (stored()) j["participant_id"] = participant;
    count("votes", votes);
  }
  void operator()(const ProjectJoined& c) const { sign_up(c.project_id, c.participant_id, c.attendee_count); }
  void operator()(const ProjectLeft& c) const { sign_up(c.project_id, c.participant_id, c.attendee_count); }
  void sign_up(Id project, Id participant, int attendees) const {
    j["project_id"] = project;
    if (stored()) j["participant_id"] = participant;
    count("attendee_count", attendees);
  }
  void operator()(const MaintainerAdded& c) const {
    j["project_id"] = c.project_id;
    j["participant_id"] = c.participant_id;
    person("participant", c.participant);
  }
  void operator()(const JoinModeSet& c) const { j["mode"] = to_string(c.mode); }
  void operator()(const TicketsAdded& c) const {
    j["count"] = c.ticket_hashes.size();
    if (audience == Audience::storage) j["ticket_hashes"] = c.ticket_hashes;
  }
  void operator()(const ParticipantRoleSet& c) const {
    j["participant_id"] = c.participant_id;
    j["role"] = to_string(c.role);
    if (stored()) {
      if (!c.new_code_hash.empty()) j["new_code_hash"] = c.new_code_hash;
    } else {
      j["organizer_code_rotated"] = !c.new_code_hash.empty();
    }
  }
  void operator()(const TopicProposed& c) const {
    j["topic"] = stored() ? to_json_value(c.topic) : public_json(c.topic);
    if (c.convener || c.topic.convener != 0) person("participant", c.convener);  // 0: the server
  }
  void operator()(const TopicEdited& c) const {
    j["topic_id"] = c.topic_id;
    j["title"] = c.title;
    j["description"] = c.description;
  }
  void operator()(const TopicScheduled& c) const {
    j["topic_id"] = c.topic_id;
    j["room_id"] = c.room_id;
    j["slot_id"] = c.slot_id;
  }
  void operator()(const TopicMerged& c) const {
    j["topic_id"] = c.topic_id;
    j["into_topic_id"] = c.into_topic_id;
    count("votes", c.votes);
  }
  void operator()(const ProjectCreated& c) const {
    j["project"] = stored() ? to_json_value(c.project) : public_json(c.project);
    // Created by the server itself (imports): no maintainer to list.
    if (c.maintainer || stored() || !c.project.maintainers.empty()) person("participant", c.maintainer);
  }
  void operator()(const ProjectEdited& c) const {
    j["project"] = stored() ? to_json_value(c.project) : public_json(c.project);
  }
  void operator()(const TableClaimed& c) const {
    j["project_id"] = c.project_id;
    j["day"] = c.day;
    j["room_id"] = c.room_id;
  }
  void operator()(const TableReleased& c) const {
    j["project_id"] = c.project_id;
    j["day"] = c.day;
  }
  // Kinds that carry only a topic id, a topic + participant, a project id, or a project +
  // participant share their shapes.
  template <typename T>
  void operator()(const T& c) const {
    if constexpr (requires { c.topic_id; }) j["topic_id"] = c.topic_id;
    if constexpr (requires { c.project_id; }) j["project_id"] = c.project_id;
    if constexpr (requires { c.participant_id; }) j["participant_id"] = c.participant_id;
  }
};

ChangeBody body_from(const std::string& kind, const json& j) {
  const auto id = [&](const char* k) { return j.at(k).get<Id>(); };
  if (kind == "event_created") {
    return EventCreated{j.at("slug").get<std::string>(),
                        j.at("name").get<std::string>(),
                        j.at("timezone").get<std::string>(),
                        j.at("vote_cap").get<int>(),
                        j.at("sprint_days").get<std::vector<std::string>>(),
                        j.value("topic_cap", 5),
                        j.value("project_cap", 3)};
  }
  if (kind == "organizer_code_set") return OrganizerCodeSet{j.at("code_hash").get<std::string>()};
  if (kind == "room_added") return RoomAdded{room_from(j.at("room"))};
  if (kind == "slot_added") return SlotAdded{slot_from(j.at("slot"))};
  if (kind == "vote_cap_set") return VoteCapSet{j.at("vote_cap").get<int>()};
  if (kind == "locks_set") return LocksSet{j.at("proposals").get<bool>(), j.at("voting").get<bool>()};
  if (kind == "visibility_set") return VisibilitySet{enum_from<Visibility>(j.at("visibility"), visibility_from)};
  if (kind == "caps_set") return CapsSet{j.at("topic_cap").get<int>(), j.at("project_cap").get<int>()};
  if (kind == "invitation_created") return InvitationCreated{j.at("code_hash").get<std::string>(), id("created_by")};
  if (kind == "participant_joined") {
    return ParticipantJoined{participant_from(j.at("participant")), j.at("secret_hash").get<std::string>(),
                             j.value("ticket_hash", std::string()), j.value("invite_hash", std::string())};
  }
  if (kind == "participant_removed") {
    ParticipantRemoved c{id("participant_id"), j.value("new_code_hash", std::string())};
    if (j.contains("topics")) {
      c.counts.known = true;
      c.counts.topic_votes = pairs_from(j.at("topics"), "votes");
      c.counts.project_attendees = pairs_from(j.at("projects"), "attendee_count");
    }
    return c;
  }
  if (kind == "join_mode_set") return JoinModeSet{enum_from<JoinMode>(j.at("mode"), join_mode_from)};
  if (kind == "tickets_added") return TicketsAdded{j.at("ticket_hashes").get<std::vector<std::string>>()};
  if (kind == "participant_role_set") {
    return ParticipantRoleSet{id("participant_id"), enum_from<Role>(j.at("role"), role_from),
                              j.value("new_code_hash", std::string())};
  }
  if (kind == "topic_proposed") return TopicProposed{topic_from(j.at("topic")), opt_participant(j, "participant")};
  if (kind == "topic_edited") {
    return TopicEdited{id("topic_id"), j.at("title").get<std::string>(), j.at("description").get<std::string>()};
  }
  if (kind == "topic_withdrawn") return TopicWithdrawn{id("topic_id")};
  if (kind == "topic_scheduled") return TopicScheduled{id("topic_id"), id("room_id"), id("slot_id")};
  if (kind == "topic_unscheduled") return TopicUnscheduled{id("topic_id")};
  if (kind == "vote_added") return VoteAdded{id("topic_id"), id("participant_id"), j.value("votes", -1)};
  if (kind == "vote_removed") return VoteRemoved{id("topic_id"), id("participant_id"), j.value("votes", -1)};
  if (kind == "topic_hidden") return TopicHidden{id("topic_id")};
  if (kind == "topic_unhidden") return TopicUnhidden{id("topic_id")};
  if (kind == "topic_merged") return TopicMerged{id("topic_id"), id("into_topic_id"), j.value("votes", -1)};
  if (kind == "project_created") {
    return ProjectCreated{project_from(j.at("project")), opt_participant(j, "participant")};
  }
  if (kind == "project_edited") return ProjectEdited{project_from(j.at("project"))};
  if (kind == "project_withdrawn") return ProjectWithdrawn{id("project_id")};
  if (kind == "maintainer_added") {
    return MaintainerAdded{id("project_id"), id("participant_id"), opt_participant(j, "participant")};
  }
  if (kind == "table_claimed") {
    return TableClaimed{id("project_id"), j.at("day").get<std::string>(), id("room_id")};
  }
  if (kind == "table_released") return TableReleased{id("project_id"), j.at("day").get<std::string>()};
  if (kind == "project_joined") {
    return ProjectJoined{id("project_id"), id("participant_id"), j.value("attendee_count", -1)};
  }
  if (kind == "project_left") {
    return ProjectLeft{id("project_id"), id("participant_id"), j.value("attendee_count", -1)};
  }
  if (kind == "project_hidden") return ProjectHidden{id("project_id")};
  if (kind == "project_unhidden") return ProjectUnhidden{id("project_id")};
  throw std::runtime_error("unknown change kind '" + kind + "'");
}

}  // namespace

json to_json_value(const Room& r) {
  return {{"id", r.id}, {"name", r.name}, {"kind", to_string(r.kind)}, {"capacity", r.capacity}};
}

json to_json_value(const Slot& s) {
  return {{"id", s.id}, {"day", s.day}, {"start", format_utc(s.start)}, {"end", format_utc(s.end)}};
}

json to_json_value(const Participant& p) {
  return {{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}, {"removed", p.removed}};
}

json to_json_value(const Topic& t) {
  return {{"id", t.id},
          {"title", t.title},
          {"description", t.description},
          {"convener", t.convener},
          {"state", to_string(t.state)},
          {"room_id", opt(t.room_id)},
          {"slot_id", opt(t.slot_id)},
          {"merged_into", opt(t.merged_into)},
          {"voters", t.voters}};
}

json to_json_value(const Project& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"repo_url", p.repo_url},
          {"description", p.description},
          {"maintainers", p.maintainers},
          {"skills", p.skills},
          {"level", to_string(p.level)},
          {"first_timers", p.first_timers},
          {"days", p.days},
          {"tables", p.tables},
          {"attendees", p.attendees},
          {"capacity", p.capacity ? json(*p.capacity) : json(nullptr)},
          {"state", to_string(p.state)}};
}

// The public forms are the stored ones with people replaced by counts (protocol.md, "Privacy").
json public_json(const Participant& p) { return to_json_value(p); }

json public_json(const Topic& t) {
  json j = to_json_value(t);
  j.erase("voters");
  j["votes"] = t.voters.size();
  return j;
}

json public_json(const Project& p) {
  json j = to_json_value(p);
  j.erase("attendees");
  j["attendee_count"] = p.attendees.size();
  return j;
}

json self_json(const Participant& p) { return {{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}}; }

json encode_board_full(const Board& board) {
  json j = encode_board(board);
  const auto list = [](const auto& map) {
    json a = json::array();
    for (const auto& [id, v] : map) a.push_back(to_json_value(v));
    return a;
  };
  j["participants"] = list(board.participants());
  j["topics"] = list(board.topics());
  j["projects"] = list(board.projects());
  return j;
}

json encode_board(const Board& board) {
  const EventInfo& e = board.info();
  json j;
  j["event"] = {{"slug", e.slug},
                {"name", e.name},
                {"timezone", e.timezone},
                {"vote_cap", e.vote_cap},
                {"sprint_days", e.sprint_days},
                {"proposals_locked", e.proposals_locked},
                {"voting_locked", e.voting_locked},
                {"join_mode", to_string(e.join_mode)},
                {"visibility", to_string(e.visibility)},
                {"topic_cap", e.topic_cap},
                {"project_cap", e.project_cap},
                {"tickets", {{"total", board.tickets_total()}, {"used", board.tickets_used()}}}};
  const auto list = [](const auto& map) {
    json a = json::array();
    for (const auto& [id, v] : map) a.push_back(to_json_value(v));
    return a;
  };
  const auto public_list = [](const auto& map) {
    json a = json::array();
    for (const auto& [id, v] : map) a.push_back(public_json(v));
    return a;
  };
  j["rooms"] = list(board.rooms());
  j["slots"] = list(board.slots());
  json people = json::array();
  for (const auto& [id, p] : board.participants()) {
    if (board.listed(id)) people.push_back(public_json(p));
  }
  j["participants"] = std::move(people);
  j["topics"] = public_list(board.topics());
  j["projects"] = public_list(board.projects());
  return j;
}

json encode_snapshot(const Board& board) {
  return {{"type", "snapshot"}, {"event", board.info().slug}, {"seq", board.seq()}, {"board", encode_board(board)}};
}

json encode_change(const Change& change, const std::string& slug, Audience audience) {
  bool replayable = true;
  return encode_change(change, slug, audience, replayable);
}

json encode_change(const Change& change, const std::string& slug, Audience audience, bool& replayable) {
  json j = {{"type", "change"}, {"event", slug}, {"seq", change.seq}, {"kind", change_kind(change.body)}};
  // Who did it is kept for the record, not broadcast: it would tell everyone who voted.
  if (audience == Audience::storage) j["actor"] = opt(change.actor);
  j["at"] = format_utc(change.at);
  replayable = true;
  std::visit(FieldWriter{j, audience, replayable}, change.body);
  return j;
}

Result<Change> decode_change(const json& j) {
  try {
    Change c;
    c.seq = j.at("seq").get<Seq>();
    const auto at = parse_utc(j.at("at").get<std::string>());
    if (!at) return make_error("invalid_value", "bad time in stored change", "at");
    c.at = *at;
    c.actor = opt_id(j.value("actor", json(nullptr)));
    c.body = body_from(j.at("kind").get<std::string>(), j);
    return c;
  } catch (const std::exception& e) {
    return make_error("invalid_value", std::string("unreadable stored change: ") + e.what());
  }
}

}  // namespace boardwalk::protocol
