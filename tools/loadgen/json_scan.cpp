#include "json_scan.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace loadgen {

namespace {

// Written as pointer loops over the line with no helper objects: this runs for every delivery
// (2,000,000 a second in the big fan-out benchmark), so each byte is looked at once, keys are
// told apart by length first, and integers are converted while they are skipped.

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline const char* skip_ws(const char* p, const char* e) {
  while (p < e && is_ws(*p)) ++p;
  return p;
}

// Bytes of w equal to the byte in `pattern` (repeated 8 times) get their high bit set; the
// lowest flagged byte is always a true match (borrows only run upwards), which is all we use.
inline std::uint64_t match_bytes(std::uint64_t w, std::uint64_t pattern) {
  const std::uint64_t x = w ^ pattern;
  return (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
}

// p is just past an opening quote; returns the closing quote, or nullptr if there is none.
// Strings are most of a line (keys, timestamps, titles), so this looks at 8 bytes per step for
// the next quote or backslash.
inline const char* string_end(const char* p, const char* e) {
  while (true) {
    if constexpr (std::endian::native == std::endian::little) {
      while (e - p >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        const std::uint64_t m = match_bytes(w, 0x2222222222222222ull) | match_bytes(w, 0x5C5C5C5C5C5C5C5Cull);
        if (m) {
          p += std::countr_zero(m) / 8;
          break;
        }
        p += 8;
      }
    }
    while (p < e && *p != '"' && *p != '\\') ++p;
    if (p >= e) return nullptr;
    if (*p == '"') return p;
    p += 2;  // an escape never ends the string, whatever it escapes
  }
}

// p is at '{' or '['; returns just past the matching close, or nullptr. Strings inside are
// skipped whole, so brackets and quotes in them do not count.
const char* skip_nested(const char* p, const char* e) {
  int depth = 0;
  while (p < e) {
    const char c = *p;
    if (c == '"') {
      p = string_end(p + 1, e);
      if (!p) return nullptr;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return p + 1;
    }
    ++p;
  }
  return nullptr;
}

inline bool ends_scalar(char c) { return c == ',' || c == '}' || is_ws(c); }

// An integer token [p, q): optional '-', then digits only, in range. Anything else (a
// fraction, an exponent, a literal, overflow) is not an integer.
std::optional<std::int64_t> to_int(const char* p, const char* q) {
  const bool neg = p < q && *p == '-';
  if (neg) ++p;
  if (p == q) return std::nullopt;
  std::uint64_t v = 0;
  constexpr std::uint64_t limit = std::uint64_t{std::numeric_limits<std::int64_t>::max()} + 1;
  for (; p < q; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - '0';
    if (d > 9) return std::nullopt;
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  if (!neg && v == limit) return std::nullopt;
  if (neg) return static_cast<std::int64_t>(0 - v);  // two's complement: -2^63 included
  return static_cast<std::int64_t>(v);
}

inline bool key_is(const char* k, std::size_t n, const char (&lit)[4]) { return n == 3 && std::memcmp(k, lit, 3) == 0; }
inline bool key_is(const char* k, std::size_t n, const char (&lit)[5]) { return n == 4 && std::memcmp(k, lit, 4) == 0; }

}  // namespace

std::optional<ScannedLine> scan_line(std::string_view line) {
  const char* p = line.data();
  const char* const e = p + line.size();
  ScannedLine out;
  p = skip_ws(p, e);
  if (p == e || *p != '{') return std::nullopt;
  p = skip_ws(p + 1, e);
  if (p < e && *p == '}') return skip_ws(p + 1, e) == e ? std::optional<ScannedLine>(out) : std::nullopt;
  while (true) {
    if (p == e || *p != '"') return std::nullopt;
    const char* const key = p + 1;
    const char* const key_end = string_end(key, e);
    if (!key_end) return std::nullopt;
    const auto klen = static_cast<std::size_t>(key_end - key);
    p = skip_ws(key_end + 1, e);
    if (p == e || *p != ':') return std::nullopt;
    p = skip_ws(p + 1, e);
    if (p == e) return std::nullopt;
    const char c = *p;
    if (c == '"') {
      const char* const v = p + 1;
      const char* const v_end = string_end(v, e);
      if (!v_end) return std::nullopt;
      const std::string_view sv(v, static_cast<std::size_t>(v_end - v));
      p = v_end + 1;
      if (klen == 4) {
        if (key_is(key, klen, "type"))
          out.type = sv;
        else if (key_is(key, klen, "code"))
          out.code = sv;
        else if (key_is(key, klen, "mode"))
          out.mode = sv;
      } else if (klen == 2 && key[0] == 'i' && key[1] == 'd') {
        out.id = sv;
      }
    } else if (c == '{' || c == '[') {
      const char* const start = p;
      p = skip_nested(p, e);
      if (!p) return std::nullopt;
      if (klen == 2 && key[0] == 'i' && key[1] == 'd')
        out.id = std::string_view(start, static_cast<std::size_t>(p - start));
    } else {
      const char* const v = p;
      while (p < e && !ends_scalar(*p)) ++p;
      if (p == v) return std::nullopt;
      if (klen == 3 && key_is(key, klen, "seq"))
        out.seq = to_int(v, p);
      else if (klen == 2 && key[0] == 'i' && key[1] == 'd') {
        const std::string_view sv(v, static_cast<std::size_t>(p - v));
        out.id = sv == "null" ? std::string_view{} : sv;
      } else if (klen == 8 && std::memcmp(key, "topic_id", 8) == 0) {
        out.topic_id = to_int(v, p);
      }
    }
    p = skip_ws(p, e);
    if (p == e) return std::nullopt;
    if (*p == ',') {
      p = skip_ws(p + 1, e);
      continue;
    }
    if (*p == '}') return skip_ws(p + 1, e) == e ? std::optional<ScannedLine>(out) : std::nullopt;
    return std::nullopt;
  }
}

namespace {
// Moves a view from one copy of a line to the same place in another.
std::string_view rebase(std::string_view v, std::string_view from, const std::string& to) {
  if (v.data() == nullptr) return v;
  return std::string_view(to.data() + (v.data() - from.data()), v.size());
}
}  // namespace

ScanCache::ScanCache(std::size_t slots) : slots_(std::bit_ceil(std::max<std::size_t>(slots, 1))) {}

std::uint64_t ScanCache::hash(std::string_view line) {
  // Two independent multiply-rotate lanes over 8-byte words, so the chains overlap; only
  // needs to spread lines over slots, equality is decided by memcmp.
  std::uint64_t a = line.size() * 0x9E3779B97F4A7C15ull, b = 0xC2B2AE3D27D4EB4Full;
  const char* p = line.data();
  std::size_t n = line.size();
  while (n >= 16) {
    std::uint64_t w0, w1;
    std::memcpy(&w0, p, 8);
    std::memcpy(&w1, p + 8, 8);
    a = std::rotl((a ^ w0) * 0x9E3779B97F4A7C15ull, 29);
    b = std::rotl((b ^ w1) * 0xBF58476D1CE4E5B9ull, 31);
    p += 16;
    n -= 16;
  }
  std::uint64_t tail = 0;
  if (n > 0) std::memcpy(&tail, p, n < 8 ? n : 8);
  a = std::rotl((a ^ tail) * 0x9E3779B97F4A7C15ull, 29);
  if (n > 8) {
    tail = 0;
    std::memcpy(&tail, p + 8, n - 8);
    b = std::rotl((b ^ tail) * 0xBF58476D1CE4E5B9ull, 31);
  }
  std::uint64_t h = a ^ std::rotl(b, 17);
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  return h ^ (h >> 29);
}

std::optional<ScannedLine> ScanCache::scan(std::string_view line, bool* hit) {
  if (hit) *hit = false;
  if (line.size() > kMaxLine) return scan_line(line);
  const auto h = hash(line);
  Entry& e = slots_[h & (slots_.size() - 1)];
  if (e.hash == h && e.bytes.size() == line.size() && !e.bytes.empty() &&
      std::memcmp(e.bytes.data(), line.data(), line.size()) == 0) {
    if (hit) *hit = true;
    return e.scanned;
  }
  auto s = scan_line(line);
  if (s && s->type == "change") {
    e.hash = h;
    e.bytes.assign(line);
    e.scanned = *s;
    auto& c = e.scanned;
    c.type = rebase(c.type, line, e.bytes);
    c.id = rebase(c.id, line, e.bytes);
    c.code = rebase(c.code, line, e.bytes);
    c.mode = rebase(c.mode, line, e.bytes);
  }
  return s;
}

}  // namespace loadgen
