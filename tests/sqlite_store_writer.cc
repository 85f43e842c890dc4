// A process for tests/sqlite_crash_test.cc to kill: writes numbered cookies
// to a store and reports each completed flush.
//
//   sqlite_store_writer DB FIRST
// Sets c<i> for i = FIRST, FIRST+1, ... on site<i % 50>.test; when i % 7 == 3
// also deletes c<i-3>. After every 25 cookies it flushes and prints
// "flushed <i>": everything up to cookie i is then on disk.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: sqlite_store_writer DB FIRST\n");
    return 2;
  }
  cookiejar::SqliteStoreOptions options;
  options.flush_batch = 1 << 30;
  options.flush_interval = absl::Hours(1);
  auto store = cookiejar::SqliteCookieStore::Open(argv[1], options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  cookiejar::CookieJarOptions jar_options;
  jar_options.rules = cookiejar::BrowserRules::Unlimited();
  cookiejar::CookieJar jar(jar_options);
  if (!(*store)->Attach(&jar, "crash").ok()) return 1;
  const long first = std::atol(argv[2]);
  for (long i = first;; ++i) {
    const std::string url = absl::StrCat("https://site", i % 50, ".test/");
    jar.SetCookie(url, absl::StrCat("c", i, "=v", i, "; Max-Age=86400"));
    if (i % 7 == 3) jar.SetCookie(url, absl::StrCat("c", i - 3, "=; Max-Age=0"));
    if ((i - first) % 25 == 24) {
      if (!(*store)->Flush().ok()) return 1;
      std::printf("flushed %ld\n", i);
      std::fflush(stdout);
    }
  }
}
