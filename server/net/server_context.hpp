// What every network session shares: the engine, configuration and live connection count.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "engine/engine.hpp"

namespace boardwalk::net {

class WebsocketSession;

struct ServerLimits {
  std::size_t max_message_bytes = 16 * 1024;      // one client request
  std::size_t send_queue_bytes = 4 * 1024 * 1024;  // per connection; over it = too slow
  std::size_t max_http_body_bytes = 8 * 1024;
};

struct ServerContext {
  engine::Engine& engine;
  std::string web_root;
  std::string public_url;  // for join links and QR codes; empty = derive from Host
  ServerLimits limits;
  std::atomic<std::size_t> connections{0};

  // Live WebSocket sessions, so shutdown can close each with "going away".
  std::mutex sessions_mutex;
  std::unordered_set<WebsocketSession*> sessions;
};

}  // namespace boardwalk::net
