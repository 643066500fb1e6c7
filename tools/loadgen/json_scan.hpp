// Cheap extraction of top-level fields from one server JSON line, for the hot receive path.
// Walks the object once without allocating; nested objects, arrays and strings (with escapes)
// are skipped, so a "seq" inside a nested object or a string never matches. Keys are compared
// raw (not unescaped): the server writes them plainly, and --check-json catches anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadgen {

struct ScannedLine {
  std::string_view type;  // raw string contents (no unescaping; types are plain ASCII)
  std::optional<std::int64_t> seq;
  std::string_view id;  // raw JSON value: a number, or a string without its quotes
  std::optional<std::int64_t> topic_id;
  std::string_view code;  // error code
  std::string_view mode;  // subscribe ack mode
};

// Returns nullopt when the line is not a well-formed JSON object at the top level (anything
// but whitespace after the closing brace counts as malformed).
std::optional<ScannedLine> scan_line(std::string_view line);

// Remembers the scan of recent change lines. The server encodes a change once and sends the
// same bytes to every subscriber, so with N clients each line arrives N times on one worker.
// A line that is byte-for-byte equal to a remembered one (same length, same hash, memcmp
// equal) has the same scan by definition, so comparing it costs a hash and a memcmp instead of
// a scan. Only `change` lines of at most kMaxLine bytes are remembered: acks and errors are
// per connection, snapshots are large. Direct-mapped: a colliding line replaces the old one.
class ScanCache {
 public:
  static constexpr std::size_t kMaxLine = 1024;

  explicit ScanCache(std::size_t slots = 1024);

  // The scan of `line` (nullopt when malformed); `hit` tells whether it came from the cache.
  // Views in the result point into the cache when it was a hit: valid until the next call.
  std::optional<ScannedLine> scan(std::string_view line, bool* hit = nullptr);

  static std::uint64_t hash(std::string_view line);

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::string bytes;  // empty: free
    ScannedLine scanned;
  };
  std::vector<Entry> slots_;
};

// Calls f(line) for every non-empty '\n'-separated line of a frame.
template <class F>
void for_each_line(std::string_view frame, F&& f) {
  while (!frame.empty()) {
    const auto nl = frame.find('\n');
    const auto line = frame.substr(0, nl);
    if (!line.empty()) f(line);
    if (nl == std::string_view::npos) break;
    frame.remove_prefix(nl + 1);
  }
}

}  // namespace loadgen
