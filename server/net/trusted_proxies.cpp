#include "trusted_proxies.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace boardwalk::net {

namespace ip = boost::asio::ip;

namespace {

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  const auto address = ip::make_address(text, ec);
  if (ec) return std::nullopt;
  return normalize_address(address);
}

// One X-Forwarded-For entry: an address, perhaps with a port ("192.0.2.1:4711",
// "[2001:db8::1]:4711"), as some proxies write it.
std::optional<ip::address> parse_forwarded_entry(std::string_view entry) {
  while (!entry.empty() && (entry.front() == ' ' || entry.front() == '\t')) entry.remove_prefix(1);
  while (!entry.empty() && (entry.back() == ' ' || entry.back() == '\t')) entry.remove_suffix(1);
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_address(entry.substr(1, close - 1));
  }
  if (std::count(entry.begin(), entry.end(), ':') == 1) entry = entry.substr(0, entry.find(':'));
  return parse_address(entry);
}

}  // namespace

ip::address normalize_address(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const auto& entry : entries) {
    const auto bad = make_error("bad_request", "--trusted-proxy: '" + entry + "' is not an IP address or a CIDR range",
                                "--trusted-proxy");
    const auto slash = entry.find('/');
    const auto address = parse_address(std::string_view(entry).substr(0, slash));
    if (!address) return bad;
    Range range;
    range.v4 = address->is_v4();
    const unsigned bits = range.v4 ? 32 : 128;
    range.prefix = bits;
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(entry).substr(slash + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), range.prefix);
      if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || range.prefix > bits)
        return bad;
    }
    if (range.v4) {
      const auto b = address->to_v4().to_bytes();
      std::copy(b.begin(), b.end(), range.bytes.begin());
    } else {
      range.bytes = address->to_v6().to_bytes();
    }
    out.ranges_.push_back(range);
  }
  return out;
}

bool TrustedProxies::contains(const ip::address& raw) const {
  const auto address = normalize_address(raw);
  std::array<std::uint8_t, 16> bytes{};
  if (address.is_v4()) {
    const auto b = address.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    bytes = address.to_v6().to_bytes();
  }
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& r) {
    if (r.v4 != address.is_v4()) return false;
    const unsigned whole = r.prefix / 8, rest = r.prefix % 8;
    if (!std::equal(bytes.begin(), bytes.begin() + whole, r.bytes.begin())) return false;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (bytes[whole] & mask) == (r.bytes[whole] & mask);
  });
}

ip::address TrustedProxies::client_address(const ip::address& peer, std::string_view forwarded_for) const {
  ip::address client = normalize_address(peer);
  while (contains(client)) {
    if (forwarded_for.empty()) break;
    const auto comma = forwarded_for.rfind(',');
    const std::string_view entry = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view{} : forwarded_for.substr(0, comma);
    const auto next = parse_forwarded_entry(entry);
    if (!next) break;  // not an address: the trusted hop that added it is the best we know
    client = *next;
  }
  return client;
}

}  // namespace boardwalk::net
