// SQLite loader: any file opens with an error or loads without a crash, and
// whatever loads is valid for the jar.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cookiejar;
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp ? tmp : "/tmp") + "/sqlite_store_fuzzer." + std::to_string(getpid());
  }();
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) std::remove((path + suffix).c_str());
  {
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto store = SqliteCookieStore::Open(path);
  if (store.ok()) {
    CookieJarOptions options;
    options.rules = BrowserRules::Unlimited();
    CookieJar jar(options);
    absl::StatusOr<size_t> loaded = (*store)->Attach(&jar, "default");
    if (loaded.ok() && *loaded != jar.size()) std::abort();
    (*store)->Profiles().IgnoreError();
  }
  return 0;
}
