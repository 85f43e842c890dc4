#include "cli/standard_input.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace cookiejar {

std::string SizeText(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<std::string> ReadStandardInput(size_t limit, const std::string& what,
                                              bool* truncated) {
  if (truncated != nullptr) *truncated = false;
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(
          absl::StrCat("cannot read ", what, " from standard input: ", std::strerror(errno)));
    }
    const size_t room = limit - text.size();
    if (static_cast<size_t>(n) > room) {
      if (truncated != nullptr) {
        text.append(buffer, room);
        *truncated = true;
        return text;
      }
      return absl::ResourceExhaustedError(absl::StrCat("standard input holds more than ",
                                                       SizeText(limit), " of ", what,
                                                       " (the limit)"));
    }
    text.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace cookiejar
