#include "net/trusted_proxies.hpp"

#include <gtest/gtest.h>

namespace boardwalk::net {
namespace {

namespace ip = boost::asio::ip;

ip::address addr(const char* text) { return ip::make_address(text); }

TEST(TrustedProxies, ParsesAddressesAndRanges) {
  const auto proxies = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1", "192.168.1.0/25"});
  ASSERT_TRUE(proxies.ok());
  for (const char* yes : {"127.0.0.1", "10.200.3.4", "fd12::1", "::1", "192.168.1.127", "::ffff:10.1.1.1"}) {
    EXPECT_TRUE(proxies->contains(addr(yes))) << yes;
  }
  for (const char* no : {"127.0.0.2", "11.0.0.1", "fe80::1", "192.168.1.128", "::ffff:127.0.0.2"}) {
    EXPECT_FALSE(proxies->contains(addr(no))) << no;
  }
}

TEST(TrustedProxies, RefusesWhatIsNotAnAddressOrRange) {
  for (const char* bad : {"proxy.example", "10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0.1/x", "10.0.0.1/8/8", ""}) {
    const auto parsed = TrustedProxies::parse({bad});
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("is not an IP address or a CIDR range"), std::string::npos);
  }
}

TEST(TrustedProxies, ClientIsTheRightmostUntrustedForwardedAddress) {
  const auto proxies = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8"});
  ASSERT_TRUE(proxies.ok());
  const auto proxy = addr("127.0.0.1");
  EXPECT_EQ(proxies->client_address(proxy, "198.51.100.1").to_string(), "198.51.100.1");
  // Whatever the client wrote first is ignored; the proxy appended the real address.
  EXPECT_EQ(proxies->client_address(proxy, "203.0.113.9, 198.51.100.1").to_string(), "198.51.100.1");
  // A second trusted hop is skipped.
  EXPECT_EQ(proxies->client_address(proxy, "198.51.100.1,10.1.2.3").to_string(), "198.51.100.1");
  EXPECT_EQ(proxies->client_address(proxy, " [2001:db8::7]:4711 , 10.1.2.3").to_string(), "2001:db8::7");
  EXPECT_EQ(proxies->client_address(proxy, "198.51.100.1:4711").to_string(), "198.51.100.1");
  // Only trusted hops: the leftmost of them is as far as we can see.
  EXPECT_EQ(proxies->client_address(proxy, "10.9.9.9").to_string(), "10.9.9.9");
  // Nothing forwarded, or garbage where the client should be: the hop that sent it.
  EXPECT_EQ(proxies->client_address(proxy, "").to_string(), "127.0.0.1");
  EXPECT_EQ(proxies->client_address(proxy, "198.51.100.1, unknown").to_string(), "127.0.0.1");
  EXPECT_EQ(proxies->client_address(proxy, "unknown, 10.1.2.3").to_string(), "10.1.2.3");
}

TEST(TrustedProxies, ForwardedForIsIgnoredFromOthers) {
  const auto proxies = TrustedProxies::parse({"10.0.0.1"});
  ASSERT_TRUE(proxies.ok());
  EXPECT_EQ(proxies->client_address(addr("198.51.100.5"), "203.0.113.1").to_string(), "198.51.100.5");
  EXPECT_EQ(proxies->client_address(addr("::ffff:198.51.100.5"), "").to_string(), "198.51.100.5");
  const auto none = TrustedProxies::parse({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->client_address(addr("127.0.0.1"), "203.0.113.1").to_string(), "127.0.0.1");
}

}  // namespace
}  // namespace boardwalk::net
