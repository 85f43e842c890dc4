// Boost.Beast (Debian's libboost-dev) with browser-grade cookies: the
// client-neutral integration (http_cookies.h, redirect_follower.h) around
// Beast's request and response objects, with no glue but reading and
// writing headers.
//
//   beast_example [--method M] [--body B] URL...
//
// Fetches each URL in turn, as one browser session (one jar), following
// redirects hop by hop, and prints each hop: method, URL, status, the Cookie
// header sent and the Set-Cookie values received. http only.

#include <cstdio>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cookiejar/cookie_jar.h"
#include "cookiejar/http_cookies.h"
#include "cookiejar/redirect_follower.h"

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// One exchange with Beast over a fresh connection.
http::response<http::string_body> Send(const cookiejar::Url& url, const std::string& method,
                                       const std::string& cookie_header,
                                       const std::string& body) {
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  stream.connect(resolver.resolve(url.host(), std::to_string(url.port())));
  http::request<http::string_body> request(http::string_to_verb(method),
                                           url.path() + url.query(), 11);
  request.set(http::field::host, url.host() + ":" + std::to_string(url.port()));
  if (!cookie_header.empty()) request.set(http::field::cookie, cookie_header);
  if (!body.empty()) {
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = body;
    request.prepare_payload();
  }
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == "HEAD");  // A HEAD response has no body to wait for.
  http::read(stream, buffer, parser);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return parser.release();
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
    std::fprintf(stderr, "usage: beast_example [--method M] [--body B] URL...\n");
    return 2;
  }
  cookiejar::CookieJar jar;
  const cookiejar::HttpCookies cookies(&jar);
  try {
    for (const std::string& start : urls) {
      cookiejar::CookieRequest first(start);
      first.method = method;
      cookiejar::RedirectFollower follower(first);
      for (;;) {
        const cookiejar::CookieRequest& hop = follower.request();
        // Resolved once for both calls: its URL parsed, its context decided.
        absl::StatusOr<cookiejar::ResolvedRequest> resolved = cookies.Resolve(hop);
        if (!resolved.ok()) {
          std::fprintf(stderr, "beast_example: %s\n",
                       std::string(resolved.status().message()).c_str());
          return 1;
        }
        const cookiejar::Url& url = resolved->url();
        const std::string cookie_header = cookies.CookieHeader(*resolved);
        http::response<http::string_body> response =
            Send(url, hop.method, cookie_header, follower.keeps_body() ? body : std::string());
        const int status = static_cast<int>(response.result_int());
        std::vector<std::string> set_cookies;
        const auto range = response.equal_range(http::field::set_cookie);
        for (auto field = range.first; field != range.second; ++field) {
          set_cookies.emplace_back(field->value());
        }
        std::printf("%s %s -> %d\n", hop.method.c_str(), hop.url.c_str(), status);
        if (!cookie_header.empty()) std::printf("  sent Cookie: %s\n", cookie_header.c_str());
        for (const std::string& line : set_cookies) std::printf("  Set-Cookie: %s\n", line.c_str());
        cookies.StoreResponse(*resolved, status, set_cookies);
        absl::StatusOr<cookiejar::RedirectFollower::Next> next =
            follower.OnResponse(status, std::string(response[http::field::location]));
        if (!next.ok()) {
          std::fprintf(stderr, "beast_example: %s\n", std::string(next.status().message()).c_str());
          return 1;
        }
        if (*next == cookiejar::RedirectFollower::Next::kDone) break;
      }
    }
  } catch (const std::exception& error) {  // Beast reports I/O errors by throwing.
    std::fprintf(stderr, "beast_example: %s\n", error.what());
    return 1;
  }
  return 0;
}
