#include "static_files.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace boardwalk::net {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> resolve_static(std::string_view root, std::string_view target) {
  const std::string_view path_part = target.substr(0, target.find_first_of("?#"));
  auto decoded = percent_decode(path_part);
  if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
  std::string path = *decoded;
  if (path == "/" || path.starts_with("/e/")) {
    path = "/index.html";
  } else if (path.starts_with("/lobby/")) {
    path = "/lobby.html";
  }
  // Every segment must be an ordinary name: no '..', no '.', no hidden files, no NUL or '\'.
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    const std::string_view seg =
        std::string_view(path).substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (seg.empty() || seg.front() == '.') return std::nullopt;
    for (const char c : seg) {
      if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return std::nullopt;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::string out(root);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + path;
}

std::optional<std::string> find_static_file(std::string_view root, std::string_view target) {
  const auto resolved = resolve_static(root, target);
  if (!resolved) return std::nullopt;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path canonical_root = fs::canonical(fs::path(root), ec);
  if (ec) return std::nullopt;
  const fs::path file = fs::canonical(fs::path(*resolved), ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  // Component-wise, so "/srv/web-other" is not taken for a file under "/srv/web".
  const auto [root_end, file_at] =
      std::mismatch(canonical_root.begin(), canonical_root.end(), file.begin(), file.end());
  if (root_end != canonical_root.end() || file_at == file.end()) return std::nullopt;
  return file.string();
}

std::string_view mime_type(std::string_view path) {
  const auto ext = path.substr(path.rfind('.') == std::string_view::npos ? path.size() : path.rfind('.'));
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

}  // namespace boardwalk::net
