// Cheap extraction of top-level fields from one server JSON line, for the hot receive path.
// Walks the object once without allocating; nested objects, arrays and strings (with escapes)
// are skipped, so a "seq" inside a nested object or a string never matches.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace loadgen {

struct ScannedLine {
    std::string_view type;  // raw string contents (no unescaping; types are plain ASCII)
    std::optional<std::int64_t> seq;
    std::string_view id;    // raw JSON value: a number, or a string without its quotes
    std::optional<std::int64_t> topic_id;
    std::string_view code;  // error code
    std::string_view mode;  // subscribe ack mode
};

// Returns nullopt when the line is not a well-formed JSON object at the top level.
std::optional<ScannedLine> scan_line(std::string_view line);

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
