// HAR replay: any bytes replay without a crash (times anywhere in the
// calendar included), and the summary adds up.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/har_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  absl::StatusOr<HarReplayResult> result =
      ReplayHar(std::string_view(reinterpret_cast<const char*>(data), size), CookieJarOptions());
  if (!result.ok()) return 0;
  if (result->requests > result->entries) std::abort();
  if (result->identical + result->same_cookies_other_order + result->differences.size() !=
      result->requests) {
    std::abort();
  }
  return 0;
}
