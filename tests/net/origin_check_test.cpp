#include "net/origin_check.hpp"

#include <gtest/gtest.h>

namespace boardwalk::net {
namespace {

TEST(HostName, NormalizesCasePortBracketsAndTrailingDot) {
  EXPECT_EQ(host_name("Board.Example.org"), "board.example.org");
  EXPECT_EQ(host_name("board.example.org:8443"), "board.example.org");
  EXPECT_EQ(host_name("board.example.org.:443"), "board.example.org");
  EXPECT_EQ(host_name("[::1]:8080"), "::1");
  EXPECT_EQ(host_name("[2001:DB8::1]"), "2001:db8::1");
  EXPECT_EQ(host_name("127.0.0.1:80"), "127.0.0.1");
}

TEST(HostName, RefusesWhatIsNotAHost) {
  for (const char* bad : {"", ":80", "[::1", "[::1]x", "[nope]", "a b", "https://x.example", "x.example/path",
                          "user@x.example", "x.example:http", "."}) {
    EXPECT_FALSE(host_name(bad).has_value()) << bad;
  }
}

TEST(HostAllowed, AnyHostWithoutAListOnlyListedAndLoopbackWithOne) {
  EXPECT_TRUE(host_allowed("rebind.evil.example", {}));
  const std::vector<std::string> allowed{"board.example.org"};
  for (const char* ok :
       {"board.example.org", "BOARD.example.org:443", "localhost:3000", "127.0.0.1", "127.1.2.3:8080", "[::1]:8080"}) {
    EXPECT_TRUE(host_allowed(ok, allowed)) << ok;
  }
  for (const char* bad : {"rebind.evil.example", "board.example.org.evil.example", "evil-board.example.org", "",
                          "192.0.2.1", "localhost.evil.example", "[::2]"}) {
    EXPECT_FALSE(host_allowed(bad, allowed)) << bad;
  }
}

TEST(OriginAllowed, SameOriginConfiguredOriginsAndNoOrigin) {
  const OriginPolicy policy{{"https://board.example.org/path"}, {}, false};
  EXPECT_TRUE(origin_allowed("", "127.0.0.1:8080", policy));
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:8080", "127.0.0.1:8080", policy));
  EXPECT_TRUE(origin_allowed("https://127.0.0.1:8080", "127.0.0.1:8080", policy));  // behind a TLS proxy
  EXPECT_TRUE(origin_allowed("https://Board.Example.org", "elsewhere:1", policy));
  EXPECT_FALSE(origin_allowed("https://evil.example", "127.0.0.1:8080", policy));
  EXPECT_FALSE(origin_allowed("null", "127.0.0.1:8080", policy));
}

// DNS rebinding: the attacker's page has Origin == Host. With restricted hosts that is no proof.
TEST(OriginAllowed, OriginEqualToAnUnlistedHostIsRefusedWhenHostsAreRestricted) {
  const OriginPolicy open{{}, {}, false};
  EXPECT_TRUE(origin_allowed("http://rebind.evil.example", "rebind.evil.example", open));
  const OriginPolicy restricted{{}, {"board.example.org"}, false};
  EXPECT_FALSE(origin_allowed("http://rebind.evil.example", "rebind.evil.example", restricted));
  EXPECT_TRUE(origin_allowed("https://board.example.org", "board.example.org", restricted));
  EXPECT_TRUE(origin_allowed("http://localhost:8080", "localhost:8080", restricted));
}

TEST(OriginAllowed, AnHttpOriginIsRefusedOnATlsPort) {
  const OriginPolicy tls{{"http://board.example.org", "https://board.example.org"}, {}, true};
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:8443", "127.0.0.1:8443", tls));
  EXPECT_FALSE(origin_allowed("http://board.example.org", "127.0.0.1:8443", tls));  // even when configured
  EXPECT_TRUE(origin_allowed("https://127.0.0.1:8443", "127.0.0.1:8443", tls));
  EXPECT_TRUE(origin_allowed("https://board.example.org", "127.0.0.1:8443", tls));
}

}  // namespace
}  // namespace boardwalk::net
