// Browser cookie databases (Firefox cookies.sqlite, Chromium Cookies): any
// file reads with an error or without a crash, within the limits, and what
// reads is valid for the jar's checks to judge. Chromium's value decryption
// takes the input as a ciphertext as well.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "cookiejar/formats/browser_databases.h"
#include "cookiejar/cookie_jar.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp ? tmp : "/tmp") + "/browser_store_fuzzer." + std::to_string(getpid());
  }();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  DecryptChromiumValue(bytes, "a.example", 24).IgnoreError();
  DecryptChromiumValue("v10" + bytes, "a.example", 24).IgnoreError();
  for (const char* suffix : {"", "-wal", "-journal"}) std::remove((path + suffix).c_str());
  {
    std::ofstream file(path, std::ios::binary);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  BrowserDatabaseOptions options;
  options.max_rows = 1000;
  options.max_problems = 10;
  BrowserDatabaseReport report;
  absl::StatusOr<std::vector<CanonicalCookie>> cookies = ReadBrowserDatabase(path, &report, options);
  if (!cookies.ok()) return 0;
  if (report.rows > options.max_rows || report.problems.size() > options.max_problems ||
      cookies->size() > report.rows) {
    std::abort();
  }
  for (const CanonicalCookie& c : *cookies) {
    if (c.domain.empty() || c.path.empty() || c.path[0] != '/' ||
        c.name.size() + c.value.size() > kMaxNameValueBytes) {
      std::abort();
    }
  }
  CookieJarOptions jar_options;
  jar_options.rules = BrowserRules::Unlimited();
  CookieJar jar(jar_options);
  size_t taken = 0;
  for (const CanonicalCookie& c : *cookies) taken += jar.ImportCookie(c).IsInclude();
  if (jar.size() > taken) std::abort();
  return 0;
}
