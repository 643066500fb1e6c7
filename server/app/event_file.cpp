#include "event_file.hpp"

#include <nlohmann/json.hpp>

#include "app/local_time.hpp"
#include "domain/names.hpp"

namespace boardwalk::app {

using nlohmann::json;
using namespace domain;

namespace {

template <typename T>
Result<T> get(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end()) return make_error("bad_request", where + ": '" + key + "' is required", key);
  try {
    return it->get<T>();
  } catch (const std::exception&) {
    return make_error("bad_request", where + ": '" + key + "' has the wrong type", key);
  }
}

}  // namespace

Result<EventPlan> plan_event_file(const std::string& json_text) {
  const json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("bad_json", "the event file is not a JSON object");
  EventPlan plan;
  CreateEvent create;
  auto slug = get<std::string>(j, "slug", "event");
  if (!slug) return slug.error();
  auto name = get<std::string>(j, "name", "event");
  if (!name) return name.error();
  auto tz = get<std::string>(j, "timezone", "event");
  if (!tz) return tz.error();
  if (!timezone_exists(*tz)) return make_error("invalid_value", "unknown time zone '" + *tz + "'", "timezone");
  create.slug = *slug;
  create.name = *name;
  create.timezone = *tz;
  if (j.contains("vote_cap")) {
    auto cap = get<int>(j, "vote_cap", "event");
    if (!cap) return cap.error();
    create.vote_cap = *cap;
  }
  if (j.contains("sprint_days")) {
    auto days = get<std::vector<std::string>>(j, "sprint_days", "event");
    if (!days) return days.error();
    create.sprint_days = *days;
  }
  plan.slug = create.slug;
  plan.steps.push_back({create, Actor::system()});

  const auto rooms = j.value("rooms", json::array());
  if (!rooms.is_array()) return make_error("bad_request", "rooms must be a list", "rooms");
  for (std::size_t i = 0; i < rooms.size(); ++i) {
    const std::string where = "rooms[" + std::to_string(i) + "]";
    AddRoom room;
    auto room_name = get<std::string>(rooms[i], "name", where);
    if (!room_name) return room_name.error();
    room.name = *room_name;
    const std::string kind = rooms[i].value("kind", std::string("open_space"));
    const auto k = room_kind_from(kind);
    if (!k) return make_error("invalid_value", where + ": kind must be open_space or sprint", "kind");
    room.kind = *k;
    room.capacity = rooms[i].value("capacity", 0);
    plan.steps.push_back({room, Actor::system()});
  }
  const auto slots = j.value("slots", json::array());
  if (!slots.is_array()) return make_error("bad_request", "slots must be a list", "slots");
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const std::string where = "slots[" + std::to_string(i) + "]";
    auto day = get<std::string>(slots[i], "day", where);
    if (!day) return day.error();
    auto start = get<std::string>(slots[i], "start", where);
    if (!start) return start.error();
    auto end = get<std::string>(slots[i], "end", where);
    if (!end) return end.error();
    auto s = local_to_utc(*tz, *day, *start);
    if (!s) return make_error(s.error().code, where + ": " + s.error().message, "start");
    auto e = local_to_utc(*tz, *day, *end);
    if (!e) return make_error(e.error().code, where + ": " + e.error().message, "end");
    plan.steps.push_back({AddSlot{*day, *s, *e}, Actor::system()});
  }
  return plan;
}

}  // namespace boardwalk::app
