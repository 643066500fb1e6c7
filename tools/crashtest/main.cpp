// boardwalk-crashtest: kill -9 the real server at random moments under a steady stream of
// acknowledged changes, restart it on the same database, and check that nothing acknowledged
// was lost (docs/reliability.md).
//
// Each round: start `boardwalk` on a loopback port, verify the database and the served board
// against every ack received so far, let C clients (each keeping W requests in flight) propose
// topics, kill -9 the server after a random delay, repeat. A final round verifies and stops the
// server with SIGTERM. Before the first round an organizer (with the code the server prints at
// its first start) lifts the per-participant topic cap, so that the clients can keep proposing.
// Checks, every round:
//   * every acknowledged change is stored at the seq its ack named, with the same content
//     (events table, read with SQLite), and is in the served board (GET /api/events/SLUG): the
//     topic under its title with its convener, the convener listed under their name, the caps
//     lifted;
//   * seq is 1..N without gap or duplicate, no two acks name the same seq, boards.last_seq = N,
//     and the served board's seq is N;
//   * PRAGMA integrity_check is "ok".
// Any failure (also an `error` answer, a server that does not start, the deadline) exits 1.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "local_http.hpp"
#include "organizer.hpp"
#include "server_launcher.hpp"

namespace {

using boardwalk::tools::http_get;
using boardwalk::tools::Server;

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string server;
  std::string db;
  std::string slug = "demo";
  int kills = 20;
  int clients = 16;
  int window = 4;
  int min_ms = 100;
  int max_ms = 2000;
  unsigned seed = 0;
  int deadline_s = 900;
  std::string durability = "full";
  bool keep = false;
  bool inject_loss = false;  // self-test: delete the last acknowledged change after the first kill
};

// One acknowledged change, as the client saw it.
struct Acked {
  long long seq = 0;
  // "topic_proposed" (key = title), "participant_joined" (key = name) or "caps_set" (key =
  // "TOPIC_CAP/PROJECT_CAP")
  std::string kind;
  std::string key;
  long long participant_id = 0;  // who joined, or who convenes the topic
};

std::mutex failures_mutex;
std::vector<std::string> failures;
void fail(const std::string& what) {
  std::lock_guard lock(failures_mutex);
  if (failures.size() < 50) failures.push_back(what);
  std::cerr << "FAIL: " << what << "\n";
}
std::size_t failure_count() {
  std::lock_guard lock(failures_mutex);
  return failures.size();
}

// --- clients ----------------------------------------------------------------------------

struct ClientState {
  int index = 0;
  std::string secret;  // after the first acknowledged join
  long long participant_id = 0;
  long long next_id = 1;
  std::vector<Acked> acked;
  long long sent = 0;
};

