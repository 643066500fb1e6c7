// boardwalk: wiring, flags, signals. Everything else lives in the floors below.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "app/admin_client.hpp"
#include "app/admin_requests.hpp"
#include "app/admin_socket.hpp"
#include "app/cpu_count.hpp"
#include "app/credential_upgrade.hpp"
#include "app/demo.hpp"
#include "app/event_file.hpp"
#include "app/file_limit.hpp"
#include "app/organizer_codes.hpp"
#include "app/process_lock.hpp"
#include "app/ticket_codes.hpp"
#include "domain/limits.hpp"
#include "engine/engine.hpp"
#include "engine/secrets.hpp"
#include "net/broadcaster.hpp"
#include "net/listener.hpp"
#include "net/origin_check.hpp"
#include "net/trusted_proxies.hpp"
#include "net/websocket_session.hpp"
#include "storage/backup.hpp"
#include "storage/store.hpp"

#ifndef BOARDWALK_DEFAULT_WEB_ROOT
#define BOARDWALK_DEFAULT_WEB_ROOT "web"
#endif

namespace {

using namespace boardwalk;

struct Options {
  std::string bind = "127.0.0.1";
  unsigned short port = 8080;
  std::string db = "boardwalk.db";
  std::string web_root = BOARDWALK_DEFAULT_WEB_ROOT;
  std::string public_url;
  std::string durability = "full";
  unsigned threads = 0;  // 0: one per CPU this process may run on
  unsigned coalesce_ms = 50;
  bool no_demo = false;
  std::string log_level = "info";
  std::string import_file;
  std::string slug;
  std::string backup_dest;
  std::string tickets_file;
  bool require_tickets = false;
  std::size_t generate_tickets = 0;  // tickets --generate N
  std::string tickets_out;           // tickets --out FILE
  std::string secret_key_file;       // default DB.key
  std::string admin_socket;          // default DB.sock
  bool no_admin_socket = false;
  std::vector<std::string> allowed_origins;
  double rate_per_connection = 20;
  double rate_per_participant = 10;
  std::size_t max_connections_per_participant = 8;
  std::size_t max_connections_per_ip = 10000;
  double joins_per_second_per_ip = 10;  // new participants per client address, after a burst of
  double join_burst_per_ip = 600;       // this many (a venue shares one address behind NAT)
  std::size_t max_http_connections_per_ip = net::ServerLimits{}.http_connections_per_ip;
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> trusted_proxies;
  unsigned idle_timeout_s = 300;  // Beast's suggested server idle timeout
  std::string tls_cert;           // PEM certificate chain; with tls_key, the port serves HTTPS and WSS only
  std::string tls_key;            // PEM private key
};

int fail(const std::string& what) {
  spdlog::error("{}", what);
  return 1;
}

// The commands' errors: on stderr, so that stdout holds only what they print on purpose.
int cli_fail(const std::string& what) {
  std::cerr << "boardwalk: " << what << "\n";
  return 1;
}

std::string secret_key_path(const Options& o) {
  if (!o.secret_key_file.empty()) return o.secret_key_file;
  return o.db == ":memory:" ? std::string() : o.db + ".key";
}

std::string admin_socket_path(const Options& o) { return o.admin_socket.empty() ? o.db + ".sock" : o.admin_socket; }

// Opens the store and rebuilds the engine: shared by the server and offline commands.
struct Opened {
  app::ProcessLock lock;
  std::unique_ptr<storage::Store> store;
  std::string secret_key;
  std::unique_ptr<engine::Engine> engine;
};

Result<Opened> open_database(const Options& o) {
  auto lock = app::ProcessLock::acquire(o.db);
  if (!lock) return lock.error();
  const auto durability = storage::durability_from(o.durability);
  if (!durability) return make_error("bad_request", "--durability must be full, normal or off");
  auto opened = storage::Store::open(o.db, *durability);
  if (!opened) return opened.error();
  for (const auto& m : opened->migrations_applied) spdlog::info("applied migration {}", m);
  auto key = app::prepare_secret_key(*opened->store, secret_key_path(o));
  if (!key) return key.error();
  engine::EngineOptions engine_options;
  engine_options.secret_key = *key;
  engine_options.participant_rate = o.rate_per_participant;
  engine_options.connections_per_participant = o.max_connections_per_participant;
  engine_options.sign_in_limits.joins_per_second = o.joins_per_second_per_ip;
  engine_options.sign_in_limits.join_burst = o.join_burst_per_ip;
  // A connection may fall this far behind its event's changes before it is closed to resync.
  engine_options.feed_retain_bytes = net::ServerLimits{}.send_queue_bytes;
  auto engine = std::make_unique<engine::Engine>(*opened->store, engine_options);
  if (auto s = engine->load(); !s) return s.error();
  return Opened{std::move(*lock), std::move(opened->store), std::move(*key), std::move(engine)};
}

std::string base_url(const Options& o, unsigned short port) {
  if (!o.public_url.empty()) {
    std::string u = o.public_url;
    while (!u.empty() && u.back() == '/') u.pop_back();
    return u;
  }
  std::string host = o.bind;
  if (host == "0.0.0.0" || host == "::") {
    char name[256] = {};
    host = gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
  } else if (host.find(':') != std::string::npos) {
    host = "[" + host + "]";
  }
  return (o.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(port);
}

// TLS 1.2 and later only, from PEM files; a missing or unreadable file, or a key that does
// not match the certificate, is an error at start-up rather than at the first connection.
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const Options& o) {
  namespace ssl = boost::asio::ssl;
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return make_error("bad_request", "--tls-cert and --tls-key go together: give both (PEM files) or neither");
  }
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (ec) return make_error("tls", "cannot configure TLS: " + ec.message());
  if (ctx->use_certificate_chain_file(o.tls_cert, ec); ec) {
    return make_error("tls", "--tls-cert: cannot load the certificate from '" + o.tls_cert + "': " + ec.message());
  }
  if (ctx->use_private_key_file(o.tls_key, ssl::context::pem, ec); ec) {
    return make_error("tls", "--tls-key: cannot load the private key from '" + o.tls_key +
                                 "' (or it does not match the certificate): " + ec.message());
  }
  return ctx;
}

