// boardwalk-slowclients: what 100 clients that stop reading cost everyone else.
//
// Starts the real server on a fresh database, subscribes F healthy clients (each reads on its
// own thread and checks that its change stream is gap-free) and lets one writer propose topics
// with long descriptions at a fixed rate (an organizer lifts the cap on topics per participant
// first, with the code the server prints at its first start). Phase A (baseline) runs like that; in phase B, S more
// clients subscribe with a tiny receive buffer and never read again. Reports, per phase, the
// healthy clients' change latency (writer send -> client receive, p50/p99/max), the server's
// peak RSS, and at the end how many of the slow clients the server closed (its
// /healthz connection count, and the close code/reason a few of them read).
#include <sys/socket.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "local_http.hpp"
#include "organizer.hpp"
#include "server_launcher.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using boardwalk::tools::http_get;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using Ws = websocket::stream<beast::tcp_stream>;

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

long long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

std::unique_ptr<Ws> connect(asio::io_context& ioc, unsigned short port, int rcvbuf) {
  auto ws = std::make_unique<Ws>(ioc);
  auto& sock = beast::get_lowest_layer(*ws).socket();
  sock.open(asio::ip::tcp::v4());
  // A tiny receive buffer (set before connecting, so the window stays small): the kernel
  // soaks up little, and the server's queue bound is what gets tested.
  if (rcvbuf > 0) sock.set_option(asio::socket_base::receive_buffer_size(rcvbuf));
  beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(*ws).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  ws->handshake("127.0.0.1:" + std::to_string(port), "/ws");
  beast::get_lowest_layer(*ws).expires_never();
  ws->text(true);
  return ws;
}

