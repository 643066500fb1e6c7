// boardwalk-storm: a reconnect storm after a server restart (docs/reliability.md).
//
// Starts the real server on a fresh database, lifts the per-participant caps as organizer (with
// the code the server prints at its first start: the writer proposes far more topics than one
// person may), subscribes N clients to the event, and lets one writer change the board at a
// steady rate. Then, for each restart in --restarts (SIGTERM,
// kill -9), it stops the server, starts it again on the same database, and has all N clients
// reconnect within --window-ms, each resubscribing with the last seq it saw (a share of them,
// --fresh-percent, as freshly loaded pages without one). The writer keeps writing throughout;
// a health check polls GET /healthz every --health-ms. At the end, with the writer stopped:
//   * every client must be subscribed at the final seq, with a change stream that had no gap,
//     repeat or error, and every change and snapshot it received byte-identical to what the
//     other clients received for that seq;
//   * every received change and snapshot must equal the one rebuilt from the database's change
//     log with the server's own domain code, and so must a fresh GET /api/events/SLUG.
// Hence every client's board equals the fresh snapshot, whether it resynced by replay or from
// a snapshot. Reported: time until all clients resynced, modes, health check latency and
// failures, mismatches. Exit 1 on any failure.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/file_limit.hpp"
#include "board_reference.hpp"
#include "health_probe.hpp"
#include "histogram.hpp"
#include "local_http.hpp"
#include "organizer.hpp"
#include "server_launcher.hpp"
#include "storm_client.hpp"
#include "storm_writer.hpp"

