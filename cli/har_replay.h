// Replays a HAR capture (HTTP Archive 1.2: what browser developer tools,
// Playwright and mitmproxy export) through a fresh jar and compares, request
// by request, the Cookie header the jar would send with the one the browser
// sent.
//
// Entries are replayed in order of start time, with the jar's clock set to
// each entry's start time, so expiry is judged as it was at capture time.
// For each http(s) request the jar's header is computed first, compared, and
// then the response's Set-Cookie headers are stored. A "document" entry
// (Chromium's _resourceType) is a top-level navigation; other entries of a
// page are subresources of that page's first URL. Each entry is resolved once
// (CookieJar::Resolve) for its Cookie header, the explanation of a
// difference, and the cookies its response sets.

#ifndef COOKIEJAR_CLI_HAR_REPLAY_H_
#define COOKIEJAR_CLI_HAR_REPLAY_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_request.h"

namespace cookiejar {

struct HarDifference {
  size_t entry = 0;  // Index in the HAR's entries (0-based).
  std::string method;
  std::string url;
  std::string browser_header;  // "" when the browser sent no Cookie header.
  std::string jar_header;
  // One line per cookie that differs: what and why.
  std::vector<std::string> details;
  // The request as the jar resolved it: its SameSite context, third-party
  // status and partition decided what the jar sent.
  ResolvedRequest request;
};

struct HarReplayResult {
  size_t entries = 0;    // In the file.
  size_t requests = 0;   // http(s) requests compared.
  size_t identical = 0;  // Same header, byte for byte.
  size_t same_cookies_other_order = 0;
  std::vector<HarDifference> differences;
};

using HarProgress = std::function<void(size_t done, size_t total)>;

// What a capture may hold: a larger text, more entries, or deeper nesting is
// refused (the text is read in one pass that keeps only what replaying
// needs, and stops at the first limit).
inline constexpr size_t kMaxHarBytes = size_t{256} << 20;
inline constexpr size_t kMaxHarEntries = 1000000;
inline constexpr int kMaxHarDepth = 256;

// `options` configures the fresh jar (its clock is replaced). Errors
// (InvalidArgument): not JSON, not a HAR (no log.entries array), over the
// limits above, or an entry whose startedDateTime is outside the years 1601
// to 9999.
absl::StatusOr<HarReplayResult> ReplayHar(std::string_view har_json, CookieJarOptions options,
                                          const HarProgress& progress = nullptr);

}  // namespace cookiejar

#endif  // COOKIEJAR_CLI_HAR_REPLAY_H_