// Proposes topics with `window` requests in flight until the connection breaks (the kill) or
// `stop` is set. Records every ack; any `error` answer is a failure.
void run_client(unsigned short port, const std::string& slug, int round, int window, ClientState& st,
                const std::atomic<bool>& stop) {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::error_code ec;
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return;  // killed before we connected
  ws.handshake("127.0.0.1:" + std::to_string(port), "/ws", ec);
  if (ec) return;
  beast::get_lowest_layer(ws).expires_never();
  ws.text(true);

  std::map<long long, std::pair<std::string, std::string>> in_flight;  // id -> (kind, key)
  const auto send = [&](json message, std::string kind, std::string key) {
    const long long id = st.next_id++;
    message["id"] = id;
    const std::string text = message.dump();
    ws.write(asio::buffer(text), ec);
    if (ec) return false;
    in_flight[id] = {std::move(kind), std::move(key)};
    ++st.sent;
    return true;
  };
  beast::flat_buffer buffer;
  // Reads one frame and handles its lines; false when the connection is gone.
  const auto read_answers = [&]() {
    buffer.clear();
    ws.read(buffer, ec);
    if (ec) return false;
    std::istringstream lines(beast::buffers_to_string(buffer.data()));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      const json m = json::parse(line, nullptr, false);
      if (m.is_discarded()) {
        fail("client " + std::to_string(st.index) + ": unparsable line " + line);
        continue;
      }
      const std::string type = m.value("type", "");
      if (type != "ack" && type != "error") continue;
      if (!m.contains("id") || !m["id"].is_number_integer()) continue;
      const auto it = in_flight.find(m["id"].get<long long>());
      if (it == in_flight.end()) {
        fail("client " + std::to_string(st.index) + ": answer to an unknown id: " + line);
        continue;
      }
      auto [kind, key] = it->second;
      in_flight.erase(it);
      if (type == "error") {
        fail("client " + std::to_string(st.index) + ": error answer: " + line);
        continue;
      }
      if (kind == "auth") continue;  // not a change
      if (kind == "participant_joined") {
        st.secret = m.value("secret", "");
        if (m.contains("participant")) st.participant_id = m["participant"].value("id", 0LL);
      }
      st.acked.push_back(Acked{m["seq"].get<long long>(), kind, key, st.participant_id});
    }
    return true;
  };

  // Identity: join once (an acknowledged change itself), afterwards auth with the secret.
  if (st.secret.empty()) {
    const std::string name = "crash-c" + std::to_string(st.index) + "-r" + std::to_string(round);
    if (!send({{"type", "join"}, {"event", slug}, {"name", name}}, "participant_joined", name)) return;
  } else {
    if (!send({{"type", "auth"}, {"event", slug}, {"secret", st.secret}}, "auth", "")) return;
  }
  while (!in_flight.empty()) {
    if (!read_answers()) return;
  }
  if (st.secret.empty()) return;  // the join failed (already reported)

  long long n = 0;
  while (!stop.load()) {
    while (static_cast<int>(in_flight.size()) < window) {
      const std::string title =
          "r" + std::to_string(round) + "c" + std::to_string(st.index) + "n" + std::to_string(n++);
      if (!send({{"type", "propose_topic"}, {"title", title}}, "topic_proposed", title)) return;
    }
    if (!read_answers()) return;
  }
  // Asked to stop (only when the run ends without a kill): collect the answers in flight.
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
  while (!in_flight.empty()) {
    if (!read_answers()) return;
  }
}

// --- verification -----------------------------------------------------------------------

struct Stored {
  std::string kind;
  std::string body;
};