// Reads one message, or fails with beast::error::timeout after `timeout`. Beast's stream
// timeouts apply only to asynchronous operations: a synchronous read would wait forever once
// the server goes quiet (which it does at the end of a run).
beast::error_code read_for(asio::io_context& ioc, Ws& ws, beast::flat_buffer& buf, std::chrono::seconds timeout) {
  beast::error_code result;
  beast::get_lowest_layer(ws).expires_after(timeout);
  ws.async_read(buf, [&result](beast::error_code ec, std::size_t) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

struct Latencies {
  std::mutex mutex;
  std::vector<long long> a, b;  // microseconds, per phase
};

struct Percentiles {
  long long count = 0, p50 = 0, p99 = 0, max = 0;
};
Percentiles percentiles(std::vector<long long> v) {
  Percentiles p;
  if (v.empty()) return p;
  std::sort(v.begin(), v.end());
  p.count = static_cast<long long>(v.size());
  p.p50 = v[v.size() / 2];
  p.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  p.max = v.back();
  return p;
}
json to_json(const Percentiles& p) {
  return {{"deliveries", p.count}, {"p50_ms", p.p50 / 1000.0}, {"p99_ms", p.p99 / 1000.0}, {"max_ms", p.max / 1000.0}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string server_bin;
  int fast = 20, slow = 100, rate = 200, phase_a = 10, phase_b = 20, description = 1900;
  CLI::App app{"boardwalk-slowclients: server memory and healthy clients' latency while clients stop reading"};
  app.add_option("--server", server_bin, "the boardwalk binary")->required()->check(CLI::ExistingFile);
  app.add_option("--fast", fast, "healthy clients")->capture_default_str();
  app.add_option("--slow", slow, "clients that stop reading")->capture_default_str();
  app.add_option("--rate", rate, "changes per second")->capture_default_str();
  app.add_option("--phase-a", phase_a, "seconds of baseline")->capture_default_str();
  app.add_option("--phase-b", phase_b, "seconds with the slow clients")->capture_default_str();
  app.add_option("--description", description, "characters of description per change")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  ::signal(SIGPIPE, SIG_IGN);

  namespace fs = std::filesystem;
  const fs::path work = fs::temp_directory_path() / ("boardwalk-slowclients-" + std::to_string(getpid()));
  fs::create_directories(work);
  boardwalk::tools::Server server(
      server_bin, {"--db", (work / "slow.db").string(), "--rate-per-connection", "0", "--rate-per-participant", "0"},
      (work / "server.log").string());
  const unsigned short port = server.port();
  try {
    const auto code = boardwalk::tools::organizer_code_from_log(server.log_path(), "demo");
    if (!code) throw std::runtime_error("the server printed no organizer link for 'demo'");
    boardwalk::tools::lift_caps(port, "demo", *code, "slow organizer");
  } catch (const std::exception& e) {
    std::cerr << "FAIL: " << e.what() << "\n";
    return 1;
  }
  std::vector<std::string> failures;
  std::mutex failures_mutex;
  const auto fail = [&](const std::string& f) {
    std::lock_guard lock(failures_mutex);
    if (failures.size() < 20) failures.push_back(f);
  };

  std::atomic<int> phase{0};  // 0 set-up, 1 baseline, 2 slow clients, 3 done
  std::atomic<bool> stop{false};
  Latencies lat;
  // Healthy clients: subscribe, read everything, check seq continuity, record latencies.
  std::vector<std::thread> readers;
  std::atomic<int> subscribed{0};
  for (int i = 0; i < fast; ++i) {
    readers.emplace_back([&, i] {
      try {
        asio::io_context ioc;
        auto ws = connect(ioc, port, 0);
        ws->write(asio::buffer(json{{"type", "subscribe"}, {"id", 1}, {"event", "demo"}}.dump()));
        long long last = -1;
        beast::flat_buffer buf;
        // Reads are bounded: a healthy client that hears nothing for 10 s reports it (unless
        // the run is over, when the writer has stopped).
        while (!stop.load()) {
          buf.clear();
          if (const auto ec = read_for(ioc, *ws, buf, std::chrono::seconds(10))) {
            if (ec == beast::error::timeout && stop.load()) break;
            throw beast::system_error(ec);
          }
          const long long t = now_ns();
          std::istringstream lines(beast::buffers_to_string(buf.data()));
          std::string line;
          while (std::getline(lines, line)) {
            const json m = json::parse(line, nullptr, false);
            const std::string type = m.is_object() ? m.value("type", "") : "";
            if (type == "snapshot") last = m["seq"];
            if (type == "ack") ++subscribed;
            if (type != "change") continue;
            const long long seq = m["seq"];
            if (last >= 0 && seq != last + 1)
              fail("client " + std::to_string(i) + ": seq " + std::to_string(seq) + " after " + std::to_string(last));
            last = seq;
            if (m.value("kind", "") != "topic_proposed") continue;
            const std::string title = m["topic"]["title"];
            if (title.rfind("lat ", 0) != 0) continue;
            const long long us = (t - std::stoll(title.substr(4))) / 1000;
            const int ph = phase.load();
            std::lock_guard lock(lat.mutex);
            if (ph == 1) lat.a.push_back(us);
            if (ph == 2) lat.b.push_back(us);
          }
        }
      } catch (const std::exception& e) {
        if (!stop.load()) fail("healthy client " + std::to_string(i) + ": " + e.what());
      }
    });
  }
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (subscribed.load() < fast && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (subscribed.load() < fast) fail("healthy clients did not all subscribe");

  // RSS sampler.
  std::atomic<long long> peak_a{0}, peak_b{0}, rss_start{rss_kib(server.pid())};
  std::thread sampler([&] {
    while (!stop.load()) {
      const long long r = rss_kib(server.pid());
      if (phase.load() == 1) peak_a = std::max(peak_a.load(), r);
      if (phase.load() == 2) peak_b = std::max(peak_b.load(), r);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  // Writer: one joined client proposing topics at `rate`, each waiting for its ack.
  std::atomic<long long> acked{0}, errors{0};
  std::thread writer([&] {
    try {
      asio::io_context ioc;
      auto ws = connect(ioc, port, 0);
      beast::flat_buffer buf;
      const auto request = [&](json m) {
        ws->write(asio::buffer(m.dump()));
        for (;;) {
          buf.clear();
          beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(10));
          ws->read(buf);
          const json a = json::parse(beast::buffers_to_string(buf.data()), nullptr, false);
          if (a.is_object() && (a.value("type", "") == "ack" || a.value("type", "") == "error")) return a;
        }
      };
      request({{"type", "join"}, {"id", 1}, {"event", "demo"}, {"name", "Writer"}});
      const std::string desc(static_cast<std::size_t>(description), 'd');
      const auto interval = std::chrono::nanoseconds(1'000'000'000LL / std::max(1, rate));
      auto next = Clock::now();
      for (long long i = 2; !stop.load(); ++i) {
        std::this_thread::sleep_until(next);
        next += interval;
        const json a = request({{"type", "propose_topic"},
                                {"id", i},
                                {"title", "lat " + std::to_string(now_ns())},
                                {"description", desc}});
        if (a["type"] == "ack")
          ++acked;
        else
          ++errors;
      }
    } catch (const std::exception& e) {
      if (!stop.load()) fail(std::string("writer: ") + e.what());
    }
  });

  const auto connections = [&] {
    return json::parse(http_get(port, "/healthz", std::chrono::seconds(10)).value_or("")).value("connections", -1LL);
  };
  phase = 1;
  std::this_thread::sleep_for(std::chrono::seconds(phase_a));
  const long long conns_before = connections();

  // Phase B: S clients subscribe and never read again.
  asio::io_context slow_ioc;
  std::vector<std::unique_ptr<Ws>> sleepers;
  for (int i = 0; i < slow; ++i) {
    try {
      auto ws = connect(slow_ioc, port, 4096);
      ws->write(asio::buffer(json{{"type", "subscribe"}, {"id", 1}, {"event", "demo"}}.dump()));
      sleepers.push_back(std::move(ws));
    } catch (const std::exception& e) {
      fail(std::string("slow client: ") + e.what());
    }
  }
  phase = 2;
  const long long conns_with_slow = connections();
  const auto b_start = Clock::now();
  long long conns_end = -1;
  std::this_thread::sleep_for(std::chrono::seconds(phase_b));
  conns_end = connections();
  const double b_seconds = std::chrono::duration<double>(Clock::now() - b_start).count();
  phase = 3;
  const long long rss_end = rss_kib(server.pid());
  stop = true;
  writer.join();
  sampler.join();
  for (auto& t : readers) t.join();

  // What a few slow clients read at the end: the server's close code and reason.
  json closes = json::array();
  for (std::size_t i = 0; i < sleepers.size() && i < 3; ++i) {
    auto& ws = *sleepers[i];
    beast::flat_buffer buf;
    beast::error_code ec;
    long long bytes = 0;
    const auto until = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < until) {
      buf.clear();
      ec = read_for(slow_ioc, ws, buf, std::chrono::seconds(5));
      if (ec) break;
      bytes += static_cast<long long>(buf.size());
    }
    closes.push_back({{"error", ec.message()},
                      {"close_code", static_cast<int>(ws.reason().code)},
                      {"reason", std::string(ws.reason().reason.data(), ws.reason().reason.size())},
                      {"bytes_read_before_close", bytes}});
  }

  const auto pa = percentiles(lat.a), pb = percentiles(lat.b);
  json out = {{"fast_clients", fast},
              {"slow_clients", slow},
              {"rate_per_s", rate},
              {"change_bytes_approx", description + 250},
              {"acked", acked.load()},
              {"errors", errors.load()},
              {"baseline", {{"seconds", phase_a}, {"latency", to_json(pa)}, {"peak_rss_kib", peak_a.load()}}},
              {"slow_phase", {{"seconds", b_seconds}, {"latency", to_json(pb)}, {"peak_rss_kib", peak_b.load()}}},
              {"rss_start_kib", rss_start.load()},
              {"rss_end_kib", rss_end},
              {"connections_before_slow", conns_before},
              {"connections_with_slow", conns_with_slow},
              {"connections_at_end", conns_end},
              {"slow_client_closes", closes},
              {"failures", failures}};
  const bool ok = failures.empty() && errors.load() == 0 && conns_end == conns_before;
  out["ok"] = ok;
  if (conns_end != conns_before) {
    // Not a server fault by itself: with a low rate or a short phase B, the slow clients may
    // simply not have fallen 1 MiB (plus their socket buffers) behind yet.
    std::cerr << "not ok: " << conns_end - conns_before << " slow client(s) still connected after phase B (" << rate
              << " changes/s of ~" << description + 250 << " bytes for " << phase_b
              << " s); the server closes a client once over 1 MiB behind\n";
  }
  std::cout << out.dump(2) << "\n";
  server.stop(std::chrono::seconds(10));
  std::error_code ec;
  if (ok) fs::remove_all(work, ec);
  return ok ? 0 : 1;
}
