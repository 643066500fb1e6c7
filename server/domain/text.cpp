#include "text.hpp"

#include <algorithm>
#include <cstdint>

namespace boardwalk::domain {
namespace {

// Decodes one code point at text[i]; returns its byte length or 0 if invalid (overlong
// forms, surrogates and values past U+10FFFF are invalid, as RFC 3629 requires).
std::size_t decode_one(std::string_view text, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  std::size_t len = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool is_control(std::uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);  // bidi overrides
}

bool is_space(std::uint32_t cp) { return cp == ' ' || cp == '\n' || cp == 0xA0 || cp == 0x3000; }

// Characters a screen draws as nothing: white space, zero-width and other format characters
// (Unicode category Cf), the soft hyphen, variation selectors, tag characters and the blank
// "filler" letters. They are kept inside visible text (a zero-width joiner builds emoji), but
// text made only of them would be an invisible card on the board.
bool is_invisible(std::uint32_t cp) {
  return is_space(cp) || cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 ||
         cp == 0x17B5 || cp == 0x180E || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x2000 && cp <= 0x200F) ||
         cp == 0x202F || cp == 0x205F || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x2800 || cp == 0x3164 ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
         (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

}  // namespace

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = decode_one(text, i, cp);
    if (len == 0) return std::string_view::npos;
    i += len;
    ++count;
  }
  return count;
}

Result<std::string> clean_text(std::string_view text, std::string_view field, TextRule rule) {
  const std::string f{field};
  if (text.size() > rule.max_chars * 4 + 64) {
    return make_error("too_long", f + " is longer than " + std::to_string(rule.max_chars) + " characters", f);
  }
  std::string out;
  out.reserve(text.size());
  std::size_t chars = 0;
  std::size_t trailing_space_bytes = 0;  // bytes of white space at the end of `out`
  bool visible = false;                  // at least one character a screen draws
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = decode_one(text, i, cp);
    if (len == 0) return make_error("invalid_value", f + " is not valid UTF-8", f);
    std::string_view piece = text.substr(i, len);
    i += len;
    if (cp == '\t' || cp == '\r' || (cp == '\n' && !rule.multiline)) {
      piece = " ";
      cp = ' ';
    } else if (cp != '\n' && is_control(cp)) {
      continue;  // control characters are dropped, never stored
    }
    if (is_space(cp)) {
      if (out.empty()) continue;  // trim leading white space
      trailing_space_bytes += piece.size();
    } else {
      trailing_space_bytes = 0;
    }
    if (!is_invisible(cp)) visible = true;
    out.append(piece);
    ++chars;
  }
  // Trim trailing white space (each trailing space counted once above).
  while (trailing_space_bytes > 0 && !out.empty()) {
    const unsigned char last = static_cast<unsigned char>(out.back());
    std::size_t cut = 1;
    if (last >= 0x80) {  // multi-byte space (U+00A0, U+3000): find its lead byte
      std::size_t k = out.size() - 1;
      while (k > 0 && (static_cast<unsigned char>(out[k]) & 0xC0) == 0x80) --k;
      cut = out.size() - k;
    }
    out.resize(out.size() - cut);
    trailing_space_bytes -= std::min(trailing_space_bytes, cut);
    --chars;
  }
  if (chars < rule.min_chars) {
    return make_error("invalid_value",
                      rule.min_chars == 1 ? f + " must not be empty"
                                          : f + " needs at least " + std::to_string(rule.min_chars) + " characters",
                      f);
  }
  if (chars > 0 && !visible) {
    return make_error("invalid_value", f + " shows nothing: it has only invisible or format characters", f);
  }
  if (chars > rule.max_chars) {
    return make_error("too_long", f + " is longer than " + std::to_string(rule.max_chars) + " characters", f);
  }
  return out;
}

bool is_http_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  const std::size_t host_end = rest.find_first_of("/?#");
  const std::string_view host = rest.substr(0, host_end);
  if (host.empty() || host.starts_with(':') || host.find('@') != std::string_view::npos) {
    return false;
  }
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  }
  return true;
}

bool is_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t k = 0; k < lens[p]; ++k) {
      const char c = day[starts[p] + k];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int y = parts[0], m = parts[1], d = parts[2];
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days_in[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

bool is_timezone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                    c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace boardwalk::domain
