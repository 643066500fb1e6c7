// The CLI's side of the admin socket (app/admin_socket.hpp): sends one request to the running
// server and waits for its answer.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "domain/result.hpp"

namespace boardwalk::app {

// The answer object, or an error if nothing answers at `socket_path` (no server, or one
// started with --no-admin-socket), the answer is not JSON, or none came within `timeout`.
Result<nlohmann::json> admin_call(const std::string& socket_path, const nlohmann::json& request,
                                  std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace boardwalk::app
