// boardwalk-loadgen: drives a real boardwalk server over its WebSocket protocol.
// Human summary on stderr, one JSON object on stdout; exit 0 only when every check passed.
#include "modes.hpp"
#include "options.hpp"
#include "summary.hpp"
#include "sysinfo.hpp"

#include <iostream>

int main(int argc, char** argv) {
  using namespace loadgen;
  Options o;
  if (const auto code = parse_options(argc, argv, o)) return *code;

  const auto lim = raise_file_limit();
  std::cerr << "file limit: soft " << lim.soft_before << " -> " << lim.soft << " (hard " << lim.hard << ")\n";
  const auto conns = static_cast<std::uint64_t>(o.clients) + (o.mode == "reconnect" && o.senders > 0 ? 1 : 0);
  constexpr std::uint64_t kSpare = 64;  // stdio, epoll, timers, the HTTP check, retired sockets closing
  if (conns + kSpare > lim.soft) {
    std::cerr << "boardwalk-loadgen: " << conns << " connections need about " << conns + kSpare
              << " file descriptors but this process may open only " << lim.soft << " (hard limit " << lim.hard
              << "). Run several loadgen processes with fewer --clients each (and different --source-addrs).\n";
    return 2;
  }
  const auto ports = ephemeral_port_count();
  const auto addrs = o.source_addrs.empty() ? std::uint64_t{1} : o.source_addrs.size();
  if (conns > ports * addrs) {
    std::cerr << "boardwalk-loadgen: " << conns << " connections need more than the " << ports << " ephemeral ports of "
              << addrs << " source address(es); add --source-addrs 127.0.0.2,127.0.0.3,...\n";
    return 2;
  }
  std::string src = "kernel default (one source address)";
  if (!o.source_addrs.empty()) {
    src.clear();
    for (const auto& a : o.source_addrs) src += (src.empty() ? "" : ",") + a.to_string();
  }
  std::cerr << "target ws://" << o.address.to_string() << ":" << o.port << o.path << " event '" << o.event
            << "', source addresses: " << src << ", threads " << o.threads << "\n";

  nlohmann::json r;
  try {
    if (o.mode == "idle")
      r = run_idle(o);
    else if (o.mode == "reconnect")
      r = run_reconnect(o);
    else if (o.mode == "bigboard")
      r = run_bigboard(o);
    else
      r = run_fanout(o);
  } catch (const std::exception& e) {
    r = {{"failures", {std::string("exception: ") + e.what()}}};
  }
  nlohmann::json setup{{"host", o.address.to_string()},
                       {"port", o.port},
                       {"event", o.event},
                       {"clients", o.clients},
                       {"senders", o.senders},
                       {"rate", o.rate},
                       {"duration", o.duration},
                       {"threads", o.threads},
                       {"source_addrs", src},
                       {"file_limit_soft", lim.soft},
                       {"file_limit_hard", lim.hard},
                       {"ephemeral_ports_per_address", ports},
                       {"server_pid", o.server_pid},
                       {"check_json", o.check_json}};
  std::string cmd;
  for (int i = 0; i < argc; ++i) cmd += (i ? " " : "") + std::string(argv[i]);
  r["mode"] = o.mode;
  r["setup"] = setup;
  r["command"] = cmd;
  r["ok"] = r["failures"].empty();
  print_summary(std::cerr, r);
  std::cout << r.dump() << std::endl;
  return r["failures"].empty() ? 0 : 1;
}
