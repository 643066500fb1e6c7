// What the engine needs of a connection: somewhere to put frames. Sessions implement it on
// top of sockets; tests implement it with a vector. deliver() is called from the writer
// thread and must never block: it queues and returns.
//
// The engine knows a connection by its address until Engine::disconnect() is called for it,
// so every Subscriber must call disconnect() before it is destroyed (sessions do so when
// their read loop ends; the engine's own shared_ptr keeps it alive until then).
#pragma once

#include <memory>
#include <string>

#include "protocol/messages.hpp"

namespace boardwalk::engine {

class Subscriber {
 public:
  Subscriber() = default;
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;
  virtual ~Subscriber() = default;

  virtual void deliver(const protocol::Frame& frame) = 0;
  // The ack or error answering this connection's own request. Same queue and order as
  // deliver(); a connection may send it sooner (it never waits for batching).
  virtual void deliver_reply(const protocol::Frame& frame) { deliver(frame); }
  // Ends the connection with `reason` (e.g. its participant was removed). Thread-safe; the
  // default does nothing, for subscribers that are not connections.
  virtual void close(const std::string& /*reason*/) {}
};

using SubscriberPtr = std::shared_ptr<Subscriber>;

}  // namespace boardwalk::engine
