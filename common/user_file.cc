#include "common/user_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cookiejar {
namespace user_file {
namespace {

absl::Status TooLarge(const std::string& path, uint64_t max_bytes) {
  return absl::FailedPreconditionError(
      absl::StrCat(path, " is larger than ", max_bytes, " bytes"));
}

// Reads from offset `from` up to `want` bytes (or to the end); a file that
// turns out longer than `max_bytes` (it grew) is refused when `whole`.
absl::StatusOr<std::string> ReadRange(int fd, const std::string& path, uint64_t size_hint,
                                      uint64_t want, uint64_t max_bytes, bool whole) {
  std::string text;
  text.reserve(static_cast<size_t>(std::min(size_hint, want)));
  char buffer[1 << 16];
  for (uint64_t offset = 0; offset < want;) {
    const size_t ask = static_cast<size_t>(std::min<uint64_t>(sizeof(buffer), want - offset));
    const ssize_t n = pread(fd, buffer, ask, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::DataLossError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
    }
    if (n == 0) break;
    offset += static_cast<uint64_t>(n);
    if (whole && offset > max_bytes) return TooLarge(path, max_bytes);
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

absl::Status OpenError(const std::string& path, int error) {
  const std::string message = absl::StrCat("cannot open ", path, ": ", std::strerror(error));
  switch (error) {
    case ELOOP:
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a symbolic link; give the real path (links are not followed)"));
    case EISDIR:
      return absl::FailedPreconditionError(absl::StrCat(path, " is a directory"));
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    default:
      return absl::PermissionDeniedError(message);
  }
}

namespace {

// The size of the regular file open as `fd`, or why it cannot be read.
absl::StatusOr<uint64_t> RegularSize(int fd, const std::string& path, uint64_t max_bytes) {
  struct stat st;
  if (fstat(fd, &st) != 0) return OpenError(path, errno);
  if (S_ISDIR(st.st_mode)) return OpenError(path, EISDIR);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " is not a regular file (",
        S_ISFIFO(st.st_mode)   ? "a FIFO"
        : S_ISCHR(st.st_mode)  ? "a character device"
        : S_ISBLK(st.st_mode)  ? "a block device"
        : S_ISSOCK(st.st_mode) ? "a socket"
                               : "not a file",
        ")"));
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return TooLarge(path, max_bytes);
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace

absl::Status CheckRegular(int fd, const std::string& path, uint64_t max_bytes) {
  return RegularSize(fd, path, max_bytes).status();
}

absl::StatusOr<std::string> ReadAll(int fd, const std::string& path, uint64_t max_bytes) {
  absl::StatusOr<uint64_t> size = RegularSize(fd, path, max_bytes);
  if (!size.ok()) return size.status();
  // One byte past the limit tells a file that grew.
  return ReadRange(fd, path, *size, max_bytes + 1, max_bytes, /*whole=*/true);
}

File::File(File&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      size_(other.size_),
      max_bytes_(other.max_bytes_) {}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    size_ = other.size_;
    max_bytes_ = other.max_bytes_;
  }
  return *this;
}

File::~File() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<std::string> File::ReadAll() const {
  return ReadRange(fd_, path_, size_, max_bytes_ + 1, max_bytes_, /*whole=*/true);
}

absl::StatusOr<std::string> File::ReadHead(size_t n) const {
  return ReadRange(fd_, path_, size_, n, max_bytes_, /*whole=*/false);
}

absl::StatusOr<File> Open(const std::string& path, const Limits& limits) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
                                        (limits.follow_links ? 0 : O_NOFOLLOW));
  if (fd < 0) return OpenError(path, errno);
  absl::StatusOr<uint64_t> size = RegularSize(fd, path, limits.max_bytes);
  if (!size.ok()) {
    close(fd);
    return size.status();
  }
  return File(fd, path, *size, limits.max_bytes);
}

absl::StatusOr<std::string> Read(const std::string& path, const Limits& limits) {
  absl::StatusOr<File> file = Open(path, limits);
  if (!file.ok()) return file.status();
  return file->ReadAll();
}

}  // namespace user_file
}  // namespace cookiejar
