// The raw headers of HTTP responses as clients write them (`curl -D -`,
// `curl -i`, `wget -S`-like dumps): one block per response, each a status
// line, header lines and an empty line, in the order received — interim 1xx
// responses, a proxy's answer to CONNECT, every redirect hop, the final
// response. What follows the last block (a body, with curl -i) is ignored.
#ifndef COOKIEJAR_CLI_RESPONSE_HEADERS_H_
#define COOKIEJAR_CLI_RESPONSE_HEADERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cookiejar {

struct RawResponse {
  int status = 0;
  std::vector<std::string> set_cookies;  // Every Set-Cookie value, in order.
  std::string date;                      // The Date header ("" if none).
  std::string location;                  // The Location header ("" if none).
};

// Parses `text`, which may end early when `truncated` (the reader's limit):
// only a block cut by that end is an error. Errors (InvalidArgument, with the
// line number): no status line first, a status line without a three-digit
// status, a header line without a colon or with a NUL byte.
absl::StatusOr<std::vector<RawResponse>> ParseResponseHeaders(std::string_view text,
                                                              bool truncated = false);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_RESPONSE_HEADERS_H_
