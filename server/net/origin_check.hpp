// Which requests are meant for this server, and which pages may open its WebSocket.
//
// Host: with --public-url or --allowed-host the server answers only requests for those names
// (and loopback). A DNS-rebinding page points its own name at this server's address; the
// browser then sends that name as Host, and the page would count as same-origin.
//
// Origin (cross-site WebSocket hijacking): a browser always sends Origin on a WebSocket
// upgrade, so a page from another site cannot reach a board from an attacker's page.
// Same-origin pages and configured origins may.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boardwalk::net {

// The host name in a Host header (or a URL's authority), lower case, without the port, the
// brackets of an IPv6 literal or a trailing dot: "Board.Example.org.:443" -> "board.example.org",
// "[::1]:8080" -> "::1". Nullopt if it is not a plausible host (empty, a path, bad brackets).
std::optional<std::string> host_name(std::string_view host);

// "localhost", any 127.x.y.z and ::1.
bool is_loopback_host(std::string_view name);

// `allowed` holds host names as host_name() returns them; empty = any host is served.
bool host_allowed(std::string_view host_header, const std::vector<std::string>& allowed);

struct OriginPolicy {
  // Extra origins such as "https://board.example.org" (from --public-url and --allowed-origin).
  std::vector<std::string> allowed_origins;
  // As for host_allowed(): when not empty, a page whose Origin equals the request's Host is
  // same-origin only if that host is one of these (or loopback).
  std::vector<std::string> allowed_hosts;
  // The port speaks TLS: an http:// origin is refused (only a downgraded or foreign page has it).
  bool tls = false;
};

// `origin` and `host` are the request's Origin and Host headers (origin empty = absent, as
// from non-browser clients, which are allowed).
bool origin_allowed(std::string_view origin, std::string_view host, const OriginPolicy& policy);

// "https://board.example.org/path" -> "https://board.example.org"
std::string origin_of(std::string_view url);

}  // namespace boardwalk::net