// Runs one admin request (app/admin_requests.hpp). When a server holds the database, it
// goes to that server through its admin socket, so the change is live at once; otherwise this
// process opens the database and answers it itself.
Result<nlohmann::json> run_admin_request(const Options& o, const nlohmann::json& request) {
  auto db = open_database(o);
  if (!db) {
    if (db.error().code != "in_use") return db.error();
    if (o.no_admin_socket)
      return make_error("in_use", db.error().message + " (stop it first, or drop --no-admin-socket)");
    const std::string socket = admin_socket_path(o);
    auto answer = app::admin_call(socket, request);
    if (!answer) {
      return make_error("in_use", db.error().message + ", and its admin socket " + socket + " does not answer (" +
                                      answer.error().message +
                                      "); was the server started with --no-admin-socket or another --admin-socket?");
    }
    return answer;
  }
  db->engine->start();
  app::AdminRequests requests(*db->engine, db->secret_key, base_url(o, o.port));
  std::promise<nlohmann::json> answered;
  requests.handle(request, [&answered](nlohmann::json answer) { answered.set_value(std::move(answer)); });
  nlohmann::json answer = answered.get_future().get();
  db->engine->stop();
  return answer;
}

// The answer of run_admin_request, or the message of whatever went wrong.
Result<nlohmann::json> admin_answer(const Options& o, const nlohmann::json& request) {
  auto answer = run_admin_request(o, request);
  if (!answer) return answer.error();
  if (!answer->value("ok", false)) {
    const auto& e = (*answer)["error"];
    const std::string message = e.is_object() ? e.value("message", std::string("failed")) : "failed";
    const std::string field = e.is_object() ? e.value("field", std::string()) : "";
    return make_error(
        e.is_object() ? e.value("code", std::string("error")) : "error",
        message + (field.empty() || message.find(field) != std::string::npos ? "" : " (field " + field + ")"));
  }
  return answer;
}

