// boardwalk-soak: the server's memory under connection churn (docs/reliability.md).
//
// Starts the real server on a fresh database with a short --idle-timeout and the per-person
// and per-address limits lifted (the joins per address too: the pool and --grow-board create
// more participants from 127.0.0.1 than one address may), creates a pool of identities by
// `join` (the only joins of the run: a join is a permanent participant, so more of them would
// grow the board and with it the memory), then
// runs connection cycles (soak_cycles.hpp: connect, subscribe, auth with a secret from the
// pool, and a close, a dropped socket, an abort with the request in flight, or a client that
// vanishes and must be reaped by the idle timeout) until --cycles have run.
//
// At checkpoints (after --baseline cycles, every --report-every, and at the end) the load
// pauses until every cycle has finished, every vanished client has been reaped and the
// server reports no open connection, and then the server's VmRSS and VmHWM are read from
// /proc/PID/status. The run fails when the final RSS is more than --max-growth-pct above the
// baseline (or more than --max-growth-kib, when given), when any cycle failed, or when the
// --deadline passes. --grow-board makes every cycle join instead: the board grows, and the
// check must fail (it shows the check can).
//
// Output: a table on stderr, one JSON object on stdout. Exit 0 when ok, 1 otherwise.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/file_limit.hpp"
#include "local_http.hpp"
#include "server_launcher.hpp"
#include "soak_cycles.hpp"

namespace {

namespace asio = boost::asio;
using boardwalk::tools::CycleRunner;
using boardwalk::tools::CycleSettings;
using boardwalk::tools::Server;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string server;
  std::uint64_t cycles = 500000;
  std::uint64_t baseline = 20000;
  std::uint64_t report_every = 100000;
  std::uint64_t pool = 2000;
  int concurrency = 64;
  unsigned idle_timeout_s = 2;
  double max_growth_pct = 10.0;
  double max_growth_kib = -1;  // < 0: only the percentage
  std::uint64_t max_failed = 0;
  double settle_s = 1.0;
  double deadline_s = 3600;
  std::vector<std::string> source_addrs;
  std::vector<std::string> server_args;
  std::string on_checkpoint;  // shell command run after each reading, SOAK_SERVER_PID in its environment
  std::string work_dir;       // empty: a fresh directory under the system temp directory, removed
  bool grow_board = false;
  CycleSettings cycle;
};

struct MemoryReading {
  std::uint64_t cycles = 0;  // soak cycles (pool joins not counted)
  long long rss_kib = -1;
  long long hwm_kib = -1;
  double elapsed_s = 0;
};

// VmRSS and VmHWM of a process, in KiB (-1 when unreadable).
std::pair<long long, long long> rss_and_hwm(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  long long rss = -1, hwm = -1;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stoll(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) hwm = std::stoll(line.substr(6));
  }
  return {rss, hwm};
}

// Open WebSocket connections as the server counts them (GET /healthz); -1 when unreachable.
long long server_connections(unsigned short port) {
  const auto body = boardwalk::tools::http_get(port, "/healthz", std::chrono::seconds(5));
  if (!body) return -1;
  const auto j = json::parse(*body, nullptr, false);
  return j.is_object() && j.contains("connections") ? j["connections"].get<long long>() : -1;
}

class Soak {
 public:
  explicit Soak(const Options& o) : o_(o), start_(Clock::now()), deadline_(start_ + to_duration(o.deadline_s)) {}

  int run() {
    const auto limit = boardwalk::app::raise_file_limit();
    const auto dir = prepare_dir();
    std::vector<std::string> args = {"--db",
                                     (dir / "soak.db").string(),
                                     "--idle-timeout",
                                     std::to_string(o_.idle_timeout_s),
                                     "--durability",
                                     "normal",
                                     "--rate-per-connection",
                                     "0",
                                     "--rate-per-participant",
                                     "0",
                                     "--max-connections-per-participant",
                                     "0",
                                     "--max-connections-per-ip",
                                     "0",
                                     "--joins-per-second-per-ip",
                                     "0"};
    args.insert(args.end(), o_.server_args.begin(), o_.server_args.end());
    Server server(o_.server, args, (dir / "server.log").string());
    std::cerr << "server pid " << server.pid() << " on port " << server.port() << ", log " << (dir / "server.log")
              << "\n";

    CycleSettings settings = o_.cycle;
    settings.port = server.port();
    settings.reap_deadline = std::chrono::seconds(o_.idle_timeout_s * 2 + 15);
    asio::io_context ioc(1);
    auto guard = asio::make_work_guard(ioc);
    std::thread io([&ioc] { ioc.run(); });
    json report;
    {
      CycleRunner runner(ioc, settings, o_.concurrency);
      report = drive(runner, server);
      if (!runner.quiet()) {
        // Only after a failure: end the server so every pending client operation completes.
        server.kill9();
        wait_for([&] { return runner.quiet(); }, std::chrono::seconds(o_.idle_timeout_s * 2 + 30));
      }
      guard.reset();
      ioc.stop();
      io.join();
    }
    const int server_exit = server.stop(std::chrono::seconds(30));
    if (server_exit != 0 && server_exit != -1) fail("server exited with status " + std::to_string(server_exit));
    report["file_limit"] = limit.soft;
    report["failures"] = failures_;
    report["ok"] = failures_.empty();
    std::cout << report.dump(2) << "\n";
    // A --grow-board run fails on purpose (a self-test): nothing worth keeping.
    if (o_.work_dir.empty() && (failures_.empty() || o_.grow_board)) std::filesystem::remove_all(dir);
    std::cerr << (failures_.empty() ? "ok\n" : "FAILED\n");
    return failures_.empty() ? 0 : 1;
  }

