#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "domain/limits.hpp"
#include "domain/names.hpp"
#include "domain/text.hpp"
#include "field_reader.hpp"
#include "iso_time.hpp"
#include "requests.hpp"

namespace boardwalk::protocol {
namespace {

using namespace domain;
using json = nlohmann::json;

constexpr std::size_t max_depth = 8;  // requests are flat; deep nesting is hostile

// The text as JSON, plus the first key that appears twice in one object (at any depth).
// nlohmann::json silently keeps the last of repeated keys, so `{"topic_id":1,"topic_id":2}`
// would mean whatever the last parser in the chain decides; such a message is refused
// instead. The parser callback sees every object start, key and end in order, so a stack
// with one key set per open object finds repeats without a second pass.
struct ParsedText {
  json value;  // discarded when the text is not valid JSON
  std::optional<std::string> duplicate_key;
  bool duplicate_at_top = false;  // repeated in the message object itself
};

ParsedText parse_checking_keys(std::string_view text) {
  ParsedText out;
  std::vector<std::set<std::string, std::less<>>> open_objects;
  const json::parser_callback_t track = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!out.duplicate_key && !open_objects.empty() && !open_objects.back().insert(key).second) {
          out.duplicate_key = key;
          out.duplicate_at_top = open_objects.size() == 1;
        }
        break;
      }
      default:
        break;
    }
    return true;  // keep everything: this callback only watches
  };
  // allow_exceptions=false: malformed input yields a discarded value instead of throwing.
  out.value = json::parse(text.begin(), text.end(), track, false);
  return out;
}

bool too_deep(const json& j, std::size_t depth = 0) {
  if (depth > max_depth) return true;
  if (j.is_structured()) {
    for (const auto& child : j) {
      if (too_deep(child, depth + 1)) return true;
    }
  }
  return false;
}

template <typename E>
void enum_field(FieldReader& r, const char* name, std::optional<E>& out, std::optional<E> (*from)(std::string_view),
                std::string& error_field) {
  std::optional<std::string> s;
  r.text(name, s);
  if (!s) return;
  out = from(*s);
  if (!out) error_field = name;
}

using Decoder = std::function<Result<Command>(FieldReader&)>;

Result<Command> finish(FieldReader& r, Command c) {
  if (auto s = r.finish(); !s) return s.error();
  return c;
}

Result<Command> with_enum_error(const std::string& field, const char* allowed) {
  return make_error("invalid_value", field + " must be one of: " + allowed, field);
}

void read_project_fields(FieldReader& r, ProjectFields& f, std::string& bad_enum) {
  r.text("name", f.name);
  r.text("repo_url", f.repo_url);
  r.text("description", f.description);
  r.text_list("skills", f.skills, limits::skills * 4);
  enum_field(r, "level", f.level, &level_from, bad_enum);
  r.boolean("first_timers", f.first_timers);
  r.text_list("days", f.days, limits::sprint_days * 4);
  r.nullable_integer("capacity", f.capacity);
}

template <typename T>
Decoder topic_only() {
  return [](FieldReader& r) -> Result<Command> {
    T c;
    r.id("topic_id", c.topic_id);
    return finish(r, c);
  };
}

template <typename T>
Decoder project_only() {
  return [](FieldReader& r) -> Result<Command> {
    T c;
    r.id("project_id", c.project_id);
    return finish(r, c);
  };
}

