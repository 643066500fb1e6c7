#include "local_time.hpp"

#include <date/tz.h>

#include <chrono>
#include <exception>

#include "domain/text.hpp"

namespace boardwalk::app {

namespace {

const date::time_zone* find_zone(std::string_view timezone) {
  try {
    return date::locate_zone(std::string(timezone));
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace

bool timezone_exists(std::string_view timezone) { return find_zone(timezone) != nullptr; }

Result<domain::UnixTime> local_to_utc(std::string_view timezone, std::string_view day, std::string_view hh_mm) {
  const auto* zone = find_zone(timezone);
  if (zone == nullptr) return make_error("invalid_value", "unknown time zone '" + std::string(timezone) + "'", "timezone");
  if (!domain::is_day(day)) return make_error("invalid_value", "'" + std::string(day) + "' is not a YYYY-MM-DD day", "day");
  if (hh_mm.size() != 5 || hh_mm[2] != ':') {
    return make_error("invalid_value", "'" + std::string(hh_mm) + "' is not a HH:MM time", "start");
  }
  const auto num = [](std::string_view s) {
    int v = 0;
    for (const char c : s) {
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  const int h = num(hh_mm.substr(0, 2)), m = num(hh_mm.substr(3, 2));
  if (h < 0 || h > 23 || m < 0 || m > 59) {
    return make_error("invalid_value", "'" + std::string(hh_mm) + "' is not a HH:MM time", "start");
  }
  const date::year_month_day ymd{date::year{num(day.substr(0, 4))},
                                 date::month{static_cast<unsigned>(num(day.substr(5, 2)))},
                                 date::day{static_cast<unsigned>(num(day.substr(8, 2)))}};
  const auto local = date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{m};
  // In a DST gap or overlap, take the earliest matching instant rather than failing.
  const auto sys = zone->to_sys(local, date::choose::earliest);
  return static_cast<domain::UnixTime>(std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count());
}

Result<std::string> local_day(std::string_view timezone, int days_ahead) {
  const auto* zone = find_zone(timezone);
  if (zone == nullptr) return make_error("invalid_value", "unknown time zone '" + std::string(timezone) + "'", "timezone");
  const auto local = zone->to_local(std::chrono::system_clock::now());
  const auto day = date::floor<date::days>(local) + date::days{days_ahead};
  return date::format("%F", day);
}

}  // namespace boardwalk::app
