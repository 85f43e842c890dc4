// Running other programs from tests: a command with its output captured, and
// a background process that is killed when it goes out of scope.

#ifndef COOKIEJAR_TESTS_SUBPROCESS_H_
#define COOKIEJAR_TESTS_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace cookiejar {
namespace testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the program could not run or was killed.
  std::string output;  // Standard output.
  std::string error;   // Standard error.
  // The peak resident set of the program and of the children it waited for
  // (wait4(2)), in KiB.
  long peak_rss_kb = 0;
};

// Runs `argv` (argv[0] looked up in PATH) to completion.
CommandResult RunCommand(const std::vector<std::string>& argv);

// Whether `program` is found in PATH.
bool HaveProgram(const std::string& program);

class BackgroundProcess {
 public:
  // Starts `argv`; its standard output is readable line by line. Standard
  // error goes to `stderr_path` when one is given. With `with_stdin`, its
  // standard input is a pipe that WriteLine feeds.
  explicit BackgroundProcess(const std::vector<std::string>& argv,
                             const std::string& stderr_path = "", bool with_stdin = false);
  ~BackgroundProcess();  // SIGKILL and reap.
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The next line of output (without '\n'); false at end of output.
  bool ReadLine(std::string* line);
  // Writes `line` and '\n' to its standard input; false when it is closed.
  bool WriteLine(const std::string& line);
  void Kill(int signal);
  // Waits for exit; returns the exit code, or -signal when killed.
  int Wait();
  // After Wait: as CommandResult::peak_rss_kb.
  long peak_rss_kb() const { return peak_rss_kb_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stdin_fd_ = -1;
  std::string buffer_;
  bool reaped_ = false;
  int status_ = 0;
  long peak_rss_kb_ = 0;
};

}  // namespace testing
}  // namespace cookiejar

#endif  // COOKIEJAR_TESTS_SUBPROCESS_H_