const std::map<std::string, Decoder, std::less<>>& decoders() {
  static const std::map<std::string, Decoder, std::less<>> table = {
      {"propose_topic",
       [](FieldReader& r) -> Result<Command> {
         ProposeTopic c;
         r.text("title", c.title);
         r.text_or_empty("description", c.description);
         return finish(r, c);
       }},
      {"edit_topic",
       [](FieldReader& r) -> Result<Command> {
         EditTopic c;
         r.id("topic_id", c.topic_id);
         r.text("title", c.title);
         r.text("description", c.description);
         return finish(r, c);
       }},
      {"withdraw_topic", topic_only<WithdrawTopic>()},
      {"unschedule_topic", topic_only<UnscheduleTopic>()},
      {"vote", topic_only<Vote>()},
      {"unvote", topic_only<Unvote>()},
      {"hide_topic", topic_only<HideTopic>()},
      {"unhide_topic", topic_only<UnhideTopic>()},
      {"schedule_topic",
       [](FieldReader& r) -> Result<Command> {
         ScheduleTopic c;
         r.id("topic_id", c.topic_id);
         r.id("room_id", c.room_id);
         r.id("slot_id", c.slot_id);
         return finish(r, c);
       }},
      {"merge_topic",
       [](FieldReader& r) -> Result<Command> {
         MergeTopic c;
         r.id("topic_id", c.topic_id);
         r.id("into_topic_id", c.into_topic_id);
         return finish(r, c);
       }},
      {"create_project",
       [](FieldReader& r) -> Result<Command> {
         CreateProject c;
         std::string bad_enum;
         read_project_fields(r, c.fields, bad_enum);
         if (!r.failed() && !bad_enum.empty()) {
           return with_enum_error(bad_enum, "any, beginner, intermediate, advanced");
         }
         return finish(r, c);
       }},
      {"edit_project",
       [](FieldReader& r) -> Result<Command> {
         EditProject c;
         r.id("project_id", c.project_id);
         std::string bad_enum;
         read_project_fields(r, c.fields, bad_enum);
         if (!r.failed() && !bad_enum.empty()) {
           return with_enum_error(bad_enum, "any, beginner, intermediate, advanced");
         }
         return finish(r, c);
       }},
      {"withdraw_project", project_only<WithdrawProject>()},
      {"join_project", project_only<JoinProject>()},
      {"leave_project", project_only<LeaveProject>()},
      {"hide_project", project_only<HideProject>()},
      {"unhide_project", project_only<UnhideProject>()},
      {"add_maintainer",
       [](FieldReader& r) -> Result<Command> {
         AddMaintainer c;
         r.id("project_id", c.project_id);
         r.id("participant_id", c.participant_id);
         return finish(r, c);
       }},
      {"claim_table",
       [](FieldReader& r) -> Result<Command> {
         ClaimTable c;
         r.id("project_id", c.project_id);
         r.text("day", c.day);
         r.id("room_id", c.room_id);
         return finish(r, c);
       }},
      {"release_table",
       [](FieldReader& r) -> Result<Command> {
         ReleaseTable c;
         r.id("project_id", c.project_id);
         r.text("day", c.day);
         return finish(r, c);
       }},
      {"add_room",
       [](FieldReader& r) -> Result<Command> {
         AddRoom c;
         std::optional<RoomKind> kind;
         std::string bad_enum;
         r.text("name", c.name);
         enum_field(r, "kind", kind, &room_kind_from, bad_enum);
         r.integer("capacity", c.capacity, 0, limits::max_room_capacity);
         if (!r.failed() && !bad_enum.empty()) return with_enum_error(bad_enum, "open_space, sprint");
         if (!r.failed() && !kind) return make_error("bad_request", "kind is required", "kind");
         c.kind = kind.value_or(RoomKind::open_space);
         return finish(r, c);
       }},
      {"add_slot",
       [](FieldReader& r) -> Result<Command> {
         AddSlot c;
         std::string start, end;
         r.text("day", c.day);
         r.text("start", start);
         r.text("end", end);
         if (auto s = r.finish(); !s) return s.error();
         const auto s0 = parse_utc(start);
         if (!s0) return make_error("invalid_value", "start must be an ISO 8601 time with a zone", "start");
         const auto e0 = parse_utc(end);
         if (!e0) return make_error("invalid_value", "end must be an ISO 8601 time with a zone", "end");
         c.start = *s0;
         c.end = *e0;
         return Command{c};
       }},
      {"set_vote_cap",
       [](FieldReader& r) -> Result<Command> {
         SetVoteCap c;
         r.integer("vote_cap", c.vote_cap, 0, limits::max_vote_cap);
         return finish(r, c);
       }},
      {"set_locks",
       [](FieldReader& r) -> Result<Command> {
         SetLocks c;
         r.boolean("proposals", c.proposals);
         r.boolean("voting", c.voting);
         return finish(r, c);
       }},
      {"remove_participant",
       [](FieldReader& r) -> Result<Command> {
         RemoveParticipant c;
         r.id("participant_id", c.participant_id);
         return finish(r, c);
       }},
      {"set_join_mode",
       [](FieldReader& r) -> Result<Command> {
         SetJoinMode c;
         std::optional<JoinMode> mode;
         std::string bad_enum;
         enum_field(r, "mode", mode, &join_mode_from, bad_enum);
         if (!r.failed() && !bad_enum.empty()) return with_enum_error(bad_enum, "open, tickets");
         if (!r.failed() && !mode) return make_error("bad_request", "mode is required", "mode");
         c.mode = mode.value_or(JoinMode::open);
         return finish(r, c);
       }},
      {"set_visibility",
       [](FieldReader& r) -> Result<Command> {
         SetVisibility c;
         std::optional<Visibility> v;
         std::string bad_enum;
         enum_field(r, "visibility", v, &visibility_from, bad_enum);
         if (!r.failed() && !bad_enum.empty()) return with_enum_error(bad_enum, "public, participants");
         if (!r.failed() && !v) return make_error("bad_request", "visibility is required", "visibility");
         c.visibility = v.value_or(Visibility::public_);
         return finish(r, c);
       }},
      {"set_caps",
       [](FieldReader& r) -> Result<Command> {
         SetCaps c;
         r.integer("topic_cap", c.topic_cap, 0, limits::max_cap);
         r.integer("project_cap", c.project_cap, 0, limits::max_cap);
         return finish(r, c);
       }},
      {"rotate_organizer_code", [](FieldReader& r) -> Result<Command> { return finish(r, RotateOrganizerCode{}); }},
      {"create_invitation", [](FieldReader& r) -> Result<Command> { return finish(r, CreateInvitation{}); }},
      {"set_role",
       [](FieldReader& r) -> Result<Command> {
         SetRole c;
         std::optional<Role> role;
         std::string bad_enum;
         r.id("participant_id", c.participant_id);
         enum_field(r, "role", role, &role_from, bad_enum);
         if (!r.failed() && !bad_enum.empty()) {
           return with_enum_error(bad_enum, "attendee, maintainer, organizer");
         }
         if (!r.failed() && !role) return make_error("bad_request", "role is required", "role");
         c.role = role.value_or(Role::attendee);
         return finish(r, c);
       }},
  };
  return table;
}

