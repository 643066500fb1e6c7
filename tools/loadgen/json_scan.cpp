#include "json_scan.hpp"

#include <charconv>

namespace loadgen {

namespace {

struct Cursor {
    std::string_view s;
    std::size_t i = 0;

    bool done() const { return i >= s.size(); }
    char peek() const { return s[i]; }
    void skip_ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    }
    // At an opening quote: returns the raw contents and moves past the closing quote.
    std::optional<std::string_view> string() {
        if (done() || s[i] != '"') return std::nullopt;
        const std::size_t start = ++i;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"') return s.substr(start, i++ - start);
            ++i;
        }
        return std::nullopt;
    }
    // Skips any JSON value, returns its raw text (strings without quotes).
    std::optional<std::string_view> value() {
        skip_ws();
        if (done()) return std::nullopt;
        const char c = s[i];
        if (c == '"') return string();
        const std::size_t start = i;
        if (c == '{' || c == '[') {
            int depth = 0;
            while (i < s.size()) {
                const char d = s[i];
                if (d == '"') {
                    if (!string()) return std::nullopt;
                    continue;
                }
                if (d == '{' || d == '[') ++depth;
                if (d == '}' || d == ']') {
                    --depth;
                    if (depth == 0) {
                        ++i;
                        return s.substr(start, i - start);
                    }
                }
                ++i;
            }
            return std::nullopt;
        }
        while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
               s[i] != '\n')
            ++i;
        if (i == start) return std::nullopt;
        return s.substr(start, i - start);
    }
};

std::optional<std::int64_t> to_int(std::string_view v) {
    std::int64_t out = 0;
    const auto* end = v.data() + v.size();
    const auto [p, ec] = std::from_chars(v.data(), end, out);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return out;
}

}  // namespace

std::optional<ScannedLine> scan_line(std::string_view line) {
    Cursor c{line};
    ScannedLine out;
    c.skip_ws();
    if (c.done() || c.peek() != '{') return std::nullopt;
    ++c.i;
    c.skip_ws();
    if (!c.done() && c.peek() == '}') return out;
    while (true) {
        c.skip_ws();
        const auto key = c.string();
        if (!key) return std::nullopt;
        c.skip_ws();
        if (c.done() || c.peek() != ':') return std::nullopt;
        ++c.i;
        c.skip_ws();
        const bool quoted = !c.done() && c.peek() == '"';
        const auto val = c.value();
        if (!val) return std::nullopt;
        if (*key == "type" && quoted) out.type = *val;
        else if (*key == "seq" && !quoted) out.seq = to_int(*val);
        else if (*key == "id") out.id = (!quoted && *val == "null") ? std::string_view{} : *val;
        else if (*key == "topic_id" && !quoted) out.topic_id = to_int(*val);
        else if (*key == "code" && quoted) out.code = *val;
        else if (*key == "mode" && quoted) out.mode = *val;
        c.skip_ws();
        if (c.done()) return std::nullopt;
        if (c.peek() == ',') {
            ++c.i;
            continue;
        }
        if (c.peek() == '}') return out;
        return std::nullopt;
    }
}

}  // namespace loadgen
