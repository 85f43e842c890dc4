#include "tests/subprocess.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

extern char** environ;

namespace cookiejar {
namespace testing {
namespace {

pid_t Spawn(const std::vector<std::string>& argv, const std::string& stderr_path,
            int* stdout_fd, int* stdin_fd) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  int input_fds[2] = {-1, -1};
  if (stdin_fd != nullptr && pipe2(input_fds, O_CLOEXEC) != 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  if (stdin_fd != nullptr) posix_spawn_file_actions_adddup2(&actions, input_fds[0], STDIN_FILENO);
  if (!stderr_path.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (stdin_fd != nullptr) close(input_fds[0]);
  if (pid < 0) {
    close(pipe_fds[0]);
    if (stdin_fd != nullptr) close(input_fds[1]);
    return -1;
  }
  *stdout_fd = pipe_fds[0];
  if (stdin_fd != nullptr) *stdin_fd = input_fds[1];
  return pid;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string stderr_path = std::string(tmp ? tmp : "/tmp") + "/stderr-XXXXXX";
  const int fd = mkstemp(stderr_path.data());
  if (fd >= 0) close(fd);
  BackgroundProcess process(argv, fd >= 0 ? stderr_path : "");
  if (process.started()) {
    std::string line;
    while (process.ReadLine(&line)) result.output += line + "\n";
    result.exit_code = process.Wait();
    result.peak_rss_kb = process.peak_rss_kb();
  }
  if (fd >= 0) {
    std::ifstream error(stderr_path, std::ios::binary);
    result.error.assign(std::istreambuf_iterator<char>(error), std::istreambuf_iterator<char>());
    unlink(stderr_path.c_str());
  }
  return result;
}

bool HaveProgram(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::string& stderr_path, bool with_stdin) {
  pid_ = Spawn(argv, stderr_path, &stdout_fd_, with_stdin ? &stdin_fd_ : nullptr);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    Wait();
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (stdin_fd_ >= 0) close(stdin_fd_);
}

bool BackgroundProcess::WriteLine(const std::string& line) {
  if (stdin_fd_ < 0) return false;
  // A process that exited closes the pipe: the write fails with EPIPE
  // instead of killing the test with SIGPIPE (blocked here, and consumed).
  sigset_t pipe_signal, old_mask;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
  const std::string text = line + "\n";
  size_t done = 0;
  bool ok = true;
  while (done < text.size()) {
    const ssize_t n = write(stdin_fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      const timespec zero = {0, 0};
      sigtimedwait(&pipe_signal, nullptr, &zero);
      break;
    }
    done += static_cast<size_t>(n);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  return ok;
}

bool BackgroundProcess::ReadLine(std::string* line) {
  for (;;) {
    size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      *line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return true;
    }
    char chunk[4096];
    ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (buffer_.empty()) return false;
      *line = buffer_;
      buffer_.clear();
      return true;
    }
    buffer_.append(chunk, n);
  }
}

void BackgroundProcess::Kill(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

int BackgroundProcess::Wait() {
  if (pid_ <= 0) return -1;
  if (!reaped_) {
    struct rusage usage;
    while (wait4(pid_, &status_, 0, &usage) < 0 && errno == EINTR) {
    }
    peak_rss_kb_ = usage.ru_maxrss;
    reaped_ = true;
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return -WTERMSIG(status_);
  return -1;
}

}  // namespace testing
}  // namespace cookiejar