// Reads the log with a read-only connection (the server keeps running: WAL readers never
// block it) and checks it against every ack.
bool verify(const Options& o, unsigned short port, const std::vector<Acked>& acked, long long& max_seq,
            const std::string& when) {
  const std::size_t failed_before = failure_count();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(o.db.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    fail(when + ": cannot open " + o.db + " read-only: " + (db ? sqlite3_errmsg(db) : "?"));
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, 10000);
  const auto text = [](sqlite3_stmt* s, int i) {
    const auto* p = sqlite3_column_text(s, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
             : std::string();
  };
  // One read transaction for every query, so they all see the same state.
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  std::vector<Stored> log;  // index i holds seq i+1
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT seq, kind, body FROM events WHERE slug = ?1 ORDER BY seq", -1, &q, nullptr);
  sqlite3_bind_text(q, 1, o.slug.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(q) == SQLITE_ROW) {
    const long long seq = sqlite3_column_int64(q, 0);
    if (seq != static_cast<long long>(log.size()) + 1) {
      fail(when + ": events of '" + o.slug + "' jump from seq " + std::to_string(log.size()) + " to " +
           std::to_string(seq));
    }
    log.push_back(Stored{text(q, 1), text(q, 2)});
  }
  sqlite3_finalize(q);
  const auto n = static_cast<long long>(log.size());
  sqlite3_prepare_v2(db, "SELECT last_seq FROM boards WHERE slug = ?1", -1, &q, nullptr);
  sqlite3_bind_text(q, 1, o.slug.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(q) != SQLITE_ROW || sqlite3_column_int64(q, 0) != n) {
    fail(when + ": boards.last_seq does not match the " + std::to_string(n) + " stored events");
  }
  sqlite3_finalize(q);
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr);
  std::string integrity;
  while (sqlite3_step(q) == SQLITE_ROW) integrity += text(q, 0);
  sqlite3_finalize(q);
  if (integrity != "ok") fail(when + ": integrity_check: " + integrity);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);

  // Every ack names a distinct seq whose stored change is the one that was asked for.
  std::set<long long> seen;
  for (const auto& a : acked) {
    if (!seen.insert(a.seq).second) fail(when + ": two acks name seq " + std::to_string(a.seq));
    if (a.seq < 1 || a.seq > n) {
      fail(when + ": LOST: acknowledged seq " + std::to_string(a.seq) + " (" + a.key + ") is not stored (last stored " +
           std::to_string(n) + ")");
      continue;
    }
    const Stored& s = log[static_cast<std::size_t>(a.seq - 1)];
    const json body = json::parse(s.body, nullptr, false);
    std::string got;
    if (!body.is_discarded()) {
      if (a.kind == "topic_proposed" && body.contains("topic")) got = body["topic"].value("title", "");
      if (a.kind == "participant_joined" && body.contains("participant")) got = body["participant"].value("name", "");
      if (a.kind == "caps_set") {
        got = std::to_string(body.value("topic_cap", -1)) + "/" + std::to_string(body.value("project_cap", -1));
      }
    }
    if (s.kind != a.kind || got != a.key) {
      fail(when + ": seq " + std::to_string(a.seq) + " was acknowledged as " + a.kind + " '" + a.key +
           "' but stored as " + s.kind + " '" + got + "'");
    }
  }

  // The served board agrees: its seq is the stored one, every acked topic is on it with its
  // convener, who is listed under their name (the public board lists conveners, not everyone
  // who joined), and acknowledged caps hold.
  try {
    const auto body = http_get(port, "/api/events/" + o.slug);
    if (!body) throw std::runtime_error("GET /api/events/" + o.slug + " failed");
    const json snap = json::parse(*body);
    if (snap.value("seq", -1LL) != n) {
      fail(when + ": the server serves seq " + std::to_string(snap.value("seq", -1LL)) + " but " + std::to_string(n) +
           " are stored");
    }
    const json& board = snap["board"];
    std::map<std::string, long long> convener_of;  // title -> convener id
    std::map<long long, std::string> listed;       // participant id -> name
    for (const auto& t : board["topics"]) convener_of[t.value("title", "")] = t.value("convener", 0LL);
    for (const auto& p : board["participants"]) listed[p.value("id", 0LL)] = p.value("name", "");
    std::map<long long, std::string> joined;  // acknowledged joins: id -> name
    for (const auto& a : acked) {
      if (a.kind == "participant_joined") joined[a.participant_id] = a.key;
    }
    for (const auto& a : acked) {
      if (a.kind == "topic_proposed") {
        const auto it = convener_of.find(a.key);
        if (it == convener_of.end()) {
          fail(when + ": LOST from the served board: topic '" + a.key + "'");
        } else if (it->second != a.participant_id) {
          fail(when + ": topic '" + a.key + "' is served with convener " + std::to_string(it->second) + ", not " +
               std::to_string(a.participant_id));
        }
      } else if (a.kind == "caps_set") {
        const json& e = board["event"];
        const std::string caps =
            std::to_string(e.value("topic_cap", -1)) + "/" + std::to_string(e.value("project_cap", -1));
        if (caps != a.key) fail(when + ": the served caps are " + caps + ", acknowledged " + a.key);
      }
    }
    std::map<long long, std::string> convenes;  // convener id -> one of their topics
    for (const auto& [title, convener] : convener_of) convenes.emplace(convener, title);
    for (const auto& [convener, title] : convenes) {
      const auto who = joined.find(convener);
      if (who == joined.end()) continue;
      const auto it = listed.find(convener);
      if (it == listed.end() || it->second != who->second) {
        fail(when + ": LOST from the served board: participant_joined '" + who->second + "' (convener of '" + title +
             "')");
      }
    }
  } catch (const std::exception& e) {
    fail(when + ": reading the board over HTTP: " + e.what());
  }
  max_seq = n;
  return failure_count() == failed_before;
}