 private:
  static Clock::duration to_duration(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  std::filesystem::path prepare_dir() const {
    std::filesystem::path dir =
        o_.work_dir.empty() ? std::filesystem::temp_directory_path() / ("boardwalk-soak-" + std::to_string(::getpid()))
                            : std::filesystem::path(o_.work_dir);
    std::filesystem::create_directories(dir);
    for (const char* f : {"soak.db", "soak.db-wal", "soak.db-shm"}) std::filesystem::remove(dir / f);
    return dir;
  }

  void fail(const std::string& what) {
    failures_.push_back(what);
    std::cerr << "FAIL: " << what << "\n";
  }

  // Waits (bounded by `limit` and the run's deadline) until done(); false on timeout.
  template <class F>
  bool wait_for(F done, Clock::duration limit) {
    const auto until = std::min(Clock::now() + limit, deadline_);
    while (!done()) {
      if (Clock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  // Runs cycles until `total` (pool included) have started, then waits until all of them are
  // over and the server holds no connection. False on a deadline.
  bool run_to(CycleRunner& runner, std::uint64_t total, CycleRunner::Identity identity, Server& server) {
    runner.run_until(total, identity);
    const auto& c = runner.counters();
    auto last_print = Clock::now();
    const bool finished = wait_for(
        [&] {
          if (Clock::now() - last_print > std::chrono::seconds(10)) {
            last_print = Clock::now();
            std::cerr << "  ... " << c.completed << " cycles, " << c.failed << " failed, " << c.vanish_pending
                      << " vanished clients waiting to be reaped\n";
          }
          return c.completed >= total && runner.quiet();
        },
        deadline_ - Clock::now());
    if (!finished) {
      fail("deadline: only " + std::to_string(c.completed.load()) + " of " + std::to_string(total) +
           " cycles finished in " + std::to_string(o_.deadline_s) + " s");
      return false;
    }
    if (!wait_for([&] { return server_connections(server.port()) == 0; }, std::chrono::seconds(30))) {
      fail("the server still reports " + std::to_string(server_connections(server.port())) +
           " open connections 30 s after the last cycle");
      return false;
    }
    return true;
  }

  MemoryReading read_memory(const Server& server, std::uint64_t cycles) {
    std::this_thread::sleep_for(to_duration(o_.settle_s));  // let the engine finish its disconnects
    const auto [rss, hwm] = rss_and_hwm(server.pid());
    MemoryReading m{cycles, rss, hwm, std::chrono::duration<double>(Clock::now() - start_).count()};
    std::fprintf(stderr, "%10llu cycles  VmRSS %8lld KiB  VmHWM %8lld KiB  %7.1f s\n",
                 static_cast<unsigned long long>(cycles), rss, hwm, m.elapsed_s);
    if (!o_.on_checkpoint.empty()) {
      // For a look inside the server at a quiet moment, e.g. gdb calling malloc_stats().
      ::setenv("SOAK_SERVER_PID", std::to_string(server.pid()).c_str(), 1);
      ::setenv("SOAK_CYCLES", std::to_string(cycles).c_str(), 1);
      if (std::system(o_.on_checkpoint.c_str()) != 0) std::cerr << "--on-checkpoint command failed\n";
    }
    return m;
  }

  json drive(CycleRunner& runner, Server& server) {
    const auto& c = runner.counters();
    std::vector<MemoryReading> readings;
    std::optional<MemoryReading> before_pool;
    json out = {{"tool", "boardwalk-soak"}, {"server_pid", server.pid()}};

    before_pool = read_memory(server, 0);
    const auto identity = o_.grow_board ? CycleRunner::Identity::join : CycleRunner::Identity::auth;
    if (!o_.grow_board) {
      std::cerr << "creating " << o_.pool << " identities by join\n";
      if (!run_to(runner, o_.pool, CycleRunner::Identity::join, server)) return out;
      if (runner.pool_size() != o_.pool) {
        std::string reasons;
        for (const auto& [why, n] : runner.failures()) reasons += "\n  " + std::to_string(n) + " x " + why;
        fail("identity pool: " + std::to_string(runner.pool_size()) + " of " + std::to_string(o_.pool) +
             " joined:" + reasons);
        return out;
      }
    }
    const std::uint64_t offset = c.completed;  // the pool's cycles
    std::vector<std::uint64_t> checkpoints;
    if (o_.baseline < o_.cycles) checkpoints.push_back(o_.baseline);
    for (std::uint64_t k = o_.report_every; o_.report_every > 0 && k < o_.cycles; k += o_.report_every) {
      if (k > o_.baseline) checkpoints.push_back(k);
    }
    checkpoints.push_back(o_.cycles);
    std::cerr << "running " << o_.cycles << " cycles, " << o_.concurrency << " at a time\n";
    const auto soak_start = Clock::now();
    for (const auto k : checkpoints) {
      if (!run_to(runner, offset + k, identity, server)) break;
      readings.push_back(read_memory(server, k));
    }
    const double soak_s = std::chrono::duration<double>(Clock::now() - soak_start).count();

    if (c.failed > o_.max_failed) {
      std::string reasons;
      for (const auto& [why, n] : runner.failures()) reasons += "\n  " + std::to_string(n) + " x " + why;
      fail(std::to_string(c.failed.load()) + " cycles failed (at most " + std::to_string(o_.max_failed) +
           " allowed):" + reasons);
    }
    json rows = json::array();
    for (const auto& r : readings) {
      rows.push_back(
          {{"cycles", r.cycles}, {"rss_kib", r.rss_kib}, {"hwm_kib", r.hwm_kib}, {"elapsed_s", r.elapsed_s}});
    }
    out["before_pool"] = {{"rss_kib", before_pool->rss_kib}, {"hwm_kib", before_pool->hwm_kib}};
    out["readings"] = rows;
    if (readings.size() >= 2 && readings.back().cycles == o_.cycles) {
      const auto& base = readings.front();
      const auto& last = readings.back();
      const double growth_kib = static_cast<double>(last.rss_kib - base.rss_kib);
      const double growth_pct = 100.0 * growth_kib / static_cast<double>(base.rss_kib);
      out["baseline_cycles"] = base.cycles;
      out["rss_growth_kib"] = growth_kib;
      out["rss_growth_pct"] = growth_pct;
      std::fprintf(stderr, "RSS after %llu cycles: %lld KiB; after %llu: %lld KiB (%+.1f %%, %+.0f KiB)\n",
                   static_cast<unsigned long long>(base.cycles), base.rss_kib,
                   static_cast<unsigned long long>(last.cycles), last.rss_kib, growth_pct, growth_kib);
      if (growth_pct > o_.max_growth_pct) {
        fail("RSS grew " + std::to_string(growth_pct) + " % from " + std::to_string(base.rss_kib) + " KiB after " +
             std::to_string(base.cycles) + " cycles (allowed " + std::to_string(o_.max_growth_pct) + " %)");
      } else if (o_.max_growth_kib >= 0 && growth_kib > o_.max_growth_kib) {
        fail("RSS grew " + std::to_string(growth_kib) + " KiB from " + std::to_string(base.rss_kib) + " KiB after " +
             std::to_string(base.cycles) + " cycles (allowed " + std::to_string(o_.max_growth_kib) + " KiB)");
      }
    } else if (failures_.empty()) {
      fail("no baseline and final reading: --baseline must be below --cycles");
    }
    const auto soak_cycles = c.completed - offset;
    out["cycles"] = {{"soak", soak_cycles},
                     {"pool_joins", offset},
                     {"per_second", soak_s > 0 ? static_cast<double>(soak_cycles) / soak_s : 0.0},
                     {"failed", c.failed.load()},
                     {"joins", c.joins.load()},
                     {"auths", c.auths.load()},
                     {"snapshots", c.snapshots.load()},
                     {"replays", c.replays.load()},
                     {"closes", c.closes.load()},
                     {"drops", c.drops.load()},
                     {"aborts", c.aborts.load()},
                     {"vanished", c.vanished.load()},
                     {"reaped", c.reaped.load()},
                     {"max_reap_ms", c.max_reap_ms.load()}};
    json reasons = json::object();
    for (const auto& [why, n] : runner.failures()) reasons[why] = n;
    out["failure_reasons"] = reasons;
    std::cerr << "cycles: " << soak_cycles << " (+" << offset << " pool joins), " << c.closes << " closed, " << c.drops
              << " dropped, " << c.aborts << " aborted, " << c.vanished << " vanished (" << c.reaped
              << " reaped, slowest " << c.max_reap_ms << " ms), " << c.snapshots << " snapshots, " << c.replays
              << " replays, " << c.failed << " failed\n";
    return out;
  }

  const Options& o_;
  const Clock::time_point start_;
  const Clock::time_point deadline_;
  std::vector<std::string> failures_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"boardwalk-soak: server memory under connection churn (connect, subscribe, auth, close or vanish)"};
  app.add_option("--server", o.server, "the boardwalk binary")->required()->check(CLI::ExistingFile);
  app.add_option("--cycles", o.cycles, "connection cycles after the identity pool")->capture_default_str();
  app.add_option("--baseline", o.baseline, "cycles before the baseline memory reading")->capture_default_str();
  app.add_option("--report-every", o.report_every, "cycles between intermediate readings (0: none)")
      ->capture_default_str();
  app.add_option("--pool", o.pool, "identities created by join before the cycles")->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "cycles running at the same time")
      ->check(CLI::Range(1, 5000))
      ->capture_default_str();
  app.add_option("--idle-timeout", o.idle_timeout_s, "the server's --idle-timeout (reaps vanished clients)")
      ->check(CLI::Range(1u, 600u))
      ->capture_default_str();
  app.add_option("--snapshot-share", o.cycle.mix.snapshot_share, "share of subscribes without since (snapshot)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--drop-share", o.cycle.mix.drop_share, "share of cycles ending with a TCP close after the answer")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--abort-share", o.cycle.mix.abort_share,
                 "share of cycles ending with a TCP close while the auth is unanswered")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--vanish-share", o.cycle.mix.vanish_share,
                 "share of cycles whose client stops answering and is left to the idle timeout")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--max-growth-pct", o.max_growth_pct, "allowed RSS growth from the baseline to the end, in %")
      ->capture_default_str();
  app.add_option("--max-growth-kib", o.max_growth_kib, "also allow at most this many KiB of growth (-1: no such bound)")
      ->capture_default_str();
  app.add_option("--max-failed", o.max_failed, "failed cycles allowed")->capture_default_str();
  app.add_option("--settle", o.settle_s, "seconds to wait at a checkpoint before reading memory")
      ->capture_default_str();
  app.add_option("--deadline", o.deadline_s, "seconds the whole run may take")->capture_default_str();
  app.add_option("--source-addrs", o.source_addrs, "client source addresses in 127.0.0.0/8 (round robin)")
      ->delimiter(',');
  app.add_option("--server-arg", o.server_args, "extra server argument (repeatable; e.g. --server-arg=--threads=1)")
      ->allow_extra_args(false);
  app.add_option("--on-checkpoint", o.on_checkpoint,
                 "shell command run after each memory reading, with SOAK_SERVER_PID and SOAK_CYCLES set");
  app.add_option("--work-dir", o.work_dir, "directory for the database and server log (kept)");
  app.add_option("--event", o.cycle.event, "event slug")->capture_default_str();
  app.add_option("--seed", o.cycle.seed, "random seed")->capture_default_str();
  app.add_flag("--grow-board", o.grow_board,
               "every cycle joins (a new permanent participant): the board grows, so RSS must grow and the run fail");
  CLI11_PARSE(app, argc, argv);

  const auto& m = o.cycle.mix;
  if (m.drop_share + m.abort_share + m.vanish_share > 1.0) {
    std::cerr << "--drop-share + --abort-share + --vanish-share must be at most 1\n";
    return 2;
  }
  for (const auto& a : o.source_addrs) {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address_v4(a, ec);
    if (ec || (addr.to_uint() >> 24) != 127) {
      std::cerr << "--source-addrs: " << a << " is not a loopback address\n";
      return 2;
    }
    o.cycle.sources.push_back(addr);
  }
  if (o.baseline >= o.cycles) {
    std::cerr << "--baseline must be below --cycles\n";
    return 2;
  }
  try {
    return Soak(o).run();
  } catch (const std::exception& e) {
    std::cerr << "FAIL: " << e.what() << "\n";
    return 1;
  }
}
