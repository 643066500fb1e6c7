#include "health_probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace boardwalk::tools {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// One GET /healthz with a deadline for the whole exchange; the error, or nullopt on a 200.
std::optional<std::string> get_health(unsigned short port, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::empty_body> req{http::verb::get, "/healthz", 11};
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  beast::error_code result = asio::error::timed_out;
  stream.expires_after(timeout);
  stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) {
        result = wec;
        return;
      }
      http::async_read(stream, buffer, res, [&](beast::error_code rec, std::size_t) { result = rec; });
    });
  });
  ioc.run();
  if (result) return result.message();
  if (res.result_int() != 200) return "HTTP " + std::to_string(res.result_int());
  return std::nullopt;
}

}  // namespace

HealthProbe::HealthProbe(std::chrono::milliseconds interval, std::chrono::milliseconds timeout)
    : interval_(interval), timeout_(timeout), thread_([this] { loop(); }) {}

HealthProbe::~HealthProbe() { stop(); }

void HealthProbe::up(unsigned short port, const std::string& phase) {
  std::lock_guard lock(mutex_);
  port_ = port;
  phase_ = phase;
}

void HealthProbe::down() {
  std::lock_guard lock(mutex_);
  port_ = 0;
  phase_ = "down";
}

void HealthProbe::set_phase(const std::string& phase) {
  std::lock_guard lock(mutex_);
  phase_ = phase;
}

void HealthProbe::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::map<std::string, ProbeFigures> HealthProbe::figures() const {
  std::lock_guard lock(mutex_);
  return figures_;
}

std::vector<std::string> HealthProbe::failure_notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

void HealthProbe::loop() {
  auto next = Clock::now();
  while (!stop_) {
    unsigned short port = 0;
    std::string phase;
    {
      std::lock_guard lock(mutex_);
      port = port_;
      phase = phase_;
    }
    const auto start = Clock::now();
    const auto error = port == 0 ? std::optional<std::string>("down") : get_health(port, timeout_);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    {
      std::lock_guard lock(mutex_);
      auto& f = figures_[phase];
      // A restart that began while the probe was in flight makes its failure expected.
      if (port == 0 || port_ != port) {
        ++f.while_down;
      } else if (error) {
        ++f.failures;
        if (notes_.size() < 10)
          notes_.push_back(phase + ": " + *error + " after " + std::to_string(took / 1000) + " ms");
      } else {
        f.latency_us.record(took);
      }
    }
    // Fixed rate; a slow probe is not followed by a burst to catch up.
    next = std::max(next + interval_, Clock::now());
    std::this_thread::sleep_until(next);
  }
}

}  // namespace boardwalk::tools
