// Who the client is behind a reverse proxy. Every connection through a proxy comes from the
// proxy's address, so per-address limits would count a whole audience as one client. The proxy
// appends the address it saw to X-Forwarded-For; that header is believed only on connections
// from an address configured with --trusted-proxy, since anyone else can write anything in it.
#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace boardwalk::net {

// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, what a dual-stack socket reports for IPv4
// peers) as plain IPv4, so one client has one spelling.
boost::asio::ip::address normalize_address(const boost::asio::ip::address& address);

class TrustedProxies {
 public:
  // Each entry an IP address ("10.0.0.5", "::1") or a CIDR range ("10.0.0.0/8", "fd00::/8").
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  [[nodiscard]] bool empty() const { return ranges_.empty(); }
  [[nodiscard]] bool contains(const boost::asio::ip::address& address) const;
  // The address per-address limits count against: `peer` itself unless it is a trusted proxy;
  // then the rightmost X-Forwarded-For entry that is not a trusted proxy (each proxy appends
  // the address it saw, so entries further left were written by the client). If an entry is
  // not an address, the hop that added it is the client. `forwarded_for` joins every
  // X-Forwarded-For line with commas.
  [[nodiscard]] boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                                        std::string_view forwarded_for) const;

 private:
  struct Range {
    bool v4 = false;
    std::array<std::uint8_t, 16> bytes{};
    unsigned prefix = 0;  // leading bits that must match
  };
  std::vector<Range> ranges_;
};

}  // namespace boardwalk::net