// Simulates a server that acknowledged a change it did not keep: removes the change with the
// highest acknowledged seq (and everything after it) while the server is down.
void inject_loss(const Options& o, const std::vector<Acked>& acked) {
  long long top = 0;
  for (const auto& a : acked) top = std::max(top, a.seq);
  sqlite3* db = nullptr;
  sqlite3_open_v2(o.db.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  const std::string sql = "DELETE FROM events WHERE slug = '" + o.slug + "' AND seq >= " + std::to_string(top) +
                          "; UPDATE boards SET last_seq = " + std::to_string(top - 1) + " WHERE slug = '" + o.slug +
                          "';";
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  std::cerr << "crashtest: injected the loss of seq " << top << " and later\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "boardwalk-crashtest: kill -9 a boardwalk server under load and check that no acknowledged change is lost"};
  app.add_option("--server", o.server, "the boardwalk binary")->required()->check(CLI::ExistingFile);
  app.add_option("--db", o.db, "database file (default: a new one in a temporary directory)");
  app.add_option("--kills", o.kills, "how many times to kill -9 the server")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--clients", o.clients, "concurrent writing clients")
      ->capture_default_str()
      ->check(CLI::Range(1, 500));
  app.add_option("--window", o.window, "requests in flight per client")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--min-ms", o.min_ms, "shortest time under load before a kill")->capture_default_str();
  app.add_option("--max-ms", o.max_ms, "longest time under load before a kill")->capture_default_str();
  app.add_option("--seed", o.seed, "random seed (0: from the clock)");
  app.add_option("--deadline", o.deadline_s, "give up (and fail) after this many seconds")->capture_default_str();
  app.add_option("--durability", o.durability, "passed to the server")->capture_default_str();
  app.add_flag("--keep", o.keep, "keep the database and logs");
  app.add_flag("--inject-loss", o.inject_loss,
               "self-test of the checks: after the first kill, delete the last acknowledged change from the database "
               "(the run must then fail)");
  CLI11_PARSE(app, argc, argv);
  if (o.max_ms < o.min_ms) o.max_ms = o.min_ms;
  if (o.seed == 0) o.seed = static_cast<unsigned>(std::random_device{}());
  ::signal(SIGPIPE, SIG_IGN);

  namespace fs = std::filesystem;
  const fs::path work = fs::temp_directory_path() / ("boardwalk-crashtest-" + std::to_string(getpid()));
  fs::create_directories(work);
  if (o.db.empty()) o.db = (work / "crash.db").string();
  std::cerr << "crashtest: seed " << o.seed << ", " << o.kills << " kills, " << o.clients << " clients x " << o.window
            << " in flight, kill after " << o.min_ms << ".." << o.max_ms << " ms, db " << o.db << ", logs " << work
            << "\n";

  std::mt19937 rng(o.seed);
  std::uniform_int_distribution<int> delay(o.min_ms, o.max_ms);
  std::vector<ClientState> clients(static_cast<std::size_t>(o.clients));
  for (int i = 0; i < o.clients; ++i) clients[static_cast<std::size_t>(i)].index = i;
  std::vector<Acked> acked;
  std::vector<long long> acked_per_round;
  long long stored = 0, sent = 0;
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::seconds(o.deadline_s);
  int kills_done = 0;

  try {
    for (int round = 0; round <= o.kills; ++round) {
      if (Clock::now() > deadline) {
        fail("deadline of " + std::to_string(o.deadline_s) + " s reached after " + std::to_string(kills_done) +
             " kills");
        break;
      }
      Server server(
          o.server,
          {"--db", o.db, "--durability", o.durability, "--rate-per-connection", "0", "--rate-per-participant", "0"},
          (work / ("server-" + std::to_string(round) + ".log")).string());
      if (round == 0) {
        // The clients propose far more topics than the default cap allows one person.
        const auto code = boardwalk::tools::organizer_code_from_log(server.log_path(), o.slug);
        if (!code)
          throw std::runtime_error("the server printed no organizer link for '" + o.slug + "' (use a fresh --db)");
        const auto lifted = boardwalk::tools::lift_caps(server.port(), o.slug, *code, "crash-organizer");
        acked.push_back(Acked{lifted.join_seq, "participant_joined", lifted.name, lifted.participant_id});
        acked.push_back(Acked{lifted.caps_seq, "caps_set", "0/0", lifted.participant_id});
      }
      // After every restart (the first start too): everything acknowledged so far is there.
      verify(o, server.port(), acked, stored, "after start " + std::to_string(round));
      if (round == o.kills) {
        const int status = server.stop(std::chrono::seconds(30));
        if (status != 0) fail("SIGTERM: the server exited with " + std::to_string(status));
        break;
      }
      std::atomic<bool> stop{false};
      std::vector<std::thread> threads;
      for (auto& c : clients) {
        threads.emplace_back([&, round] { run_client(server.port(), o.slug, round, o.window, c, stop); });
      }
      // The random moment: the server is killed whatever it is doing (mid-commit included).
      std::this_thread::sleep_for(std::chrono::milliseconds(delay(rng)));
      server.kill9();
      ++kills_done;
      for (auto& t : threads) t.join();
      long long this_round = 0;
      for (auto& c : clients) {
        this_round += static_cast<long long>(c.acked.size());
        sent += c.sent;
        c.sent = 0;
        acked.insert(acked.end(), c.acked.begin(), c.acked.end());
        c.acked.clear();
      }
      acked_per_round.push_back(this_round);
      if (o.inject_loss && kills_done == 1 && !acked.empty()) inject_loss(o, acked);
      std::cerr << "crashtest: kill " << kills_done << ": " << this_round << " acks this round, " << acked.size()
                << " in total, " << stored << " stored before it\n";
    }
  } catch (const std::exception& e) {
    fail(std::string("aborted: ") + e.what());
  }

  // Final look at the file itself, with no server running.
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(o.db.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, nullptr);
    if (sqlite3_step(q) != SQLITE_ROW ||
        std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) != "ok") {
      fail("final integrity_check failed");
    }
    sqlite3_finalize(q);
  } else {
    fail("cannot open the database for the final check");
  }
  sqlite3_close(db);

  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  long long min_round = acked_per_round.empty() ? 0 : *std::min_element(acked_per_round.begin(), acked_per_round.end());
  long long max_round = acked_per_round.empty() ? 0 : *std::max_element(acked_per_round.begin(), acked_per_round.end());
  const bool ok = failure_count() == 0 && kills_done == o.kills;
  json summary = {{"ok", ok},
                  {"seed", o.seed},
                  {"kills", kills_done},
                  {"clients", o.clients},
                  {"window", o.window},
                  {"requests_sent", sent},
                  {"acked", acked.size()},
                  {"acked_per_round_min", min_round},
                  {"acked_per_round_max", max_round},
                  {"stored_seq", stored},
                  {"stored_not_acked", stored - static_cast<long long>(acked.size())},
                  {"seconds", seconds},
                  {"failures", failures}};
  std::cout << summary.dump() << "\n";
  if (ok) {
    std::cerr << "crashtest: OK: " << kills_done << " kills, " << acked.size()
              << " acknowledged changes all present, seq 1.." << stored << " gap-free, integrity ok (" << seconds
              << " s)\n";
  } else {
    std::cerr << "crashtest: FAILED: " << kills_done << " of " << o.kills << " kills, " << failure_count()
              << " failure(s) listed above; database and logs kept in " << work << "\n";
  }
  if ((ok || o.inject_loss) && !o.keep) {  // a self-test run fails on purpose: nothing to keep
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  return ok ? 0 : 1;
}
