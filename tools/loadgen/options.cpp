#include "options.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

namespace loadgen {

bool is_loopback(const boost::asio::ip::address_v4& a) { return (a.to_uint() >> 24) == 127; }

namespace {

std::optional<boost::asio::ip::address_v4> loopback_address(const std::string& text) {
  if (text == "localhost") return boost::asio::ip::make_address_v4("127.0.0.1");
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address_v4(text, ec);
  if (ec || !is_loopback(a)) return std::nullopt;
  return a;
}

}  // namespace

std::optional<int> parse_options(int argc, char** argv, Options& o) {
  CLI::App app{"boardwalk-loadgen: drives a boardwalk server over its WebSocket protocol (loopback only)"};
  app.add_option("mode", o.mode, "idle | fanout | ingest | reconnect | bigboard")
      ->required()
      ->check(CLI::IsMember({"idle", "fanout", "ingest", "reconnect", "bigboard"}));
  app.add_option("--host", o.host, "server address; must be in 127.0.0.0/8")->capture_default_str();
  app.add_option("--port", o.port, "server port")->required();
  app.add_option("--path", o.path, "WebSocket path")->capture_default_str();
  app.add_option("--event", o.event, "event slug")->capture_default_str();
  app.add_option("--clients", o.clients, "subscribed connections (N)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--senders", o.senders,
                 "connections that join and make changes (M; fanout default 10, ingest default 50, "
                 "reconnect: 1 extra writer)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--rate", o.rate, "fanout/reconnect: total changes per second (R)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--duration", o.duration, "seconds of changes (T)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--window", o.window, "ingest: requests in flight per sender")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--propose-share", o.propose_share, "share of changes that are propose_topic (rest: vote/unvote)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--source-addrs", o.source_addrs_text, "bind outgoing sockets to these 127.x addresses, round robin")
      ->delimiter(',');
  app.add_option("--threads", o.threads, "io threads (one io_context each)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--connect-concurrency", o.connect_concurrency, "connection attempts in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--server-pid", o.server_pid, "server process id, for RSS and CPU from /proc");
  app.add_option("--hold", o.hold, "idle: seconds to hold the connections before measuring")->capture_default_str();
  app.add_option("--connect-timeout", o.connect_timeout, "seconds allowed for connecting all clients")
      ->capture_default_str();
  app.add_option("--drain-timeout", o.drain_timeout, "seconds allowed for the last changes to arrive")
      ->capture_default_str();
  app.add_option("--reconnect-window", o.reconnect_window, "reconnect: clients reconnect spread over this many seconds")
      ->capture_default_str();
  app.add_option("--deadline", o.deadline, "global deadline in seconds (default: computed)");
  app.add_flag("--check-json", o.check_json, "also parse every received line fully and compare with the fast scan");
  app.add_option("--seed", o.seed, "random seed")->capture_default_str();
  app.add_option("--name-prefix", o.name_prefix, "participant name prefix")->capture_default_str();
  app.add_option("--board-bytes", o.board_bytes,
                 "bigboard: grow the board (GET /api/events/EVENT) to at least this many bytes first")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30));
  app.add_option("--organizer-code", o.organizer_code,
                 "the event's organizer code (the server prints it at its first start): join as organizer and lift "
                 "the caps on live topics and projects per participant first (fanout, ingest and reconnect propose "
                 "more than the default cap allows one person)")
      ->envname("BOARDWALK_ORGANIZER_CODE");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  const auto addr = loopback_address(o.host);
  if (!addr) {
    std::cerr << "boardwalk-loadgen: refusing --host " << o.host
              << ": only IPv4 loopback addresses (127.0.0.0/8) are allowed\n";
    return 2;
  }
  o.address = *addr;
  for (const auto& s : o.source_addrs_text) {
    const auto a = loopback_address(s);
    if (!a) {
      std::cerr << "boardwalk-loadgen: refusing --source-addrs " << s << ": not a 127.0.0.0/8 address\n";
      return 2;
    }
    o.source_addrs.push_back(*a);
  }
  if (o.senders < 0) o.senders = o.mode == "fanout" ? 10 : o.mode == "ingest" ? 50 : o.mode == "reconnect" ? 1 : 0;
  if (o.mode == "idle" || o.mode == "bigboard") o.senders = 0;
  if (o.mode == "reconnect") o.senders = std::min(o.senders, 1);
  if ((o.mode == "fanout" || o.mode == "ingest") && o.senders > o.clients) {
    std::cerr << "boardwalk-loadgen: --senders " << o.senders << " exceeds --clients " << o.clients
              << " (senders are among the subscribed clients)\n";
    return 2;
  }
  if (o.deadline <= 0)
    o.deadline = o.connect_timeout + o.duration + o.hold + o.reconnect_window + 2 * o.drain_timeout + 60.0;
  return std::nullopt;
}

}  // namespace loadgen
