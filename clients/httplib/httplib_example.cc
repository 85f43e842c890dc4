// cpp-httplib (Debian's libcpp-httplib-dev) with browser-grade cookies: the
// client-neutral integration (http_cookies.h, redirect_follower.h) around
// httplib's own calls, with no glue but reading and writing headers.
//
//   httplib_example [--method M] [--body B] URL...
//
// Fetches each URL in turn, as one browser session (one jar), following
// redirects hop by hop, and prints each hop: method, URL, status, the Cookie
// header sent and the Set-Cookie values received. http only (httplib's TLS
// needs its own setup).

#include <cstdio>
#include <string>
#include <vector>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/redirect_follower.h"
#include "httplib.h"

namespace {

// One exchange with httplib: the request line, headers and body it sends.
httplib::Result Send(const cookiejar::Url& url, const std::string& method,
                     const httplib::Headers& headers, const std::string& body) {
  httplib::Client client(url.host(), url.port());
  const std::string target = url.path() + url.query();
  if (method == "GET") return client.Get(target, headers);
  if (method == "HEAD") return client.Head(target, headers);
  if (method == "POST") return client.Post(target, headers, body, "application/x-www-form-urlencoded");
  if (method == "PUT") return client.Put(target, headers, body, "application/x-www-form-urlencoded");
  if (method == "DELETE") return client.Delete(target, headers, body, "application/x-www-form-urlencoded");
  return client.Options(target, headers);
}

}  // namespace

int main(int argc, char** argv) {
  std::string method = "GET", body;
  std::vector<std::string> urls;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--method" && i + 1 < argc) {
      method = argv[++i];
    } else if (arg == "--body" && i + 1 < argc) {
      body = argv[++i];
    } else {
      urls.push_back(arg);
    }
  }
  if (urls.empty()) {
    std::fprintf(stderr, "usage: httplib_example [--method M] [--body B] URL...\n");
    return 2;
  }
  cookiejar::CookieJar jar;
  const cookiejar::HttpCookies cookies(&jar);
  for (const std::string& start : urls) {
    cookiejar::CookieRequest first(start);
    first.method = method;
    cookiejar::RedirectFollower follower(first);
    for (;;) {
      const cookiejar::CookieRequest& hop = follower.request();
      // Resolved once for both calls: its URL parsed, its context decided.
      absl::StatusOr<cookiejar::ResolvedRequest> resolved = cookies.Resolve(hop);
      if (!resolved.ok()) {
        std::fprintf(stderr, "httplib_example: %s\n",
                     std::string(resolved.status().message()).c_str());
        return 1;
      }
      const cookiejar::Url& url = resolved->url();
      const std::string cookie_header = cookies.CookieHeader(*resolved);
      httplib::Headers headers;
      if (!cookie_header.empty()) headers.emplace("Cookie", cookie_header);
      httplib::Result result =
          Send(url, hop.method, headers, follower.keeps_body() ? body : std::string());
      if (!result) {
        std::fprintf(stderr, "httplib_example: %s: %s\n", hop.url.c_str(),
                     httplib::to_string(result.error()).c_str());
        return 1;
      }
      // Every Set-Cookie field, in the order received (httplib keeps a
      // multimap, whose equal keys stay in insertion order).
      std::vector<std::string> set_cookies;
      auto range = result->headers.equal_range("Set-Cookie");
      for (auto it = range.first; it != range.second; ++it) set_cookies.push_back(it->second);
      std::printf("%s %s -> %d\n", hop.method.c_str(), hop.url.c_str(), result->status);
      if (!cookie_header.empty()) std::printf("  sent Cookie: %s\n", cookie_header.c_str());
      for (const std::string& line : set_cookies) std::printf("  Set-Cookie: %s\n", line.c_str());
      cookies.StoreResponse(*resolved, result->status, set_cookies);
      absl::StatusOr<cookiejar::RedirectFollower::Next> next =
          follower.OnResponse(result->status, result->get_header_value("Location"));
      if (!next.ok()) {
        std::fprintf(stderr, "httplib_example: %s\n", std::string(next.status().message()).c_str());
        return 1;
      }
      if (*next == cookiejar::RedirectFollower::Next::kDone) break;
    }
  }
  return 0;
}
