// Cross-site WebSocket hijacking defence: a browser always sends Origin on a WebSocket
// upgrade, so a page from another site cannot open one with the victim's cookies... or, here,
// reach a board from an attacker's page. Same-origin pages and configured origins may.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace boardwalk::net {

// `origin` and `host` are the request's Origin and Host headers (origin empty = absent, as
// from non-browser clients, which are allowed). `allowed` lists extra origins such as
// "https://board.example.org" (from --public-url and --allowed-origin).
bool origin_allowed(std::string_view origin, std::string_view host, const std::vector<std::string>& allowed);

// "https://board.example.org/path" -> "https://board.example.org"
std::string origin_of(std::string_view url);

}  // namespace boardwalk::net
