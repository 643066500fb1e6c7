// Ticket codes for ticket-only events (`boardwalk tickets`): read from a file, or generated
// here. Each code is good for one join; the server stores only its keyed hash.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace boardwalk::app {

// Generated codes: 10 characters from 32 that cannot be mistaken for each other when read
// aloud or off paper (no 0/O, 1/I/l; upper case only), so 50 random bits each: one of about
// 10^15, far beyond what anyone can guess through the rate-limited join.
inline constexpr std::string_view ticket_alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
inline constexpr std::size_t generated_ticket_length = 10;
inline constexpr std::size_t max_ticket_code_length = 100;
// Codes shorter than this get a warning: 8 digits is one of 10^8.
inline constexpr std::size_t short_ticket_code = 8;

// `n` fresh random codes from the OS CSPRNG (all different).
std::vector<std::string> generate_ticket_codes(std::size_t n);

// One code per line, or the first column of a CSV; blank lines and lines starting with '#'
// are skipped, spaces around a code are not part of it. Errors name the line: a code that is
// not UTF-8 text, holds control characters, is longer than 100 characters or is listed twice;
// a file without codes.
Result<std::vector<std::string>> read_ticket_codes(std::string_view text);

// A warning for codes shorter than 8 characters, saying how many possibilities the shortest
// one has; nullopt when every code is long enough.
std::optional<std::string> short_ticket_code_warning(const std::vector<std::string>& codes);

}  // namespace boardwalk::app
