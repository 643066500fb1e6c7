// Maps a request target to a file under the web root, refusing anything that could leave it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace boardwalk::net {

// Percent-decodes `target`'s path, maps app routes (/, /e/<slug>, /lobby/<slug>) to their
// pages and returns the file path under `root`, or nullopt for a path that is not allowed
// (.., NUL, backslash, hidden files, bad escapes).
std::optional<std::string> resolve_static(std::string_view root, std::string_view target);
// resolve_static(), then the file system: the canonical path of a regular file that, with every
// symlink followed, is still under the (canonical) root. Nullopt for a missing file, a
// directory, or a link that leads out of the root.
std::optional<std::string> find_static_file(std::string_view root, std::string_view target);
std::string_view mime_type(std::string_view path);

}  // namespace boardwalk::net
