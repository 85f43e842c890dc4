// Standard input for the cookiejar command: `-` wherever it reads a value or
// a file. Bounded: a command reads at most the limit it names, and says so
// when the input is longer, instead of growing without end.
#ifndef COOKIEJAR_CLI_STANDARD_INPUT_H_
#define COOKIEJAR_CLI_STANDARD_INPUT_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace cookiejar {

// What `-` reads, at most: Set-Cookie lines and response headers (curl's
// own limit for all the headers of a response is 300 KiB).
inline constexpr size_t kMaxStandardInputHeaders = size_t{1} << 20;  // 1 MiB
// A file given as `-` (import -): as large as the cookie files people have.
inline constexpr size_t kMaxStandardInputFile = size_t{64} << 20;  // 64 MiB

// Reads standard input to its end. ResourceExhausted when it holds more than
// `limit` bytes (naming `what` and the limit); Unavailable when it cannot be
// read. With `stop_early`, stops without an error once `limit` bytes are
// read and sets *truncated (for a reader that needs only a prefix).
absl::StatusOr<std::string> ReadStandardInput(size_t limit, const std::string& what,
                                              bool* truncated = nullptr);

// "1 MiB", "64 MiB", "512 bytes": a limit for a message.
std::string SizeText(size_t bytes);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_STANDARD_INPUT_H_
