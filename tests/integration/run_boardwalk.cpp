#include "run_boardwalk.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace boardwalk::testing {

RunResult run_boardwalk(const std::string& args) {
  const std::string cmd = std::string(BOARDWALK_BINARY) + " " + args + " 2>&1";
  RunResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  while (fgets(buf.data(), buf.size(), pipe) != nullptr) r.output += buf.data();
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace boardwalk::testing
