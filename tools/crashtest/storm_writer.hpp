// The writer of the reconnect storm: one participant that keeps changing the board at a fixed
// rate (proposing topics, editing them, voting and unvoting, so that vote counts change too)
// on its own thread, before, during and after each
// restart, reconnecting (auth with its secret) whenever the server is back. Its requests make
// sure that changes keep happening while thousands of screens resubscribe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boardwalk::tools {

class StormWriter {
 public:
  StormWriter(std::string slug, double changes_per_second);
  ~StormWriter();
  StormWriter(const StormWriter&) = delete;
  StormWriter& operator=(const StormWriter&) = delete;

  void set_port(unsigned short port) { port_ = port; }  // 0: the server is down, wait
  void stop();

  [[nodiscard]] std::uint64_t acked() const { return acked_; }
  [[nodiscard]] std::uint64_t reconnects() const { return reconnects_; }
  // Error answers (none are expected: every request is valid).
  [[nodiscard]] std::vector<std::string> errors() const;

 private:
  void loop();
  // One connection's worth of work; returns when the connection breaks or on stop.
  void session(unsigned short port);

  std::string slug_;
  double rate_;
  std::atomic<unsigned short> port_{0};
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> acked_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::string secret_;                // writer thread only
  std::vector<std::int64_t> topics_;  // writer thread only: topics it proposed
  std::int64_t voted_ = 0;            // writer thread only: the topic it holds a vote on, or 0
  std::uint64_t n_ = 0;               // writer thread only
  mutable std::mutex mutex_;
  std::vector<std::string> errors_;
  std::thread thread_;
};

}  // namespace boardwalk::tools
