// What the engine needs of a connection: somewhere to put the answers to its own requests, and
// a change feed to follow once it subscribed. Sessions implement it on top of sockets; tests
// implement it with a vector. Both are called from the writer thread and must never block.
//
// The engine knows a connection by its address until Engine::disconnect() is called for it,
// so every Subscriber must call disconnect() before it is destroyed (sessions do so when
// their read loop ends; the engine's own shared_ptr keeps it alive until then).
#pragma once

#include <memory>
#include <string>

#include "engine/change_feed.hpp"
#include "protocol/messages.hpp"

namespace boardwalk::engine {

class Subscriber {
 public:
  Subscriber() = default;
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;
  virtual ~Subscriber() = default;

  // An answer for this connection alone (ack, error, snapshot, replayed change), to be sent
  // in this order and as soon as possible. Queues and returns.
  virtual void deliver(const protocol::Frame& frame) = 0;
  // A snapshot, or a replay's missed changes as one frame of JSON Lines: an answer of any size,
  // queued in order with the others. A connection judges a client by the progress it makes,
  // not by the size of this one answer (see WebsocketSession), and writes it from the shared
  // buffer without copying it. The default treats it as any other answer.
  virtual void deliver_bulk(const protocol::Frame& frame) { deliver(frame); }
  // From now on this connection receives `feed` from byte `from` on (where the snapshot or
  // replay just delivered ends), instead of any feed it followed before. The connection reads
  // the feed when it is ready to write; the engine never pushes changes to it.
  virtual void follow(std::shared_ptr<const ChangeFeed> feed, ChangeFeed::Offset from) = 0;
  // Ends the connection with `reason` (e.g. its participant was removed). Thread-safe; the
  // default does nothing, for subscribers that are not connections.
  virtual void close(const std::string& /*reason*/) {}
  // The client's address, for limits per address (failed sign-ins, new joins). Behind a
  // trusted reverse proxy it is the address the proxy reports, not the proxy's. Empty for
  // subscribers that are not network connections (they share one "no address" budget).
  [[nodiscard]] virtual std::string client_address() const { return {}; }
};

using SubscriberPtr = std::shared_ptr<Subscriber>;

}  // namespace boardwalk::engine