namespace {

using namespace boardwalk::tools;
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using nlohmann::json;
using Clock = StormClock;
using std::chrono::milliseconds;

struct Options {
  std::string server;
  std::string slug = "demo";
  int clients = 500;
  int threads = 2;
  double rate = 20;
  double warmup_s = 3;
  double after_s = 3;
  int window_ms = 1000;
  int fresh_percent = 10;
  std::vector<std::string> restarts = {"sigterm", "kill9"};
  int health_ms = 50;
  int probe_timeout_ms = 2000;
  int resync_deadline_s = 60;
  unsigned seed = 1;
  bool keep = false;
  bool inject_mismatch = false;
};

std::vector<std::string> failures;
void fail(const std::string& what) {
  if (failures.size() < 50) failures.push_back(what);
  std::cerr << "FAIL: " << what << "\n";
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Waits (bounded) until `done()`; false on timeout.
template <class F>
bool wait_until(F done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

// Network threads for the clients: one io_context each, so a client's handlers never race.
class ClientThreads {
 public:
  explicit ClientThreads(int n) : seen_(static_cast<std::size_t>(n)) {
    for (int i = 0; i < n; ++i) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      guards_.emplace_back(asio::make_work_guard(*contexts_.back()));
    }
    for (auto& c : contexts_) threads_.emplace_back([&ctx = *c] { ctx.run(); });
  }
  ~ClientThreads() { stop(); }
  ClientThreads(const ClientThreads&) = delete;
  ClientThreads& operator=(const ClientThreads&) = delete;

  asio::io_context& context(std::size_t i) { return *contexts_[i % contexts_.size()]; }
  SeenTexts& seen(std::size_t i) { return seen_[i % seen_.size()]; }
  std::vector<SeenTexts>& all_seen() { return seen_; }
  void stop() {
    guards_.clear();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::vector<SeenTexts> seen_;
};

struct Round {
  std::string restart;
  int exit_status = 0;          // of the stopped server (SIGTERM: must be 0)
  double down_ms = 0;           // from the stop signal until the new server listened
  double all_resynced_ms = -1;  // from the new server listening until the last client's ack
  std::uint64_t replay = 0, snapshot = 0;
  loadgen::Histogram resync_us;  // per client: first connection attempt -> subscribe ack
};

json figures_json(const ProbeFigures& f) {
  return {{"answered", f.latency_us.count()},
          {"failures", f.failures},
          {"while_down", f.while_down},
          {"p50_ms", static_cast<double>(f.latency_us.percentile(50)) / 1000.0},
          {"p99_ms", static_cast<double>(f.latency_us.percentile(99)) / 1000.0},
          {"max_ms", static_cast<double>(f.latency_us.max()) / 1000.0}};
}

int run(const Options& o) {
  boardwalk::app::raise_file_limit();  // thousands of sockets here and in the server (it inherits it)
  const auto dir = std::filesystem::temp_directory_path() /
                   ("boardwalk-storm-" + std::to_string(getpid()) + "-" + std::to_string(o.seed));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "storm.db").string();
  const std::vector<std::string> server_args = {
      "--db", db, "--rate-per-connection", "0", "--rate-per-participant", "0", "--max-connections-per-ip", "0"};
  int start_count = 0;
  const auto start_server = [&] {
    return std::make_unique<Server>(o.server, server_args,
                                    (dir / ("server-" + std::to_string(start_count++) + ".log")).string());
  };
  const auto run_start = Clock::now();
  auto server = start_server();
  const auto code = organizer_code_from_log(server->log_path(), o.slug);
  if (!code) throw std::runtime_error("the server printed no organizer link for '" + o.slug + "'");
  lift_caps(server->port(), o.slug, *code, "storm organizer");

  HealthProbe probe(milliseconds(o.health_ms), milliseconds(o.probe_timeout_ms));
  probe.up(server->port(), "connect");
  std::atomic<bool> restarting{false};
  ClientThreads threads(o.threads);
  std::vector<std::shared_ptr<StormClient>> clients;
  for (int i = 0; i < o.clients; ++i) {
    const auto k = static_cast<std::size_t>(i);
    clients.push_back(std::make_shared<StormClient>(threads.context(k), o.slug, threads.seen(k), restarting));
  }
  const auto resync_deadline = [&] { return Clock::now() + std::chrono::seconds(o.resync_deadline_s); };
  const auto all = [&](auto pred) {
    return std::all_of(clients.begin(), clients.end(), [&](const auto& c) { return pred(*c); });
  };

  // Subscribe everyone (paced at one per millisecond: this is not the storm yet).
  for (int i = 0; i < o.clients; ++i) {
    clients[static_cast<std::size_t>(i)]->reconnect(server->port(), milliseconds(i), true, resync_deadline());
  }
  if (!wait_until([&] { return all([](const StormClient& c) { return c.live(); }); },
                  std::chrono::seconds(o.resync_deadline_s + o.clients / 1000))) {
    fail("not every client subscribed at the start");
  }
  const double connect_ms = ms_since(run_start);

  StormWriter writer(o.slug, o.rate);
  writer.set_port(server->port());
  probe.set_phase("steady");
  std::this_thread::sleep_for(std::chrono::duration<double>(o.warmup_s));

  std::mt19937 rng(o.seed);
  std::vector<Round> rounds;
  for (const auto& how : o.restarts) {
    Round round;
    round.restart = how;
    std::vector<std::uint64_t> acks_before, replay_before, snapshot_before;
    for (const auto& c : clients) {
      acks_before.push_back(c->subscribe_acks());
      replay_before.push_back(c->replay_acks());
      snapshot_before.push_back(c->snapshot_acks());
    }
    // Down: stop the server (clients see their connections end), then start it again.
    restarting = true;
    probe.down();
    writer.set_port(0);
    const auto down_at = Clock::now();
    if (how == "sigterm") {
      round.exit_status = server->stop(std::chrono::seconds(30));
      if (round.exit_status != 0) fail(how + ": the server exited with " + std::to_string(round.exit_status));
    } else {
      server->kill9();
    }
    if (!wait_until([&] { return all([](const StormClient& c) { return c.idle(); }); }, std::chrono::seconds(30))) {
      fail(how + ": not every client noticed the server going down within 30 s");
    }
    server = start_server();
    const auto up_at = Clock::now();
    round.down_ms = std::chrono::duration<double, std::milli>(up_at - down_at).count();
    restarting = false;
    probe.up(server->port(), "storm");
    writer.set_port(server->port());

    // The storm: every client comes back at a random moment within the window.
    std::uniform_int_distribution<int> when(0, std::max(0, o.window_ms - 1));
    std::uniform_int_distribution<int> percent(0, 99);
    const auto deadline = resync_deadline();
    for (const auto& c : clients)
      c->reconnect(server->port(), milliseconds(when(rng)), percent(rng) < o.fresh_percent, deadline);
    std::size_t i = 0;
    const bool resynced = wait_until(
        [&] {
          for (; i < clients.size(); ++i) {
            if (!clients[i]->live() || clients[i]->subscribe_acks() <= acks_before[i]) return false;
          }
          return true;
        },
        std::chrono::seconds(o.resync_deadline_s + 5));
    if (resynced) {
      std::int64_t last_ns = 0;
      for (const auto& c : clients) last_ns = std::max(last_ns, c->last_ack_ns());
      const auto up_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(up_at.time_since_epoch()).count();
      round.all_resynced_ms = static_cast<double>(last_ns - up_ns) / 1e6;
    } else {
      fail(how + ": " + std::to_string(clients.size() - i) + "+ clients did not resync within the deadline");
    }
    probe.set_phase("steady");
    for (std::size_t k = 0; k < clients.size(); ++k) {
      round.replay += clients[k]->replay_acks() - replay_before[k];
      round.snapshot += clients[k]->snapshot_acks() - snapshot_before[k];
      round.resync_us.record(clients[k]->last_resync_us());
    }
    rounds.push_back(round);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.after_s));
  }

