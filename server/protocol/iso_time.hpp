// UTC instants on the wire: ISO 8601 with a 'Z' (or an explicit offset when parsing).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/types.hpp"

namespace boardwalk::protocol {

std::string format_utc(domain::UnixTime t);  // 2026-05-15T18:00:00Z
// Accepts YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM).
std::optional<domain::UnixTime> parse_utc(std::string_view text);
// Days since 1970-01-01 of a civil date (proleptic Gregorian).
long long days_from_civil(long long y, unsigned m, unsigned d);

}  // namespace boardwalk::protocol