Result<json> read_id(const json& j) {
  const auto it = j.find("id");
  if (it == j.end()) return make_error("bad_request", "id is required", "id");
  // At most 64 characters (not bytes), as protocol.md says.
  if (it->is_string() && utf8_length(it->get_ref<const std::string&>()) <= 64) return *it;
  if (it->is_number_integer()) return *it;
  return make_error("bad_request", "id must be an integer or a string of at most 64 characters", "id");
}

}  // namespace

std::variant<Request, DecodeFailure> decode_request(std::string_view text) {
  ParsedText parsed = parse_checking_keys(text);
  json& j = parsed.value;
  if (j.is_discarded()) {
    return DecodeFailure{nullptr, make_error("bad_json", "the message is not valid JSON (UTF-8)")};
  }
  if (!j.is_object()) return DecodeFailure{nullptr, make_error("bad_json", "the message must be a JSON object")};
  auto id = read_id(j);
  // Echo the id even for a message nested too deeply: it could be read (protocol.md).
  if (too_deep(j)) {
    return DecodeFailure{id ? *id : json(nullptr), make_error("bad_request", "the message is nested too deeply")};
  }
  if (parsed.duplicate_key) {
    // A repeated "id" makes the id itself ambiguous: answer with null rather than guess.
    const bool id_ambiguous = parsed.duplicate_at_top && *parsed.duplicate_key == "id";
    const std::string& key = *parsed.duplicate_key;
    const std::string shown = key.size() > 64 ? key.substr(0, 64) + "..." : key;
    return DecodeFailure{id && !id_ambiguous ? *id : json(nullptr),
                         make_error("bad_request", "duplicate field '" + shown + "'", shown)};
  }
  if (!id) return DecodeFailure{nullptr, id.error()};
  const auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) {
    return DecodeFailure{*id, make_error("bad_request", "type must be a string", "type")};
  }
  const std::string& type = type_it->get_ref<const std::string&>();

  FieldReader r(j);
  r.skip("type");
  r.skip("id");
  const auto fail = [&](const Error& e) -> std::variant<Request, DecodeFailure> { return DecodeFailure{*id, e}; };

  if (type == "subscribe") {
    SubscribeRequest s;
    r.text("event", s.event);
    r.seq("since", s.since);
    if (auto st = r.finish(); !st) return fail(st.error());
    return Request{*id, s};
  }
  if (type == "join") {
    JoinRequest s;
    r.text("event", s.event);
    r.text("name", s.name);
    r.text("code", s.code);
    r.text("ticket", s.ticket);
    r.text("invite", s.invite);
    if (auto st = r.finish(); !st) return fail(st.error());
    return Request{*id, s};
  }
  if (type == "create_display") {
    CreateDisplayRequest s;
    r.text_or_empty("name", s.name);
    if (auto st = r.finish(); !st) return fail(st.error());
    return Request{*id, s};
  }
  if (type == "auth") {
    AuthRequest s;
    r.text("event", s.event);
    r.text("secret", s.secret);
    if (auto st = r.finish(); !st) return fail(st.error());
    return Request{*id, s};
  }
  if (type == "list_participants") {
    if (auto st = r.finish(); !st) return fail(st.error());
    return Request{*id, ListParticipantsRequest{}};
  }
  if (type == "project_attendees") {
    ProjectAttendeesRequest s;
    r.id("project_id", s.project_id);
    if (auto st = r.finish(); !st) return fail(st.error());
    return Request{*id, s};
  }
  const auto& table = decoders();
  const auto d = table.find(type);
  if (d == table.end()) {
    const std::string shown = type.size() > 40 ? type.substr(0, 40) + "..." : type;
    return fail(make_error("unknown_type", "unknown message type '" + shown + "'", "type"));
  }
  auto command = d->second(r);
  if (!command) return fail(command.error());
  return Request{*id, CommandRequest{std::move(*command)}};
}

}  // namespace boardwalk::protocol