  // Quiet: the writer stops; every client must reach the final seq.
  writer.stop();
  std::int64_t final_seq = -1;
  std::optional<json> served;
  if (const auto body = http_get(server->port(), "/api/events/" + o.slug)) {
    served = json::parse(*body, nullptr, false);
    if (served->is_discarded() || !served->contains("seq")) {
      fail("GET /api/events/" + o.slug + " is not a snapshot");
      served.reset();
    } else {
      final_seq = (*served)["seq"].get<std::int64_t>();
    }
  } else {
    fail("GET /api/events/" + o.slug + " failed");
  }
  if (!wait_until([&] { return all([&](const StormClient& c) { return c.last_seq() == final_seq; }); },
                  std::chrono::seconds(30))) {
    fail("not every client reached the final seq " + std::to_string(final_seq) + " within 30 s");
  }
  probe.stop();
  for (const auto& c : clients) c->shut();
  std::this_thread::sleep_for(milliseconds(200));
  threads.stop();
  const int last_exit = server->stop(std::chrono::seconds(30));
  if (last_exit != 0) fail("the last server exited with " + std::to_string(last_exit));

  // Every client's own checks.
  std::uint64_t mismatches = 0, gaps = 0, client_errors = 0, unexpected_closes = 0;
  for (std::size_t k = 0; k < clients.size(); ++k) {
    const auto& r = clients[k]->record();
    mismatches += r.mismatches;
    unexpected_closes += r.unexpected_closes;
    if (!r.tracker.ok()) {
      ++gaps;
      fail("client " + std::to_string(k) + ": " + r.tracker.first_problem());
    }
    if (r.mismatches > 0) fail("client " + std::to_string(k) + ": " + r.first_mismatch);
    for (const auto& e : r.errors) {
      ++client_errors;
      fail("client " + std::to_string(k) + ": " + e);
    }
    if (r.tracker.last() != final_seq) {
      fail("client " + std::to_string(k) + " ended at seq " + std::to_string(r.tracker.last()) + ", the board at " +
           std::to_string(final_seq));
    }
  }
  std::uint64_t retries = 0;
  for (const auto& c : clients) retries += c->record().connect_retries;

  // Against the truth: the log replayed with the server's own domain code.
  auto& seen = threads.all_seen();
  if (o.inject_mismatch && !seen.empty() && !seen[0].changes.empty()) {
    // Self-test of the comparison: alter what the clients of one thread received.
    auto& text = seen[0].changes.begin()->second;
    const auto at = text.find("\"seq\":");
    text.insert(at == std::string::npos ? 1 : at, "\"tampered\":true,");
  }
  std::set<std::int64_t> snapshot_seqs;
  for (const auto& s : seen) {
    for (const auto& [seq, text] : s.snapshots) snapshot_seqs.insert(seq);
  }
  std::set<std::int64_t> changes_checked, snapshots_checked;  // distinct seqs compared
  auto reference = build_reference(db, o.slug, snapshot_seqs);
  if (!reference) {
    fail("rebuilding the board from the database: " + reference.error().message);
  } else {
    if (reference->last_seq != final_seq) {
      fail("the log ends at seq " + std::to_string(reference->last_seq) + ", the served board at " +
           std::to_string(final_seq));
    }
    if (served && *served != reference->snapshots.at(reference->last_seq)) {
      ++mismatches;
      fail("GET /api/events/" + o.slug + " differs from the board rebuilt from the log");
    }
    for (const auto& s : seen) {
      for (const auto& [seq, text] : s.changes) {
        changes_checked.insert(seq);
        const json got = json::parse(text, nullptr, false);
        if (seq < 1 || seq > reference->last_seq || got != reference->changes[static_cast<std::size_t>(seq - 1)]) {
          ++mismatches;
          fail("change " + std::to_string(seq) + " as received differs from the log: " + text.substr(0, 300));
        }
      }
      for (const auto& [seq, text] : s.snapshots) {
        snapshots_checked.insert(seq);
        const auto want = reference->snapshots.find(seq);
        if (want == reference->snapshots.end() || json::parse(text, nullptr, false) != want->second) {
          ++mismatches;
          fail("the snapshot at seq " + std::to_string(seq) + " as received differs from the log's board");
        }
      }
    }
  }
  for (const auto& e : writer.errors()) fail("writer: " + e);

