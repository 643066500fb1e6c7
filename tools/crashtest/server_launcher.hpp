// Starts the real boardwalk binary on a free loopback port (output to a log file) for the
// reliability tools, and stops it with SIGKILL or SIGTERM. Every wait is bounded.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace boardwalk::tools {

class Server {
 public:
  using Clock = std::chrono::steady_clock;
  Server(const std::string& binary, std::vector<std::string> extra, const std::string& log_path) : log_path_(log_path) {
    std::vector<std::string> args = {binary,      "--bind", "127.0.0.1",   "--port", "0",
                                     "--threads", "2",      "--log-level", "info"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    // Wait (bounded) for the listening line; the server prints it once it accepts.
    const std::regex listening("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      std::ifstream in(log_path);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string out = ss.str();
      std::smatch m;
      if (std::regex_search(out, m, listening)) {
        port_ = static_cast<unsigned short>(std::stoi(m[1]));
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("server exited during start-up:\n" + out);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill9();
    throw std::runtime_error("server did not start listening within 60 s (log " + log_path + ")");
  }
  ~Server() { kill9(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // Where its stdout and stderr go (the organizer link of a first start is printed there).
  [[nodiscard]] const std::string& log_path() const { return log_path_; }

  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // SIGTERM; the exit status, or -1 if it did not exit within `timeout` (then it is killed).
  int stop(std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill9();
    return -1;
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

}  // namespace boardwalk::tools
