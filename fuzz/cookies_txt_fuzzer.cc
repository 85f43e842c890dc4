// cookies.txt loader: any text imports without a crash, and what was imported
// exports and re-imports to the same cookies.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookies_txt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  static FakeClock* clock = new FakeClock(absl::FromUnixSeconds(1700000000));
  CookieJarOptions options;
  options.clock = clock;
  options.rules = BrowserRules::Unlimited();
  CookieJar jar(options);
  const CookiesTxtReport report =
      ImportCookiesTxtText(std::string_view(reinterpret_cast<const char*>(data), size), &jar);
  const std::string exported = FormatCookiesTxt(jar.GetAllCookies());
  CookieJar again(options);
  const CookiesTxtReport second = ImportCookiesTxtText(exported, &again);
  if (!second.errors.empty() || FormatCookiesTxt(again.GetAllCookies()) != exported) std::abort();
  if (second.imported > report.imported) std::abort();
  return 0;
}
