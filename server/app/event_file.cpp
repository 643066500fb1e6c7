#include "event_file.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "app/local_time.hpp"
#include "domain/board.hpp"
#include "domain/limits.hpp"
#include "domain/names.hpp"

namespace boardwalk::app {

using nlohmann::json;
using namespace domain;

namespace {

// A value as the message shows it: short, and valid UTF-8 whatever the file held. Lists and
// objects are not printed (dump() recurses, and a file may nest 100,000 levels deep).
std::string shown(const json& value) {
  if (value.is_array()) return "[...]";
  if (value.is_object()) return "{...}";
  std::string s = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

const char* type_name(const json& value) {
  if (value.is_number()) return "a number";
  if (value.is_string()) return "text";
  if (value.is_boolean()) return "true/false";
  if (value.is_null()) return "null";
  if (value.is_array()) return "a list";
  return "an object";
}

// One JSON object of the file (the event itself, or rooms[i], slots[i]): reads its fields
// with their types checked, and names the entry and the field in every error.
class Entry {
 public:
  Entry(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  // Refuses fields the format does not have: a typo ("capcity") must not be ignored silently.
  Status only(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : j_.items()) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string list;
      for (const auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return error(key, "is not a field of this entry (expected " + list + ")", "bad_request");
    }
    return Ok{};
  }

  [[nodiscard]] bool has(const char* key) const { return j_.contains(key); }

  Result<std::string> text(const char* key) const {
    const auto it = j_.find(key);
    if (it == j_.end()) return error(key, "is required", "bad_request");
    if (!it->is_string()) return error(key, "must be text, not " + std::string(type_name(*it)) + " " + shown(*it));
    return it->get<std::string>();
  }

  Result<std::string> text_or(const char* key, std::string fallback) const {
    if (!has(key)) return fallback;
    return text(key);
  }

  // A whole number in [min, max]; `fallback` when absent.
  Result<int> whole_number_or(const char* key, int fallback, int min, int max) const {
    const auto it = j_.find(key);
    if (it == j_.end()) return fallback;
    const std::string wanted = "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    if (!it->is_number_integer()) return error(key, wanted + ", not " + shown(*it));
    // Read as 64 bits, then range-checked: a huge value is an error, never a wrapped int.
    std::optional<std::int64_t> value;
    if (!it->is_number_unsigned()) {
      value = it->get<std::int64_t>();
    } else if (const auto u = it->get<std::uint64_t>(); u <= static_cast<std::uint64_t>(max)) {
      value = static_cast<std::int64_t>(u);
    }
    if (!value || *value < min || *value > max) return error(key, wanted + ", not " + shown(*it));
    return static_cast<int>(*value);
  }

  Result<std::vector<std::string>> text_list_or_empty(const char* key) const {
    const auto it = j_.find(key);
    if (it == j_.end()) return std::vector<std::string>{};
    if (!it->is_array())
      return error(key, "must be a list of text, not " + std::string(type_name(*it)) + " " + shown(*it));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& item = (*it)[i];
      if (!item.is_string()) {
        return error(
            key, "[" + std::to_string(i) + "] must be text, not " + std::string(type_name(item)) + " " + shown(item));
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  // A list of objects (rooms, slots); empty when absent.
  Result<std::vector<const json*>> object_list(const char* key) const {
    const auto it = j_.find(key);
    std::vector<const json*> out;
    if (it == j_.end()) return out;
    if (!it->is_array())
      return error(key, "must be a list of objects, not " + std::string(type_name(*it)) + " " + shown(*it));
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& item = (*it)[i];
      if (!item.is_object()) {
        return make_error("bad_request",
                          std::string(key) + "[" + std::to_string(i) + "] must be an object {...}, not " +
                              type_name(item) + " " + shown(item),
                          key);
      }
      out.push_back(&item);
    }
    return out;
  }

  [[nodiscard]] Error error(std::string_view key, const std::string& what, const char* code = "invalid_value") const {
    return make_error(code, where_ + ": '" + std::string(key) + "' " + what, std::string(key));
  }
  [[nodiscard]] const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
};

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the useful part.
std::string without_prefix(const std::string& what) {
  const auto end = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? what.substr(end + 2) : what;
}

Result<json> parse(const std::string& text) {
  if (text.size() > max_event_file_bytes) {
    return make_error("too_long",
                      "the event file is larger than " + std::to_string(max_event_file_bytes / 1024 / 1024) + " MiB");
  }
  try {
    json j = json::parse(text);
    if (!j.is_object()) {
      return make_error("bad_request",
                        "the event file must be one JSON object {...}, not " + std::string(type_name(j)));
    }
    return j;
  } catch (const json::exception& e) {  // the parser's way of saying where the syntax is wrong
    return make_error("bad_json", "the event file is not valid JSON: " + without_prefix(e.what()));
  }
}

// The planned steps, tried in order on an empty board: the board's own rules (names, unique
// rooms, overlapping slots, sprint days) answer here, naming the entry each step came from.
Status dry_run(const EventPlan& plan, const std::vector<std::string>& where) {
  Board board;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    auto body = board.decide(plan.steps[i].command, plan.steps[i].actor);
    if (!body) {
      const Error& e = body.error();
      return make_error(e.code, where[i] + ": " + e.message + (e.field.empty() ? "" : " (field '" + e.field + "')"),
                        e.field);
    }
    board.apply(Change{board.seq() + 1, 0, std::nullopt, std::move(*body)});
  }
  return Ok{};
}

}  // namespace

Result<EventPlan> plan_event_file(const std::string& json_text) {
  auto parsed = parse(json_text);
  if (!parsed) return parsed.error();
  const Entry event(*parsed, "event");
  if (auto s = event.only({"slug", "name", "timezone", "vote_cap", "sprint_days", "rooms", "slots"}); !s) {
    return s.error();
  }
  EventPlan plan;
  std::vector<std::string> where;  // the entry each step came from
  CreateEvent create;
  auto slug = event.text("slug");
  if (!slug) return slug.error();
  auto name = event.text("name");
  if (!name) return name.error();
  auto tz = event.text("timezone");
  if (!tz) return tz.error();
  if (!timezone_exists(*tz)) {
    return event.error("timezone", "is '" + *tz + "', an unknown time zone (use an IANA name such as Europe/Berlin)");
  }
  auto cap = event.whole_number_or("vote_cap", 0, 0, limits::max_vote_cap);
  if (!cap) return cap.error();
  auto days = event.text_list_or_empty("sprint_days");
  if (!days) return days.error();
  create.slug = *slug;
  create.name = *name;
  create.timezone = *tz;
  create.vote_cap = *cap;
  create.sprint_days = *days;
  plan.slug = create.slug;
  plan.steps.push_back({create, Actor::system()});
  where.emplace_back("event");

  auto rooms = event.object_list("rooms");
  if (!rooms) return rooms.error();
  for (std::size_t i = 0; i < rooms->size(); ++i) {
    const Entry room(*(*rooms)[i], "rooms[" + std::to_string(i) + "]");
    if (auto s = room.only({"name", "kind", "capacity"}); !s) return s.error();
    auto room_name = room.text("name");
    if (!room_name) return room_name.error();
    auto kind = room.text_or("kind", "open_space");
    if (!kind) return kind.error();
    const auto k = room_kind_from(*kind);
    if (!k) return room.error("kind", "must be \"open_space\" or \"sprint\", not \"" + *kind + "\"");
    auto capacity = room.whole_number_or("capacity", 0, 0, limits::max_room_capacity);
    if (!capacity) return capacity.error();
    plan.steps.push_back({AddRoom{*room_name, *k, *capacity}, Actor::system()});
    where.push_back(room.where());
  }

  auto slots = event.object_list("slots");
  if (!slots) return slots.error();
  for (std::size_t i = 0; i < slots->size(); ++i) {
    const Entry slot(*(*slots)[i], "slots[" + std::to_string(i) + "]");
    if (auto s = slot.only({"day", "start", "end"}); !s) return s.error();
    auto day = slot.text("day");
    if (!day) return day.error();
    auto start = slot.text("start");
    if (!start) return start.error();
    auto end = slot.text("end");
    if (!end) return end.error();
    auto s = local_to_utc(*tz, *day, *start);
    if (!s) return slot.error(s.error().field == "day" ? "day" : "start", "is wrong: " + s.error().message);
    auto e = local_to_utc(*tz, *day, *end);
    if (!e) return slot.error(e.error().field == "day" ? "day" : "end", "is wrong: " + e.error().message);
    plan.steps.push_back({AddSlot{*day, *s, *e}, Actor::system()});
    where.push_back(slot.where());
  }
  if (auto s = dry_run(plan, where); !s) return s.error();
  return plan;
}

}  // namespace boardwalk::app