// A command about one event needs a database that exists: a mistyped --db must not create one.
Status require_database(const Options& o) {
  if (o.db == ":memory:" || std::filesystem::exists(o.db)) return Ok{};
  return make_error("not_found", "no database " + o.db + " (--db)");
}

Result<std::string> read_input_file(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("bad_request", "cannot read " + path);
  std::string text;
  text.resize(limit + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return make_error("bad_request", "cannot read " + path);
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > limit) {
    return make_error("too_long", path + " is larger than " + std::to_string(limit / 1024 / 1024) + " MiB");
  }
  return text;
}

int import_event(const Options& o) {
  auto text = read_input_file(o.import_file, app::max_event_file_bytes);
  if (!text) return cli_fail(text.error().message);
  // Checked here first, so mistakes are reported without touching the database.
  auto plan = app::plan_event_file(*text);
  if (!plan) return cli_fail(o.import_file + ": " + plan.error().message);
  auto answer = admin_answer(o, {{"op", "import_event"}, {"file", *text}});
  if (!answer) return cli_fail("event not imported: " + answer.error().message);
  std::cout << "imported event '" << plan->slug << "' with " << (*answer)["rooms"] << " rooms and "
            << (*answer)["slots"] << " slots into " << o.db << "\n";
  std::cout << "organizer link: " << (*answer)["link"].get<std::string>() << "\n";
  return 0;
}

// Generated codes go to --out (created 0600, never over an existing file) before they count.
Status write_codes_file(const std::string& path, const std::vector<std::string>& codes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("bad_request", "cannot create " + path + ": " + std::strerror(errno) + " (--out)");
  std::string text;
  for (const auto& c : codes) text += c + "\n";
  std::size_t done = 0;
  bool ok = ::fchmod(fd, 0600) == 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return make_error("storage_error", "cannot write " + path + " (--out)");
  }
  return Ok{};
}

// Ticket codes: from a file (one per line, or the first column of a CSV; '#' lines and blanks
// skipped), or --generate N fresh ones, printed or written to --out.
int tickets(const Options& o) {
  if (o.tickets_file.empty() == (o.generate_tickets == 0)) {
    std::cerr << "boardwalk tickets: give either a FILE of codes or --generate N (see --help)\n";
    return 2;  // usage
  }
  if (!o.tickets_out.empty() && o.generate_tickets == 0) return cli_fail("tickets: --out goes with --generate");
  if (auto s = require_database(o); !s) return cli_fail(s.error().message);
  std::vector<std::string> codes;
  if (o.generate_tickets > 0) {
    codes = app::generate_ticket_codes(o.generate_tickets);
    if (!o.tickets_out.empty()) {
      if (auto s = write_codes_file(o.tickets_out, codes); !s) return cli_fail(s.error().message);
    }
  } else {
    auto text = read_input_file(o.tickets_file, 16 * 1024 * 1024);
    if (!text) return cli_fail(text.error().message);
    auto read = app::read_ticket_codes(*text);
    if (!read) return cli_fail(o.tickets_file + ": " + read.error().message + "; no tickets added");
    codes = std::move(*read);
    if (auto warning = app::short_ticket_code_warning(codes)) std::cerr << "warning: " << *warning << "\n";
  }
  auto answer =
      admin_answer(o, {{"op", "tickets"}, {"event", o.slug}, {"codes", codes}, {"require", o.require_tickets}});
  if (!answer) {
    if (!o.tickets_out.empty()) ::unlink(o.tickets_out.c_str());  // those codes do not exist
    return cli_fail("no tickets added: " + answer.error().message);
  }
  std::ostringstream summary;
  summary << (*answer)["added"] << " ticket codes added to '" << o.slug << "' (" << (*answer)["total"] << " in all, "
          << (*answer)["used"] << " used); joining is "
          << ((*answer)["join_mode"] == "tickets" ? "by ticket code only" : "open to anyone with the link");
  if (o.generate_tickets > 0 && o.tickets_out.empty()) {
    for (const auto& c : codes) std::cout << c << "\n";  // stdout holds only the codes
    std::cerr << summary.str() << "\n";
  } else {
    std::cout << summary.str() << (o.tickets_out.empty() ? "" : "; the codes are in " + o.tickets_out) << "\n";
  }
  return 0;
}

