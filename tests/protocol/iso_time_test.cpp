// UTC instants on the wire: format_utc and parse_utc.
#include <gtest/gtest.h>

#include "protocol/iso_time.hpp"

namespace boardwalk::protocol {
namespace {

TEST(FormatUtc, IsoWithZ) {
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(1778868000), "2026-05-15T18:00:00Z");
  EXPECT_EQ(format_utc(1709164800), "2024-02-29T00:00:00Z");
  EXPECT_EQ(format_utc(951868799), "2000-02-29T23:59:59Z");
  EXPECT_EQ(format_utc(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_utc(253402300799), "9999-12-31T23:59:59Z");
}

TEST(ParseUtc, ZuluWithAndWithoutSeconds) {
  EXPECT_EQ(parse_utc("2026-05-15T18:00:00Z"), 1778868000);
  EXPECT_EQ(parse_utc("2026-05-15T18:00Z"), 1778868000);
  EXPECT_EQ(parse_utc("2026-05-15T18:00:59Z"), 1778868059);
  EXPECT_EQ(parse_utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_utc("2024-02-29T00:00:00Z"), 1709164800);
}

TEST(ParseUtc, OffsetsAreConvertedToUtc) {
  EXPECT_EQ(parse_utc("2026-05-15T20:00:00+02:00"), 1778868000);
  EXPECT_EQ(parse_utc("2026-05-15T11:00:00-07:00"), 1778868000);
  EXPECT_EQ(parse_utc("2026-05-15T23:30+05:30"), 1778868000);
  EXPECT_EQ(parse_utc("2026-05-15T18:00:00+00:00"), 1778868000);
  EXPECT_EQ(parse_utc("2026-05-15T18:00:00-00:00"), 1778868000);
  // Crossing midnight and the year.
  EXPECT_EQ(parse_utc("2026-01-01T01:00:00+02:00"), parse_utc("2025-12-31T23:00:00Z"));
}

TEST(ParseUtc, RoundTripsWithFormat) {
  for (const long long t : {0LL, 1778868000LL, 1709164800LL, 4102444799LL, 1234567890LL}) {
    EXPECT_EQ(parse_utc(format_utc(t)), t);
  }
}

TEST(ParseUtc, RejectsMalformedAndImpossibleTimes) {
  for (const char* s : {
           "", "2026-05-15", "2026-05-15T18:00:00",  // no zone: ambiguous
           "2026-05-15T18:00", "2026-05-15 18:00:00Z", "2026-05-15t18:00:00Z", "2026-05-15T18:00:00z",
           "2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z",
           "2026-00-10T10:00:00Z", "2026-05-00T10:00:00Z", "2026-05-32T10:00:00Z", "2026-05-15T24:00:00Z",
           "2026-05-15T18:60:00Z", "2026-05-15T18:00:60Z", "2026-05-15T18:00:00.5Z", "2026-05-15T18:00:00Z ",
           " 2026-05-15T18:00:00Z", "2026-05-15T18:00:00ZZ", "2026-05-15T18:00:00+2:00", "2026-05-15T18:00:00+0200",
           "2026-05-15T18:00:00+24:00", "2026-05-15T18:00:00+02:60", "2026-05-15T18:00:00+02", "2026-5-15T18:00:00Z",
           "26-05-15T18:00:00Z", "2026-05-15T8:00:00Z", "2026-05-15T18:0:00Z", "2026-05-15T18:00:0Z",
           "+2026-05-15T18:00:00Z", "2026-05-15T18:00:00+", "2026-05-15T18:00:-1Z", "abcd-ef-ghTij:kl:mnZ"}) {
    EXPECT_EQ(parse_utc(s), std::nullopt) << s;
  }
}

TEST(DaysFromCivil, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
}

}  // namespace
}  // namespace boardwalk::protocol
