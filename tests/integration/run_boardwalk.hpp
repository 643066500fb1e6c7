// Runs the boardwalk binary once with arguments (a CLI subcommand, or a server start that is
// expected to fail) and captures what it printed and how it exited.
#pragma once

#include <string>

namespace boardwalk::testing {

struct RunResult {
  int status = -1;     // the exit code, or -1 if it did not exit normally
  std::string output;  // stdout and stderr together
};

// `args` is appended to the binary's path and run by the shell.
RunResult run_boardwalk(const std::string& args);

}  // namespace boardwalk::testing
