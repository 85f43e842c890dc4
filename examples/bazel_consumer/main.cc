// Sets a cookie and prints the Cookie header a browser would send: the first
// program of a Bazel user.

#include <cstdio>
#include <string>

#include "cookiejar/cookie_jar.h"

int main() {
  cookiejar::CookieJar jar;
  jar.SetCookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly");
  absl::StatusOr<std::string> header = jar.GetCookieHeader("https://bank.example/transfer");
  if (!header.ok()) return 1;
  std::printf("Cookie: %s\n", header->c_str());
  return 0;
}
