// Reading a file a user named (a command-line argument, a path given to the
// C API or Python), without letting it stall or flood the process.
//
// A path can name anything: a FIFO or a character device (opening one for
// reading blocks until a writer comes, reading it never ends), a directory,
// a link, a file of gigabytes. Every such path is opened here, with
// O_NONBLOCK (a FIFO opens at once), and checked with fstat on the open
// descriptor (no race with a rename) before a byte is read: it must be a
// regular file of at most the caller's limit, and a file that grows past the
// limit while it is read is refused too.
//
// Example:
//   absl::StatusOr<std::string> text =
//       user_file::Read(path, user_file::Limits{kMaxCookiesTxtBytes});

#ifndef COOKIEJAR_COMMON_USER_FILE_H_
#define COOKIEJAR_COMMON_USER_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cookiejar {
namespace user_file {

struct Limits {
  // Larger files are refused (FailedPrecondition) before anything is read.
  uint64_t max_bytes = 0;
  // False: a symbolic link at the path is refused (O_NOFOLLOW) rather than
  // followed; for files that are written back, so that reading and writing
  // name the same file.
  bool follow_links = true;
};

// A regular file, open for reading (closed on destruction).
class File {
 public:
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  ~File();

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }  // When it was opened.

  // The whole file from its start; FailedPrecondition when it has grown
  // past the limit since it was opened.
  absl::StatusOr<std::string> ReadAll() const;
  // Its first `n` bytes at most (fewer when it is shorter).
  absl::StatusOr<std::string> ReadHead(size_t n) const;

 private:
  friend absl::StatusOr<File> Open(const std::string& path, const Limits& limits);
  File(int fd, std::string path, uint64_t size, uint64_t max_bytes)
      : fd_(fd), path_(std::move(path)), size_(size), max_bytes_(max_bytes) {}

  int fd_;
  std::string path_;
  uint64_t size_;
  uint64_t max_bytes_;
};

// Opens `path` for reading without blocking and checks it. Errors: missing
// (NotFound); a directory, a FIFO, a device or socket, a link when
// !follow_links, larger than max_bytes (FailedPrecondition); anything else
// open(2) refuses (PermissionDenied). Messages name the path.
absl::StatusOr<File> Open(const std::string& path, const Limits& limits);

// Open(path, limits) and ReadAll().
absl::StatusOr<std::string> Read(const std::string& path, const Limits& limits);

// For a descriptor opened elsewhere (a writer that locks the file first):
// the same checks and read, from offset 0 whatever the descriptor's offset.
absl::Status CheckRegular(int fd, const std::string& path, uint64_t max_bytes);
absl::StatusOr<std::string> ReadAll(int fd, const std::string& path, uint64_t max_bytes);

// The Status for open(2) failing on `path` with `error`: a symbolic link
// (ELOOP under O_NOFOLLOW) or a directory is FailedPrecondition, a missing
// file NotFound, the rest PermissionDenied.
absl::Status OpenError(const std::string& path, int error);

}  // namespace user_file
}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_USER_FILE_H_
