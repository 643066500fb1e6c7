// What every network session shares: the engine, configuration and live connection count.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/engine.hpp"

namespace boardwalk::net {

class WebsocketSession;
class WriteCoalescer;

struct ServerLimits {
  std::size_t max_message_bytes = 16 * 1024;      // one client request
  std::size_t send_queue_bytes = 4 * 1024 * 1024;  // per connection; over it = too slow
  std::size_t max_http_body_bytes = 8 * 1024;
  double connection_rate = 20;  // requests per second per connection (bursts of 3x); 0 = off
  // A whole venue often shares one address behind NAT: this is only a generous backstop.
  std::size_t connections_per_ip = 10000;
};

struct ServerContext {
  explicit ServerContext(engine::Engine& e) : engine(e) {}

  engine::Engine& engine;
  std::string web_root;
  std::string public_url;  // for join links and QR codes; empty = derive from Host
  // Origins allowed to open a WebSocket besides the page's own (Origin matching Host).
  std::vector<std::string> allowed_origins;
  ServerLimits limits;
  std::atomic<std::size_t> connections{0};

  // Live WebSocket sessions, so shutdown can close each with "going away".
  std::mutex sessions_mutex;
  std::unordered_set<WebsocketSession*> sessions;
  std::unordered_map<std::string, std::size_t> connections_by_ip;  // guarded by sessions_mutex
  // Batches busy sessions' writes (one frame per interval under load); null = write at once.
  WriteCoalescer* coalescer = nullptr;
};

}  // namespace boardwalk::net
