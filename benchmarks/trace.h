// Cookie traces: the workloads the jar is measured on, as text any cookie
// implementation can replay. One event a line:
//   S<TAB>url<TAB>set-cookie-value    a response from url set this cookie
//   G<TAB>url                         a request to url: build its Cookie header
// Generators are deterministic for a seed (they use their own generator, not
// <random>'s distributions, which differ between standard libraries).

#ifndef COOKIEJAR_BENCHMARKS_TRACE_H_
#define COOKIEJAR_BENCHMARKS_TRACE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cookiejar {
namespace benchmarks {

struct TraceEvent {
  bool is_set = false;
  std::string url;
  std::string set_cookie;  // Empty for G events.
};

// 3,000 cookies over 1,000 sites (about 314 bytes per header), then 10,000
// requests to pages of those sites.
std::vector<TraceEvent> CrawlerTrace(uint64_t seed);
// 150 cookies on one site (about 3 KB per header), then 10,000 requests.
std::vector<TraceEvent> SingleSiteTrace(uint64_t seed);
// 20,000 Set-Cookie headers over 1,000 domains with 5 names each (mostly
// overwrites), then one request per domain.
std::vector<TraceEvent> IngestTrace(uint64_t seed);

std::string FormatTrace(const std::vector<TraceEvent>& events);
// Errors name the first malformed line.
absl::StatusOr<std::vector<TraceEvent>> ParseTrace(std::string_view text);

// A trace's name from its file's path: "/tmp/traces/crawler.trace" gives
// "crawler".
std::string TraceName(std::string_view path);

// 64-bit FNV-1a, continued from `hash`.
uint64_t Fnv1a(std::string_view bytes, uint64_t hash = 0xcbf29ce484222325ull);

}  // namespace benchmarks
}  // namespace cookiejar

#endif  // COOKIEJAR_BENCHMARKS_TRACE_H_
