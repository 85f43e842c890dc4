// storageState and cookie-editor JSON: any text parses with an error or
// without a crash, and what parses writes back, in both shapes, as text that
// parses again to as many cookies with the same names.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "cookiejar/formats/storage_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  JsonCookiesOptions options;
  options.max_cookies = 1000;
  options.max_problems = 10;
  JsonCookiesReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ParseJsonCookies(text, &report, options);
  if (!cookies.ok()) return 0;
  if (report.problems.size() > options.max_problems || cookies->size() > report.entries) {
    std::abort();
  }
  for (JsonCookieFormat format :
       {JsonCookieFormat::kStorageState, JsonCookieFormat::kCookieEditor}) {
    // What JSON text held is UTF-8: nothing is left out on the way back.
    JsonCookiesExport out = FormatJsonCookies(*cookies, format);
    if (out.written != cookies->size()) std::abort();
    JsonCookiesReport again;
    absl::StatusOr<std::vector<CanonicalCookie>> reread = ParseJsonCookies(out.text, &again);
    if (!reread.ok() || reread->size() != cookies->size()) std::abort();
    // An empty array has no shape to tell.
    if (!cookies->empty() && again.format != format) std::abort();
    for (size_t i = 0; i < reread->size(); ++i) {
      if ((*reread)[i].name != (*cookies)[i].name || (*reread)[i].value != (*cookies)[i].value ||
          (*reread)[i].domain != (*cookies)[i].domain || (*reread)[i].path != (*cookies)[i].path) {
        std::abort();
      }
    }
  }
  return 0;
}
