// The open-file limit: every connection is one file descriptor, and Linux starts most
// processes with a soft limit of 1,024, far below what a conference needs. The soft limit may
// be raised up to the hard one without privileges, so the server (and the load tools) do that.
#pragma once

#include <cstdint>

namespace boardwalk::app {

struct FileLimit {
  std::uint64_t soft_before = 0;
  std::uint64_t soft = 0;  // after raising
  std::uint64_t hard = 0;
};

// Raises the RLIMIT_NOFILE soft limit to the hard limit; says what it was and is.
FileLimit raise_file_limit();

}  // namespace boardwalk::app
