// Cookie dates: never a crash; a parsed date lies in 1601..9999.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cookiejar/cookie_date.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<absl::Time> time =
      cookiejar::ParseCookieDate(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!time) return 0;
  const absl::CivilSecond civil = absl::ToCivilSecond(*time, absl::UTCTimeZone());
  if (civil.year() < 1601 || civil.year() > 9999) std::abort();
  return 0;
}