int organizer_code(const Options& o) {
  if (auto s = require_database(o); !s) return cli_fail(s.error().message);
  auto answer = admin_answer(o, {{"op", "organizer_code"}, {"event", o.slug}});
  if (!answer) return cli_fail(answer.error().message);
  std::cout << "new organizer link (the old one no longer works): " << (*answer)["link"].get<std::string>() << "\n";
  return 0;
}

// Online backup: no process lock, the source is only read, so a server may keep serving it.
int backup(const Options& o) {
  auto report = storage::backup_database(o.db, o.backup_dest);
  if (!report) return fail("backup failed: " + report.error().message);
  std::cout << "backed up " << o.db << " to " << o.backup_dest << ": " << report->events << " stored changes, "
            << report->bytes << " bytes, integrity ok\n";
  if (const std::string key = secret_key_path(o); !key.empty() && std::filesystem::exists(key)) {
    std::cout << "the secret key file " << key << " is not in the copy: keep a copy of it too (without it, no secret, "
              << "organizer code or ticket code in the backup works)\n";
  }
  return 0;
}

// The host names to serve (--public-url's and each --allowed-host), as the Host check spells
// them; empty when neither flag is given (any Host is served).
Result<std::vector<std::string>> allowed_hosts(const Options& o) {
  std::vector<std::string> hosts;
  if (!o.public_url.empty()) {
    const std::string origin = net::origin_of(o.public_url);
    const auto scheme_end = origin.find("://");
    const auto name = scheme_end == std::string::npos ? std::nullopt : net::host_name(origin.substr(scheme_end + 3));
    if (!name)
      return make_error("bad_request", "--public-url: '" + o.public_url + "' is not an http(s) URL with a host");
    hosts.push_back(*name);
  }
  for (const auto& h : o.allowed_hosts) {
    const auto name = net::host_name(h);
    if (!name)
      return make_error("bad_request",
                        "--allowed-host: '" + h + "' is not a host name (give it without a scheme or path)");
    if (std::find(hosts.begin(), hosts.end(), *name) == hosts.end()) hosts.push_back(*name);
  }
  return hosts;
}

