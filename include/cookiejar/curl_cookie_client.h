// libcurl with a CookieJar in place of curl's own cookie engine, one request
// at a time (the easy interface). For many concurrent transfers, see
// curl_multi_client.h.
//
// Redirects are followed hop by hop (RedirectFollower), so that every hop
// sends the Cookie header the jar gives for that hop's URL and stores every
// Set-Cookie of that hop's response before the next hop, with the request's
// browser context (HttpCookies). curl's cookie engine and
// CURLOPT_FOLLOWLOCATION stay off. The URL is sent as given, query included;
// redirect targets are resolved as browsers resolve them.
//
// Example:
//   CookieJar jar;
//   CurlCookieClient client(&jar);
//   curl_easy_setopt(client.easy(), CURLOPT_TIMEOUT, 10L);  // any other option
//   HttpRequest login{"https://bank.example/login"};
//   login.method = "POST";
//   login.body = "user=zaizai&pwd=123";
//   login.headers = {"Content-Type: application/x-www-form-urlencoded"};
//   absl::StatusOr<HttpResponse> response = client.Fetch(login);
//   // Later requests carry the session cookie the login set:
//   client.Fetch(HttpRequest{"https://bank.example/transfer?account=2"});
//
// Not thread-safe (one easy handle); use one client per thread, sharing the
// jar, which is thread-safe.

#ifndef COOKIEJAR_CURL_COOKIE_CLIENT_H_
#define COOKIEJAR_CURL_COOKIE_CLIENT_H_

#include <curl/curl.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/http_cookies.h"

namespace cookiejar {

struct HttpRequest {
  HttpRequest() = default;
  explicit HttpRequest(std::string request_url) : url(std::move(request_url)) {}

  std::string url;  // Sent as given, query included.
  // GET, HEAD (no body is read), POST, PUT, DELETE, OPTIONS, or any other.
  std::string method = "GET";
  std::string body;                  // Sent with any method but GET and HEAD.
  std::vector<std::string> headers;  // Extra "Name: value" lines (a Cookie line is replaced).
  RequestContext context;            // Browser context for SameSite (http_cookies.h).
  int max_redirects = 20;
};

// One request/response exchange of a redirect chain.
struct HttpHop {
  std::string url;
  std::string method;
  long status = 0;
  std::string cookie_header;             // What was sent ("" = no Cookie header).
  std::vector<std::string> set_cookies;  // Set-Cookie values received, in order.
  std::vector<CookieInclusionStatus> set_cookie_results;  // The jar's verdict on each.
};

struct HttpResponse {
  long status = 0;
  std::string url;  // Of the last hop.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Of the last hop.
  std::vector<HttpHop> hops;  // Every exchange, redirects included.

  // The first header of the last response called `name` (ASCII
  // case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

class CurlCookieClient {
 public:
  // `jar` is not owned and must outlive the client.
  explicit CurlCookieClient(CookieJar* jar);
  ~CurlCookieClient();
  CurlCookieClient(const CurlCookieClient&) = delete;
  CurlCookieClient& operator=(const CurlCookieClient&) = delete;

  // The easy handle, for options of your own (timeouts, CURLOPT_RESOLVE,
  // TLS...). Do not set CURLOPT_COOKIE*, CURLOPT_FOLLOWLOCATION,
  // CURLOPT_HEADERFUNCTION, CURLOPT_WRITEFUNCTION, the method or the body.
  CURL* easy() { return easy_; }

  // Performs the request, following redirects (RedirectFollower's rules).
  // Errors: a URL that does not parse (InvalidArgument), a transfer error
  // (Unavailable, with curl's message), a bad redirect (InvalidArgument) or
  // too many (ResourceExhausted).
  absl::StatusOr<HttpResponse> Fetch(const HttpRequest& request);

 private:
  CookieJar* const jar_;
  CURL* const easy_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_COOKIE_CLIENT_H_
