// What every network session shares: the engine, configuration and live connection count.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/engine.hpp"
#include "net/address_slots.hpp"
#include "net/trusted_proxies.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace boardwalk::net {

class WebsocketSession;
class Broadcaster;

struct ServerLimits {
  std::size_t max_message_bytes = 16 * 1024;  // one client request
  // Per connection, for queued answers and for changes not sent yet (each); over it the client
  // is too slow and is closed (it resyncs by seq). 1 MiB holds thousands of changes or a large
  // snapshot; the frame being written adds up to as much. The engine's change feeds keep this
  // much (EngineOptions::feed_retain_bytes), so a client within the cap can always catch up.
  std::size_t send_queue_bytes = 1024 * 1024;
  std::size_t max_http_body_bytes = 8 * 1024;
  double connection_rate = 20;  // requests per second per connection (bursts of 3x); 0 = off
  // A whole venue often shares one address behind NAT: this is only a generous backstop.
  std::size_t connections_per_ip = 10000;
  // Plain HTTP connections (page loads, API reads, WebSocket upgrades not done yet) per client
  // address; 0 = off. A phone loading the page opens up to 6 and keeps them up to 30 s, and a
  // venue shares one address behind NAT: generous, a bound against one address holding
  // thousands of idle connections (and file descriptors).
  std::size_t http_connections_per_ip = 4096;
  // A WebSocket silent this long is dropped; it is pinged at half of it, so only a client that
  // does not answer (gone without a close: Wi-Fi lost, laptop shut) reaches it.
  std::chrono::seconds idle_timeout{300};
};

struct ServerContext {
  explicit ServerContext(engine::Engine& e) : engine(e) {}

  engine::Engine& engine;
  Broadcaster* broadcaster = nullptr;  // sends the change feeds to the sessions that follow them
  // The io_context runs on one thread (--threads 1, the default on one core): connections need
  // no strand of their own, and the broadcaster starts their writes itself instead of posting
  // one handler per connection per pass.
  bool one_thread = false;
  std::string web_root;
  std::string public_url;  // for join links and QR codes; empty = derive from Host
  // Origins allowed to open a WebSocket besides the page's own (Origin matching Host).
  std::vector<std::string> allowed_origins;
  // Host names served (from --public-url and --allowed-host, as host_name() spells them), plus
  // loopback; empty = any Host.
  std::vector<std::string> allowed_hosts;
  // Connections from these addresses are reverse proxies: their X-Forwarded-For names the client.
  TrustedProxies trusted_proxies;
  ServerLimits limits;
  std::atomic<std::size_t> connections{0};

  // Live WebSocket sessions, so shutdown can close each with "going away".
  std::mutex sessions_mutex;
  std::unordered_set<WebsocketSession*> sessions;
  std::unordered_map<std::string, std::size_t> connections_by_ip;  // guarded by sessions_mutex
  // Plain HTTP connections per client address (limits.http_connections_per_ip).
  AddressSlots http_connections_by_ip;
  // With --tls-cert/--tls-key: the port speaks only HTTPS and WSS. Null = plain HTTP and WS.
  boost::asio::ssl::context* tls = nullptr;
};

}  // namespace boardwalk::net
