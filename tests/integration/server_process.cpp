#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <regex>
#include <stdexcept>

#ifndef BOARDWALK_BINARY
#error "BOARDWALK_BINARY must point at the boardwalk executable"
#endif

namespace boardwalk::testing {

ServerProcess::ServerProcess(std::string db_path, std::vector<std::string> extra, unsigned short port) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> args = {BOARDWALK_BINARY,     "--bind", "127.0.0.1", "--port",
                                   std::to_string(port), "--db",   db_path};
  // Two network threads, so the tests exercise the strands, unless a test asks for its own.
  if (std::find(extra.begin(), extra.end(), "--threads") == extra.end()) {
    args.insert(args.end(), {"--threads", "2"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  // Read the server's output on a thread so its pipe never fills up.
  reader_ = std::thread([this] {
    char buf[4096];
    for (;;) {
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard lock(mutex_);
      output_.append(buf, static_cast<std::size_t>(n));
    }
  });
  const std::regex listening("listening on https?://127\\.0\\.0\\.1:([0-9]+)/");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string out = output();
    if (std::regex_search(out, m, listening)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      reader_.join();
      throw std::runtime_error("boardwalk exited during start-up:\n" + output());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  throw std::runtime_error("boardwalk did not start listening:\n" + output());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) close(out_fd_);
}

std::string ServerProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

std::string ServerProcess::organizer_code(const std::string& slug) const {
  const std::regex re("organizer link for '" + slug + "': \\S+#code=([A-Za-z0-9_-]+)");
  std::smatch m;
  const std::string out = output();
  return std::regex_search(out, m, re) ? std::string(m[1]) : std::string();
}

void ServerProcess::wait_exit() {
  int status = 0;
  waitpid(pid_, &status, 0);
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
}

int ServerProcess::stop() {
  if (pid_ <= 0) return exit_status_;
  ::kill(pid_, SIGTERM);
  wait_exit();
  return exit_status_;
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_exit();
}

TempDb::TempDb() {
  static std::atomic<int> counter{0};
  path_ = (std::filesystem::temp_directory_path() /
           ("boardwalk-it-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".db"))
              .string();
}

TempDb::~TempDb() {
  for (const char* suffix : {"", "-wal", "-shm", ".lock", ".key", ".sock"}) {
    std::error_code ec;
    std::filesystem::remove(path_ + suffix, ec);
  }
}

}  // namespace boardwalk::testing
