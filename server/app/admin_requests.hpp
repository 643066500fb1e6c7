// The credential and set-up operations of the CLI, as requests to a running engine: the
// server answers them on its admin socket (app/admin_socket.hpp), and the CLI itself when no
// server holds the database. One request is a JSON object:
//   {"op": "organizer_code", "event": SLUG}
//       -> {"ok": true, "code": CODE, "link": URL}   a new organizer code; the old one stops working
//   {"op": "tickets", "event": SLUG, "codes": [CODE...], "require": BOOL}
//       -> {"ok": true, "added": N, "total": N, "used": N, "join_mode": "open"|"tickets"}
//   {"op": "import_event", "file": TEXT}       (an event file, docs/event-file.md)
//       -> {"ok": true, "event": SLUG, "rooms": N, "slots": N, "code": CODE, "link": URL}
// and every failure is {"ok": false, "error": {"code": ..., "message": ..., "field": ...}}.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/engine.hpp"

namespace boardwalk::app {

class AdminRequests {
 public:
  // `public_url` starts the organizer links it returns.
  AdminRequests(engine::Engine& engine, std::string secret_key, std::string public_url);

  // Answers `request`. `reply` is called exactly once, on the engine's writer thread (or at
  // once for a request that is refused before reaching it). The engine must be running.
  void handle(const nlohmann::json& request, std::function<void(nlohmann::json)> reply);

  void set_public_url(std::string url) { public_url_ = std::move(url); }

 private:
  void organizer_code(const std::string& slug, std::function<void(nlohmann::json)> reply);
  void tickets(const std::string& slug, const nlohmann::json& request, std::function<void(nlohmann::json)> reply);
  void import_event(const nlohmann::json& request, std::function<void(nlohmann::json)> reply);

  engine::Engine& engine_;
  std::string secret_key_;
  std::string public_url_;
};

// {"ok": false, "error": {...}} for `e`.
nlohmann::json admin_error(const Error& e);

}  // namespace boardwalk::app
