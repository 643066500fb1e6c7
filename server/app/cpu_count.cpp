#include "app/cpu_count.hpp"

#include <sched.h>

#include <thread>

namespace boardwalk::app {

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  const unsigned n = std::thread::hardware_concurrency();  // 0 when unknown
  return n > 0 ? n : 1;
}

}  // namespace boardwalk::app