int serve(const Options& o) {
  auto hosts = allowed_hosts(o);
  if (!hosts) return fail(hosts.error().message);
  auto proxies = net::TrustedProxies::parse(o.trusted_proxies);
  if (!proxies) return fail(proxies.error().message);
  // Every connection is a file descriptor: take all the kernel allows, and say what that is.
  const auto files = app::raise_file_limit();
  if (files.soft > 0 && files.soft < 4096) {
    spdlog::warn(
        "this process may open only {} files, so at most about {} connections; raise the hard limit "
        "(ulimit -Hn, systemd LimitNOFILE=) for a big event",
        files.soft, files.soft > 64 ? files.soft - 64 : 0);
  } else {
    spdlog::info("file limit {} (was {}): room for about {} connections", files.soft, files.soft_before,
                 files.soft > 64 ? files.soft - 64 : 0);
  }
  if (!std::filesystem::is_directory(o.web_root)) {
    spdlog::warn("web root '{}' is not a directory; only the API will work", o.web_root);
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(o.bind, ec);
  if (ec) return fail("--bind: '" + o.bind + "' is not an IP address");
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    auto made = make_tls_context(o);
    if (!made) return fail(made.error().message);
    tls = std::move(*made);
  }

  auto db = open_database(o);
  if (!db) return fail(db.error().message);
  engine::Engine& engine = *db->engine;
  if (engine.event_slugs().empty() && !o.no_demo) {
    auto demo = app::plan_demo_event();
    if (!demo) return fail("cannot build the demo event: " + demo.error().message);
    auto seq = engine.apply_now(demo->slug, demo->steps);
    if (!seq) return fail("cannot create the demo event: " + seq.error().message);
    spdlog::info("created the demo event 'demo' in {}", o.db);
  }

  // The context outlives the io_context: sessions destroyed with it still unregister there.
  net::ServerContext context(engine);
  context.web_root = o.web_root;
  context.public_url = o.public_url;
  context.allowed_origins = o.allowed_origins;
  context.allowed_hosts = *hosts;
  context.trusted_proxies = std::move(*proxies);
  context.limits.connection_rate = o.rate_per_connection;
  context.limits.connections_per_ip = o.max_connections_per_ip;
  context.limits.http_connections_per_ip = o.max_http_connections_per_ip;
  context.limits.idle_timeout = std::chrono::seconds(o.idle_timeout_s);
  context.tls = tls.get();
  const unsigned threads = o.threads > 0 ? o.threads : std::min(app::usable_cpus(), 64U);
  boost::asio::io_context ioc(static_cast<int>(threads));
  // Under load each subscriber gets at most one frame of changes per interval (0: no pacing).
  net::Broadcaster broadcaster(ioc, std::chrono::milliseconds(o.coalesce_ms));
  context.broadcaster = &broadcaster;
  context.one_thread = threads == 1;
  engine.on_changes([&broadcaster] { broadcaster.wake(); });
  auto listener = std::make_shared<net::Listener>(ioc, context);
  if (auto s = listener->open({address, o.port}); !s) return fail(s.error().message);
  const std::string url = base_url(o, listener->port());
  if (context.public_url.empty()) context.public_url = url;

  for (const auto& slug : engine.event_slugs()) {
    auto code = app::ensure_organizer_code(engine, db->secret_key, slug);
    if (!code) return fail(code.error().message);
    // A credential: printed on stdout for whoever started the server, never into the log.
    if (*code)
      std::cout << "organizer link for '" << slug << "': " << app::organizer_link(url, slug, **code) << std::endl;
    spdlog::info("event '{}': {}/e/{}  (lobby: {}/lobby/{})", slug, url, slug, url, slug);
  }
  // Live credential changes from the CLI (organizer-code, tickets, event import).
  app::AdminRequests admin_requests(engine, db->secret_key, context.public_url);
  std::shared_ptr<app::AdminSocket> admin_socket;
  if (!o.no_admin_socket && o.db != ":memory:") {  // no other process can reach a :memory: database
    auto opened = app::AdminSocket::open(ioc, admin_socket_path(o), admin_requests);
    if (!opened) return fail(opened.error().message);
    admin_socket = std::move(*opened);
    admin_socket->run();
    spdlog::info("admin socket {} (organizer-code, tickets and event import work while the server runs)",
                 admin_socket_path(o));
  }
  engine.start();
  listener->run();
  if (!context.allowed_hosts.empty()) {
    std::string list;
    for (const auto& h : context.allowed_hosts) list += (list.empty() ? "" : ", ") + h;
    spdlog::info("serving only the hosts {} (and loopback); other Host headers get 421", list);
  }
  if (!o.trusted_proxies.empty()) {
    std::string list;
    for (const auto& p : o.trusted_proxies) list += (list.empty() ? "" : ", ") + p;
    spdlog::info("trusted proxies {}: their X-Forwarded-For names the client", list);
  }
  // Where it listens, also when --public-url names the site (tests and scripts read the port here).
  Options direct = o;
  direct.public_url.clear();
  const std::string listening = base_url(direct, listener->port());
  spdlog::info("listening on {}/ ({}database {}, web root {}, {} threads)", listening,
               listening == url ? "" : "public URL " + url + ", ", o.db, o.web_root, threads);

  // SIGINT/SIGTERM: stop accepting, close every WebSocket with "going away", give the
  // closes a moment to go out, then let the engine finish what is queued and exit 0.
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  boost::asio::steady_timer grace(ioc);
  signals.async_wait([&](boost::system::error_code, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    listener->stop();
    {
      std::lock_guard lock(context.sessions_mutex);
      for (auto* session : context.sessions) session->shut_down();
    }
    grace.expires_after(std::chrono::milliseconds(500));
    grace.async_wait([&](boost::system::error_code) { ioc.stop(); });
  });

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : workers) t.join();
  if (admin_socket) admin_socket->stop();  // removes the socket file
  engine.stop();                           // finishes queued requests and commits
  engine.release_connections();            // sessions must go before the io_context they live on
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "boardwalk: a live board for conference open spaces and sprints.\n"
      "With no command, serves the board (web app, HTTP API and WebSocket) on one port."};
  app.set_version_flag("--version", "boardwalk 0.1.0");
  app.fallthrough();
  app.add_option("--db", o.db, "SQLite database file (created with a demo event if missing)")->capture_default_str();
  app.add_option("--bind", o.bind, "IP address to listen on (0.0.0.0 for every interface)")->capture_default_str();
  app.add_option("--port", o.port, "TCP port (0 picks a free one)")->capture_default_str();
  app.add_option("--web-root", o.web_root, "directory of the web client")->capture_default_str();
  app.add_option("--public-url", o.public_url,
                 "URL people use to reach this server, for join links and QR codes (default: from --bind/--port); "
                 "its host is then the only one served besides --allowed-host and loopback");
  app.add_option("--durability", o.durability,
                 "full (survives power loss), normal (survives a crash), off (benchmarks only)")
      ->check(CLI::IsMember({"full", "normal", "off"}))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "network threads (0: one per CPU this process may run on)")
      ->check(CLI::Range(0u, 64u))
      ->capture_default_str();
  app.add_option("--coalesce-ms", o.coalesce_ms,
                 "under load, send each subscriber its event's new changes at most once per this many ms, as one "
                 "frame (0: as fast as the network takes them)")
      ->check(CLI::Range(0u, 1000u))
      ->capture_default_str();
  app.add_flag("--no-demo", o.no_demo, "do not create the demo event in an empty database");
  app.add_option(
      "--allowed-origin", o.allowed_origins,
      "extra origin allowed to open WebSockets (repeatable); the page's own origin and --public-url always are");
  app.add_option("--rate-per-connection", o.rate_per_connection,
                 "requests per second per connection, bursts of 3x (0: no limit)")
      ->check(CLI::Range(0.0, 100000.0))
      ->capture_default_str();
  app.add_option("--rate-per-participant", o.rate_per_participant,
                 "changes per second per participant, bursts of 3x (0: no limit)")
      ->check(CLI::Range(0.0, 100000.0))
      ->capture_default_str();
  app.add_option("--max-connections-per-participant", o.max_connections_per_participant,
                 "authenticated connections per participant (0: no limit)")
      ->capture_default_str();
  app.add_option("--max-connections-per-ip", o.max_connections_per_ip,
                 "WebSocket connections per client address (see --trusted-proxy), a backstop only: a venue shares one "
                 "address behind NAT (0: no limit)")
      ->capture_default_str();
  app.add_option("--joins-per-second-per-ip", o.joins_per_second_per_ip,
                 "new participants per second from one client address, after a burst of --join-burst-per-ip (0: no "
                 "limit); wrong codes and secrets back off per address on their own (docs/protocol.md)")
      ->check(CLI::Range(0.0, 100000.0))
      ->capture_default_str();
  app.add_option("--join-burst-per-ip", o.join_burst_per_ip,
                 "new participants one client address may create at once (a venue behind NAT is many people)")
      ->check(CLI::Range(1.0, 1000000.0))
      ->capture_default_str();
  app.add_option("--max-http-connections-per-ip", o.max_http_connections_per_ip,
                 "plain HTTP connections (page loads, API reads, upgrades in progress) per client address; over it "
                 "a new connection is closed unanswered (0: no limit)")
      ->capture_default_str();
  app.add_option("--allowed-host", o.allowed_hosts,
                 "host name this server answers for (repeatable); with it or --public-url, requests for any other "
                 "Host (except loopback names and addresses) get 421, which stops DNS-rebinding pages");
  app.add_option("--trusted-proxy", o.trusted_proxies,
                 "address or CIDR range of a reverse proxy (repeatable): on its connections the client is the "
                 "rightmost X-Forwarded-For address that is not a trusted proxy, for every per-address limit; "
                 "elsewhere X-Forwarded-For is ignored");
  app.add_option("--idle-timeout", o.idle_timeout_s,
                 "seconds a WebSocket may stay silent: the server pings it halfway and drops it (freeing its "
                 "resources) when nothing, not even the pong, has arrived by then")
      ->check(CLI::Range(1u, 86400u))
      ->capture_default_str();
  app.add_option("--tls-cert", o.tls_cert, "PEM certificate (chain) file: serve HTTPS and WSS only (needs --tls-key)");
  app.add_option("--tls-key", o.tls_key, "PEM private key file for --tls-cert");
  app.add_option("--secret-key-file", o.secret_key_file,
                 "file of the key that credential hashes are keyed with (default: DB.key, created 0600 on first use); "
                 "back it up with the database");
  app.add_option("--admin-socket", o.admin_socket,
                 "Unix socket (mode 0600) through which the commands below reach a running server (default: DB.sock)");
  app.add_flag("--no-admin-socket", o.no_admin_socket,
               "the server opens no admin socket (the commands then need it stopped); a command does not try it");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();

  auto* event = app.add_subcommand("event", "manage events in the database (live through a running server)");
  auto* import =
      event->add_subcommand("import", "create an event with its rooms and slots from a JSON file (docs/event-file.md)");
  import->add_option("FILE", o.import_file, "event file")->required()->check(CLI::ExistingFile);
  event->require_subcommand(1);
  auto* code = app.add_subcommand(
      "organizer-code", "print a new organizer link for an event (the old one stops working; live with a server)");
  code->add_option("SLUG", o.slug, "event slug")->required();
  auto* tickets_cmd = app.add_subcommand(
      "tickets", "add ticket codes to an event: from a FILE (one per line, or a CSV's first column) or --generate N");
  tickets_cmd->add_option("SLUG", o.slug, "event slug")->required();
  auto* tickets_file =
      tickets_cmd->add_option("FILE", o.tickets_file, "file of ticket codes")->check(CLI::ExistingFile);
  auto* generate = tickets_cmd
                       ->add_option("--generate", o.generate_tickets,
                                    "create N random 10-character codes (no 0/O/1/I/l) and print them")
                       ->check(CLI::Range(std::size_t{1}, domain::limits::max_tickets))
                       ->excludes(tickets_file);
  tickets_cmd->add_option("--out", o.tickets_out, "write the generated codes to this new file (mode 0600)")
      ->needs(generate);
  tickets_cmd->add_flag("--require", o.require_tickets, "also make the event ticket-only (join needs an unused code)");
  auto* backup_cmd =
      app.add_subcommand("backup", "copy the database consistently to a new file, also while a server uses it");
  backup_cmd->add_option("DEST", o.backup_dest, "the copy (must not exist yet)")->required();

  // Usage errors exit with 2 (help and version with 0); the commands' own errors with 1.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // A command's stdout is for what it prints on purpose (links, generated codes): its log,
  // like its errors, goes to stderr.
  if (*import || *code || *backup_cmd || *tickets_cmd) spdlog::set_default_logger(spdlog::stderr_color_mt("cli"));
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // A command answers every input with a message and exit code 1; an exception here is a bug,
  // but still no abort.
  try {
    if (*import) return import_event(o);
    if (*code) return organizer_code(o);
    if (*backup_cmd) return backup(o);
    if (*tickets_cmd) return tickets(o);
  } catch (const std::exception& e) {
    return cli_fail(std::string("internal error: ") + e.what());
  }
  return serve(o);
}
