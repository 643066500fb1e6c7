// Validation of user-typed text and small value formats. Everything a person types passes
// through here before it can reach the board, so the rules are in one place.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "result.hpp"

namespace boardwalk::domain {

struct TextRule {
  std::size_t min_chars = 1;
  std::size_t max_chars = 120;
  bool multiline = false;  // keep '\n' (descriptions); otherwise line breaks become spaces
};

// Validates UTF-8, removes control characters, trims surrounding white space and checks
// the length in Unicode code points. Errors name `field`.
Result<std::string> clean_text(std::string_view text, std::string_view field, TextRule rule);

// Number of code points in valid UTF-8, or npos if `text` is not valid UTF-8.
std::size_t utf8_length(std::string_view text);

bool is_http_url(std::string_view url);          // http:// or https:// with a host, no spaces
bool is_day(std::string_view day);               // YYYY-MM-DD, a real calendar date
bool is_timezone_name(std::string_view name);    // shape of an IANA name, e.g. Europe/Prague

}  // namespace boardwalk::domain
