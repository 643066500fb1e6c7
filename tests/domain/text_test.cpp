// clean_text, utf8_length and the small value formats.
#include <gtest/gtest.h>

#include "domain/text.hpp"

namespace boardwalk::domain {
namespace {

std::string ok(std::string_view text, TextRule rule = {}) {
  auto r = clean_text(text, "f", rule);
  EXPECT_TRUE(r.ok()) << "'" << text << "': " << (r.ok() ? "" : r.error().code);
  return r.ok() ? *r : std::string("<error>");
}

std::string code(std::string_view text, TextRule rule = {}) {
  auto r = clean_text(text, "field_x", rule);
  if (r.ok()) return "ok";
  EXPECT_EQ(r.error().field, "field_x");
  EXPECT_FALSE(r.error().message.empty());
  return r.error().code;
}

TEST(CleanText, TrimsSurroundingWhiteSpace) {
  EXPECT_EQ(ok("  hello  "), "hello");
  EXPECT_EQ(ok("\t hi \r\n"), "hi");
  EXPECT_EQ(ok("\xC2\xA0nbsp\xE3\x80\x80"), "nbsp");  // U+00A0 and U+3000 are trimmed too
  EXPECT_EQ(ok("a  b"), "a  b");                       // inner spaces are kept
}

TEST(CleanText, LineBreaksOnlyInMultiline) {
  EXPECT_EQ(ok("a\nb"), "a b");
  EXPECT_EQ(ok("a\r\nb"), "a  b");
  EXPECT_EQ(ok("a\tb"), "a b");
  EXPECT_EQ(ok("a\nb", {0, 100, true}), "a\nb");
  EXPECT_EQ(ok("\n\na\n\n", {0, 100, true}), "a");
}

TEST(CleanText, RemovesControlCharacters) {
  EXPECT_EQ(ok("a\x01" "b\x7F" "c"), "abc");
  EXPECT_EQ(ok(std::string_view("a\0b", 3)), "ab");
  EXPECT_EQ(ok("x\xC2\x85y"), "xy");          // U+0085 NEL
  EXPECT_EQ(ok("x\xE2\x80\xAEy"), "xy");      // U+202E right-to-left override
  EXPECT_EQ(ok("x\xE2\x81\xA6y"), "xy");      // U+2066 isolate
  EXPECT_EQ(ok("x\xE2\x80\xA8y"), "xy");      // U+2028 line separator
  EXPECT_EQ(ok("x\x1B[31my"), "x[31my");     // no terminal escapes
  EXPECT_EQ(code("\x01\x02"), "invalid_value");  // nothing left
}

TEST(CleanText, RejectsInvalidUtf8) {
  for (const std::string_view bad :
       {std::string_view("\xFF"), std::string_view("a\x80"), std::string_view("\xC3"),
        std::string_view("\xC0\xAF"),            // overlong '/'
        std::string_view("\xE0\x80\xAF"),        // overlong
        std::string_view("\xED\xA0\x80"),        // surrogate U+D800
        std::string_view("\xF4\x90\x80\x80"),    // past U+10FFFF
        std::string_view("\xF8\x88\x80\x80\x80"), std::string_view("\xE2\x82")}) {
    EXPECT_EQ(code(bad), "invalid_value");
  }
}

TEST(CleanText, CountsCharactersNotBytes) {
  std::string e120, e121;
  for (int i = 0; i < 120; ++i) e120 += "\xC3\xA9";
  e121 = e120 + "\xC3\xA9";
  EXPECT_EQ(ok(e120), e120);
  EXPECT_EQ(code(e121), "too_long");
  std::string emoji;
  for (int i = 0; i < 120; ++i) emoji += "\xF0\x9F\x90\x8D";  // snake, 4 bytes
  EXPECT_EQ(ok(emoji), emoji);
  EXPECT_EQ(code(emoji + "x"), "too_long");
  EXPECT_EQ(code(std::string(121, 'a')), "too_long");
  EXPECT_EQ(ok(std::string(120, 'a')), std::string(120, 'a'));
  // Trimmed white space does not count against the limit.
  EXPECT_EQ(ok("   " + std::string(120, 'a') + "   "), std::string(120, 'a'));
  // Huge inputs are refused before they are scanned.
  EXPECT_EQ(code(std::string(100000, 'a')), "too_long");
}

TEST(CleanText, MinimumLength) {
  EXPECT_EQ(code(""), "invalid_value");
  EXPECT_EQ(code("   "), "invalid_value");
  EXPECT_EQ(ok("", {0, 10, true}), "");
  EXPECT_EQ(code("ab", {3, 10, false}), "invalid_value");
  EXPECT_EQ(ok("abc", {3, 10, false}), "abc");
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC3\xA9t\xC3\xA9"), 3u);
  EXPECT_EQ(utf8_length("\xE2\x82\xAC"), 1u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x90\x8D"), 1u);
  EXPECT_EQ(utf8_length("\xFF"), std::string_view::npos);
  EXPECT_EQ(utf8_length("a\xE2\x82"), std::string_view::npos);
}

TEST(IsHttpUrl, AcceptsHttpAndHttps) {
  for (const char* u : {"http://x", "https://github.com/python/cpython", "https://example.org:8443/a?b=c#d",
                        "https://example.org?x", "http://127.0.0.1/x"}) {
    EXPECT_TRUE(is_http_url(u)) << u;
  }
}

TEST(IsHttpUrl, RejectsEverythingElse) {
  for (const char* u : {"", "http://", "https://", "ftp://x.org", "HTTP//x", "github.com/x", "https:///x",
                        "https://:80/x", "https://user:pw@x.org/", "https://a b", "https://x.org/a b",
                        "https://x.org/\"", "https://x.org/<script>", "https://x.org/a\\b",
                        "javascript:alert(1)", "https://x.org/\x7F", "https://x.org/\t"}) {
    EXPECT_FALSE(is_http_url(u)) << u;
  }
}

TEST(IsDay, RealCalendarDatesOnly) {
  for (const char* d : {"2026-05-18", "2024-02-29", "2000-02-29", "1970-01-01", "9999-12-31", "2026-12-31"}) {
    EXPECT_TRUE(is_day(d)) << d;
  }
  for (const char* d : {"", "2026-5-18", "2026-05-1", "2026/05/18", "2026-13-01", "2026-00-10", "2026-05-00",
                        "2026-02-29", "1900-02-29", "2026-04-31", "1969-12-31", "2026-05-18T00",
                        "20260518xx", "abcd-ef-gh", "2026-05-+1", " 2026-05-1"}) {
    EXPECT_FALSE(is_day(d)) << d;
  }
}

TEST(IsTimezoneName, ShapeOfIanaNames) {
  for (const char* z : {"UTC", "Europe/Prague", "America/Los_Angeles", "America/Argentina/Buenos_Aires",
                        "Etc/GMT+5", "Etc/GMT-14"}) {
    EXPECT_TRUE(is_timezone_name(z)) << z;
  }
  for (const char* z : {"", "/Europe", "Europe/", "Europe/../x", "Europe Prague", "Europe\\Prague",
                        "Zone;rm", "Zürich"}) {
    EXPECT_FALSE(is_timezone_name(z)) << z;
  }
  EXPECT_FALSE(is_timezone_name(std::string(65, 'A')));
  EXPECT_TRUE(is_timezone_name(std::string(64, 'A')));
}

}  // namespace
}  // namespace boardwalk::domain
