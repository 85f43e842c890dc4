#include "persistence/internal/file_lock.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/user_file.h"

namespace cookiejar {
namespace persistence_internal {
namespace {

// The pid of another process holding a lock on the file open as `fd`, from
// /proc/locks, or 0 when the system does not say.
pid_t LockHolder(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return 0;
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters have "->".
    std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (fields.size() < 6 || fields[1] != "FLOCK") continue;
    const std::string& device_inode = fields[5];
    const size_t colon = device_inode.rfind(':');
    uint64_t inode = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(device_inode.substr(colon + 1), &inode) || inode != st.st_ino) {
      continue;
    }
    int pid = 0;
    if (absl::SimpleAtoi(fields[4], &pid) && pid != getpid()) return pid;
  }
  return 0;
}

}  // namespace

absl::Status OpenError(const std::string& path, int error) {
  return user_file::OpenError(path, error);
}

absl::Status LockFile(int fd, const std::string& path, bool shared, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      return absl::InternalError(absl::StrCat("cannot lock ", path, ": ", std::strerror(errno)));
    }
    if (absl::Now() >= deadline) {
      const pid_t holder = LockHolder(fd);
      return absl::UnavailableError(absl::StrCat(
          path, " is in use by another ", shared ? "writer" : "process",
          holder > 0 ? absl::StrCat(" (pid ", holder, ")") : "",
          timeout > absl::ZeroDuration()
              ? absl::StrCat("; waited ", absl::FormatDuration(timeout))
              : ""));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

}  // namespace persistence_internal
}  // namespace cookiejar
