// Command-line options of boardwalk-loadgen and their validation.
#pragma once

#include <boost/asio/ip/address_v4.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loadgen {

struct Options {
  std::string mode;  // idle | fanout | ingest | reconnect | bigboard
  std::string host = "127.0.0.1";
  boost::asio::ip::address_v4 address;
  std::uint16_t port = 0;
  std::string path = "/ws";
  std::string event = "demo";
  int clients = 1000;
  int senders = -1;  // -1: mode default
  double rate = 200.0;
  double duration = 10.0;
  int window = 1;
  double propose_share = 0.1;
  std::vector<std::string> source_addrs_text;
  std::vector<boost::asio::ip::address_v4> source_addrs;
  int threads = 1;
  int connect_concurrency = 256;
  int server_pid = 0;
  double hold = 3.0;
  double connect_timeout = 120.0;
  double drain_timeout = 15.0;
  double reconnect_window = 1.0;
  double deadline = 0.0;  // 0: computed from the other timeouts
  bool check_json = false;
  std::uint64_t seed = 1;
  std::string name_prefix = "load";
  std::size_t board_bytes = 2u << 20;  // bigboard: the board grows to at least this
  // The event's organizer code (printed by the server at its first start): with it the
  // load generator joins as organizer and lifts the per-participant caps before it runs.
  std::string organizer_code;
};

// Parses argv; on --help or a usage error prints and returns the exit code to use.
std::optional<int> parse_options(int argc, char** argv, Options& out);

// Loopback check: true for 127.0.0.0/8.
bool is_loopback(const boost::asio::ip::address_v4& a);

}  // namespace loadgen
