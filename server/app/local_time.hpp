// Local wall-clock times in an event's time zone <-> UTC, via the system tz database
// (Howard Hinnant's date library, Debian libhowardhinnant-date-dev).
#pragma once

#include <string>
#include <string_view>

#include "domain/result.hpp"
#include "domain/types.hpp"

namespace boardwalk::app {

// "2026-05-15" + "11:00" in "America/Los_Angeles" -> seconds since the epoch (UTC).
Result<domain::UnixTime> local_to_utc(std::string_view timezone, std::string_view day, std::string_view hh_mm);
// The local calendar day (YYYY-MM-DD) `days_ahead` days after today in `timezone`.
Result<std::string> local_day(std::string_view timezone, int days_ahead);
bool timezone_exists(std::string_view timezone);

}  // namespace boardwalk::app
