// Operating-system facts the load generator needs: file limits, port range, /proc readings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/file_limit.hpp"

namespace loadgen {

// Raises the RLIMIT_NOFILE soft limit to the hard limit (the server's own helper).
using boardwalk::app::FileLimit;
using boardwalk::app::raise_file_limit;

// Number of ephemeral ports (net.ipv4.ip_local_port_range), 28232 when unreadable.
std::uint64_t ephemeral_port_count();

struct ProcStats {
  std::uint64_t rss_kib = 0;  // VmRSS
  std::uint64_t hwm_kib = 0;  // VmHWM: peak resident memory so far
  double cpu_seconds = 0.0;   // utime + stime
};
std::optional<ProcStats> read_proc(int pid);
// Resets the process's VmHWM to its current RSS (writes 5 to /proc/PID/clear_refs; needs the
// same user). False if it could not.
bool reset_peak_rss(int pid);

std::string hostname();
std::string cpu_model();
std::uint64_t mem_total_kib();
std::string kernel_release();

}  // namespace loadgen
