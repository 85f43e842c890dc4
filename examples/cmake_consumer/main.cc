// Sets a cookie, keeps it in a SQLite store, and prints the Cookie header a
// browser would send: the first program of a CMake user.

#include <cstdio>
#include <string>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/sqlite/sqlite_cookie_store.h"

int main(int argc, char** argv) {
  cookiejar::CookieJar jar;
  if (argc > 1) {
    auto store = cookiejar::SqliteCookieStore::Open(argv[1]);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
      return 1;
    }
    (*store)->Attach(&jar, "default").IgnoreError();
  }
  jar.SetCookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly");
  absl::StatusOr<std::string> header = jar.GetCookieHeader("https://bank.example/transfer");
  if (!header.ok()) return 1;
  std::printf("Cookie: %s\n", header->c_str());
  return 0;
}