  json report;
  report["clients"] = o.clients;
  report["restarts"] = json::array();
  for (const auto& r : rounds) {
    report["restarts"].push_back({{"restart", r.restart},
                                  // kill -9 leaves no exit status to check: null there.
                                  {"exit_status", r.restart == "sigterm" ? json(r.exit_status) : json(nullptr)},
                                  {"down_ms", r.down_ms},
                                  {"all_resynced_ms", r.all_resynced_ms},
                                  {"client_resync_ms",
                                   {{"p50", static_cast<double>(r.resync_us.percentile(50)) / 1000.0},
                                    {"p99", static_cast<double>(r.resync_us.percentile(99)) / 1000.0},
                                    {"max", static_cast<double>(r.resync_us.max()) / 1000.0}}},
                                  {"modes", {{"replay", r.replay}, {"snapshot", r.snapshot}}}});
  }
  report["initial_subscribe_ms"] = connect_ms;
  report["connect_retries"] = retries;
  report["unexpected_closes"] = unexpected_closes;
  report["writer"] = {{"acked", writer.acked()}, {"reconnects", writer.reconnects()}, {"rate", o.rate}};
  report["final_seq"] = final_seq;
  report["changes_checked"] = changes_checked.size();
  report["snapshots_checked"] = snapshots_checked.size();
  report["mismatches"] = mismatches;
  report["stream_problems"] = gaps;
  report["client_errors"] = client_errors;
  json health;
  for (const auto& [phase, f] : probe.figures()) health[phase] = figures_json(f);
  report["health"] = health;
  std::uint64_t health_failures = 0;
  for (const auto& [phase, f] : probe.figures()) health_failures += f.failures;
  for (const auto& note : probe.failure_notes()) fail("health check: " + note);
  report["seconds"] = ms_since(run_start) / 1000.0;
  report["failures"] = failures;
  report["ok"] = failures.empty() && health_failures == 0 && mismatches == 0;
  std::cout << report.dump() << std::endl;
  // A self-test run fails on purpose: nothing worth keeping.
  if ((report["ok"].get<bool>() || o.inject_mismatch) && !o.keep) {
    std::filesystem::remove_all(dir);
  } else {
    std::cerr << "database and server logs kept in " << dir.string() << "\n";
  }
  return report["ok"].get<bool>() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"boardwalk-storm: N clients reconnect within a second after a server restart; all must resync exactly"};
  app.add_option("--server", o.server, "the boardwalk binary")->required()->check(CLI::ExistingFile);
  app.add_option("--clients", o.clients, "subscribed clients")->check(CLI::Range(1, 60000))->capture_default_str();
  app.add_option("--threads", o.threads, "client network threads")->check(CLI::Range(1, 16))->capture_default_str();
  app.add_option("--slug", o.slug, "event (the demo event of a fresh database)")->capture_default_str();
  app.add_option("--rate", o.rate, "writer changes per second, throughout")
      ->check(CLI::Range(0.5, 1000.0))
      ->capture_default_str();
  app.add_option("--warmup-s", o.warmup_s, "seconds of changes before the first restart")->capture_default_str();
  app.add_option("--after-s", o.after_s, "seconds of changes after each storm")->capture_default_str();
  app.add_option("--window-ms", o.window_ms, "all clients reconnect within this window after the restart")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  app.add_option("--fresh-percent", o.fresh_percent,
                 "share of clients that resubscribe without a seq (a reloaded page)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--restarts", o.restarts, "restarts, in order: sigterm and/or kill9")
      ->check(CLI::IsMember({"sigterm", "kill9"}))
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--health-ms", o.health_ms, "health check interval")
      ->check(CLI::Range(5, 10000))
      ->capture_default_str();
  app.add_option("--probe-timeout-ms", o.probe_timeout_ms, "a health check slower than this is a failure")
      ->capture_default_str();
  app.add_option("--resync-deadline-s", o.resync_deadline_s, "every client must have resynced within this")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "random seed (reconnect moments, fresh clients)")->capture_default_str();
  app.add_flag("--keep", o.keep, "keep the database and server logs");
  app.add_flag("--inject-mismatch", o.inject_mismatch, "self-test: alter one received change before the comparison");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "FAIL: " << e.what() << "\n";
    return 1;
  }
}
