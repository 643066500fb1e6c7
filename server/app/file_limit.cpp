#include "app/file_limit.hpp"

#include <sys/resource.h>

namespace boardwalk::app {

FileLimit raise_file_limit() {
  FileLimit out;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return out;
  out.soft_before = out.soft = rl.rlim_cur;
  out.hard = rl.rlim_max;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) out.soft = rl.rlim_max;
  }
  return out;
}

}  // namespace boardwalk::app
