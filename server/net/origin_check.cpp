#include "origin_check.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace boardwalk::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

std::optional<std::string> host_name(std::string_view host) {
  std::string_view name;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view after = host.substr(close + 1);
    if (!after.empty() && !(after.front() == ':' && all_digits(after.substr(1)))) return std::nullopt;
    name = host.substr(1, close - 1);
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(name, ec);
    if (ec) return std::nullopt;
    return lower(name);
  }
  const auto colon = host.find(':');
  name = host.substr(0, colon);
  if (colon != std::string_view::npos && !all_digits(host.substr(colon + 1))) return std::nullopt;
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  // Letters, digits, '-', '.', '_' (some internal names have it): no paths, userinfo or spaces.
  const bool plain = std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_';
  });
  if (!plain) return std::nullopt;
  return lower(name);
}

bool is_loopback_host(std::string_view name) {
  if (name == "localhost") return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(name, ec);
  return !ec && address.is_loopback();
}

bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return true;
  const auto name = host_name(host_header);
  if (!name) return false;
  return is_loopback_host(*name) || std::find(allowed.begin(), allowed.end(), *name) != allowed.end();
}

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return lower(url);
  const auto path = url.find('/', scheme_end + 3);
  return lower(url.substr(0, path));
}

bool origin_allowed(std::string_view origin, std::string_view host, const OriginPolicy& policy) {
  if (origin.empty()) return true;
  const std::string o = lower(origin);
  if (o == "null") return false;  // sandboxed frames, file:// pages
  if (policy.tls && o.starts_with("http://")) return false;
  const std::string h = lower(host);
  // The page's own origin. Behind a TLS-terminating proxy the port is plain but pages are https.
  const bool same_host = !h.empty() && (o == "https://" + h || (!policy.tls && o == "http://" + h));
  if (same_host && host_allowed(h, policy.allowed_hosts)) return true;
  return std::any_of(policy.allowed_origins.begin(), policy.allowed_origins.end(),
                     [&](const std::string& a) { return origin_of(a) == o; });
}

}  // namespace boardwalk::net
