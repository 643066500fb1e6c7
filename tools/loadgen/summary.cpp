#include "summary.hpp"

#include <iomanip>

namespace loadgen {

namespace {

void latency(std::ostream& out, const char* name, const nlohmann::json& j) {
  if (!j.is_object()) return;
  out << "  " << std::left << std::setw(36) << name << std::right << std::fixed << std::setprecision(2) << "p50 "
      << j.value("p50_ms", 0.0) << " ms  p90 " << j.value("p90_ms", 0.0) << " ms  p99 " << j.value("p99_ms", 0.0)
      << " ms  max " << j.value("max_ms", 0.0) << " ms  (n=" << j.value("count", 0) << ")\n";
}

void value(std::ostream& out, const nlohmann::json& j, const char* key, const char* label) {
  if (j.contains(key)) out << "  " << std::left << std::setw(36) << label << std::right << j[key].dump() << "\n";
}

}  // namespace

void print_summary(std::ostream& out, const nlohmann::json& r) {
  out << "\n== boardwalk-loadgen " << r.value("mode", "?") << " ==\n";
  value(out, r, "setup", "setup");
  for (auto k : {"connected",
                 "clients",
                 "live_clients_at_end",
                 "senders",
                 "connect_seconds",
                 "connects_per_second",
                 "server_rss_kib_per_connection",
                 "loadgen_rss_bytes_per_connection",
                 "final_seq",
                 "changes",
                 "run_seconds",
                 "rate_requested",
                 "rate_achieved",
                 "acked_changes_per_second",
                 "deliveries",
                 "deliveries_per_second",
                 "frames_per_second",
                 "events_per_frame",
                 "server_cpu_seconds",
                 "server_cpu_us_per_delivery",
                 "server_cpu_us_per_frame",
                 "loadgen_cpu_seconds",
                 "loadgen_cpu_us_per_delivery",
                 "all_resynced_seconds",
                 "resynced_by_replay",
                 "resynced_by_snapshot",
                 "board_bytes",
                 "board_seq",
                 "fill_seconds",
                 "subscribed",
                 "seconds_until_last_has_board",
                 "server_peak_rss_kib",
                 "peak_rss_reset_before_subscribing",
                 "server_before",
                 "server_after"})
    value(out, r, k, k);
  for (auto k : {"subscribe_latency", "ack_latency", "delivery_latency", "change_to_last_client_latency",
                 "per_client_resync_latency", "send_lag"})
    if (r.contains(k)) latency(out, k, r[k]);
  if (r.contains("verification")) out << "  verification: " << r["verification"].dump() << "\n";
  if (r.contains("server_seq")) out << "  server seq: " << r["server_seq"].dump() << "\n";
  const auto& f = r["failures"];
  if (f.empty())
    out << "RESULT: PASS\n";
  else {
    out << "RESULT: FAIL (" << f.size() << ")\n";
    for (const auto& x : f) out << "  - " << x.get<std::string>() << "\n";
  }
}

}  // namespace loadgen
