// Polls GET /healthz on its own thread at a fixed interval, each time on a new connection (as
// a load balancer would), and records how long each answer took. The server is down on
// purpose while it restarts: the tool says when it is expected up, and only probes sent then
// count as failures. Latencies are kept per named phase (e.g. "steady", "storm").
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "histogram.hpp"

namespace boardwalk::tools {

struct ProbeFigures {
  loadgen::Histogram latency_us;  // answered probes
  std::uint64_t failures = 0;     // no 200 answer within the timeout while the server was up
  std::uint64_t while_down = 0;   // probes sent while the server was down on purpose
};

class HealthProbe {
 public:
  explicit HealthProbe(std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
  ~HealthProbe();
  HealthProbe(const HealthProbe&) = delete;
  HealthProbe& operator=(const HealthProbe&) = delete;

  // The server is up on `port`; later probes are recorded under `phase`.
  void up(unsigned short port, const std::string& phase);
  // The server is going down on purpose: probes fail by design until the next up() (they are
  // counted under the phase "down").
  void down();
  void set_phase(const std::string& phase);
  void stop();

  [[nodiscard]] std::map<std::string, ProbeFigures> figures() const;
  // The first few failures, with their reason.
  [[nodiscard]] std::vector<std::string> failure_notes() const;

 private:
  void loop();

  std::chrono::milliseconds interval_;
  std::chrono::milliseconds timeout_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  unsigned short port_ = 0;  // 0: down
  std::string phase_ = "start";
  std::map<std::string, ProbeFigures> figures_;
  std::vector<std::string> notes_;
  std::thread thread_;
};

}  // namespace boardwalk::tools
