// Locks and errors shared by the file-backed stores: an advisory lock (flock)
// on an open file, waited for a bounded time, and the holder's pid for the
// message when the wait runs out.

#ifndef COOKIEJAR_PERSISTENCE_INTERNAL_FILE_LOCK_H_
#define COOKIEJAR_PERSISTENCE_INTERNAL_FILE_LOCK_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace cookiejar {
namespace persistence_internal {

// Takes a shared or exclusive flock on `fd` (the file at `path`), waiting up
// to `timeout`. Unavailable when the wait runs out, naming the holder.
absl::Status LockFile(int fd, const std::string& path, bool shared, absl::Duration timeout);

// The Status for open(2) failing on `path` with `error`: a symbolic link or
// a directory is FailedPrecondition, a missing file NotFound, the rest
// PermissionDenied.
absl::Status OpenError(const std::string& path, int error);

}  // namespace persistence_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_PERSISTENCE_INTERNAL_FILE_LOCK_H_
