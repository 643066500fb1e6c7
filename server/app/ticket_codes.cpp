#include "ticket_codes.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "domain/text.hpp"
#include "engine/secrets.hpp"

namespace boardwalk::app {

namespace {

std::string_view trimmed(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// How many different codes of this length use the same kinds of characters as `code`.
double possibilities(std::string_view code) {
  bool digit = false, lower = false, upper = false, other = false;
  for (const char c : code) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else {
      other = true;
    }
  }
  const int symbols = (digit ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (other ? 33 : 0);
  return std::pow(static_cast<double>(std::max(symbols, 1)), static_cast<double>(code.size()));
}

std::string about(double n) {
  if (n < 1e7) {
    std::string digits = std::to_string(static_cast<long long>(n));
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
  }
  return "10^" + std::to_string(static_cast<int>(std::floor(std::log10(n))));
}

}  // namespace

std::vector<std::string> generate_ticket_codes(std::size_t n) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  out.reserve(n);
  while (out.size() < n) {
    // 32 symbols: each random byte's low 5 bits pick one without bias.
    const std::string bytes = engine::random_bytes(generated_ticket_length);
    std::string code;
    for (const char b : bytes) code.push_back(ticket_alphabet[static_cast<unsigned char>(b) % ticket_alphabet.size()]);
    if (seen.insert(code).second) out.push_back(std::move(code));
  }
  return out;
}

Result<std::vector<std::string>> read_ticket_codes(std::string_view text) {
  std::vector<std::string> codes;
  std::map<std::string, std::size_t> line_of;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::string where = "line " + std::to_string(line_no);
    const std::string_view code = trimmed(line.substr(0, line.find(',')));
    if (code.empty() || code.front() == '#') continue;
    if (domain::utf8_length(code) == std::string_view::npos)
      return make_error("invalid_value", where + ": the code is not UTF-8 text", "tickets");
    if (std::any_of(code.begin(), code.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      return make_error("invalid_value", where + ": the code holds a control character", "tickets");
    }
    if (code.size() > max_ticket_code_length) {
      return make_error("too_long",
                        where + ": a ticket code is at most " + std::to_string(max_ticket_code_length) + " characters",
                        "tickets");
    }
    const auto [it, fresh] = line_of.emplace(std::string(code), line_no);
    if (!fresh) {
      return make_error("conflict",
                        where + ": the code '" + std::string(code) + "' is listed twice (also on line " +
                            std::to_string(it->second) + ")",
                        "tickets");
    }
    codes.emplace_back(code);
  }
  if (codes.empty()) return make_error("invalid_value", "the file holds no ticket codes", "tickets");
  return codes;
}

std::optional<std::string> short_ticket_code_warning(const std::vector<std::string>& codes) {
  std::size_t short_ones = 0;
  const std::string* shortest = nullptr;
  for (const auto& c : codes) {
    if (c.size() >= short_ticket_code) continue;
    ++short_ones;
    if (shortest == nullptr || possibilities(c) < possibilities(*shortest)) shortest = &c;
  }
  if (shortest == nullptr) return std::nullopt;
  return std::to_string(short_ones) + " of " + std::to_string(codes.size()) + " ticket codes are shorter than " +
         std::to_string(short_ticket_code) + " characters; the weakest (" + std::to_string(shortest->size()) +
         " characters) is one of about " + about(possibilities(*shortest)) +
         ", few enough to guess. A guessed code is used up, and its holder is turned away. Prefer generated "
         "codes: boardwalk tickets SLUG --generate N (10 characters, one of about 10^15)";
}

}  // namespace boardwalk::app
