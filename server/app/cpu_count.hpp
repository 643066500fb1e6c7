// How many CPUs this process may run on: its affinity mask (taskset, cgroup cpusets), not the
// machine's core count, so a server pinned to one core runs one network thread instead of two
// that only take turns on it.
#pragma once

namespace boardwalk::app {

unsigned usable_cpus();

}  // namespace boardwalk::app
