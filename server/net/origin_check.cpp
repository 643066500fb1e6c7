#include "origin_check.hpp"

#include <algorithm>
#include <cctype>

namespace boardwalk::net {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return lower(url);
  const auto path = url.find('/', scheme_end + 3);
  return lower(url.substr(0, path));
}

bool origin_allowed(std::string_view origin, std::string_view host, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  const std::string o = lower(origin);
  if (o == "null") return false;  // sandboxed frames, file:// pages
  const std::string h = lower(host);
  if (!h.empty() && (o == "http://" + h || o == "https://" + h)) return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) { return origin_of(a) == o; });
}

}  // namespace boardwalk::net
