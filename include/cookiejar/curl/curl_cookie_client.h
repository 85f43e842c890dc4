// libcurl with a CookieJar in place of curl's own cookie engine, one request
// at a time (the easy interface).
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
// The handle's connections and TLS sessions are this client's own: two
// clients never share one. Not thread-safe (one easy handle); use one client
// per thread, sharing the jar, which is thread-safe. For a loop of your own,
// see curl_transfer.h; for many transfers at once, curl_multi_client.h.

#ifndef COOKIEJAR_CURL_CURL_COOKIE_CLIENT_H_
#define COOKIEJAR_CURL_CURL_COOKIE_CLIENT_H_

#include <curl/curl.h>

#include "absl/status/statusor.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/curl/http_exchange.h"

namespace cookiejar {

class CurlCookieClient {
 public:
  // `jar` is not owned and must outlive the client.
  explicit CurlCookieClient(CookieJar* jar);
  ~CurlCookieClient();
  CurlCookieClient(const CurlCookieClient&) = delete;
  CurlCookieClient& operator=(const CurlCookieClient&) = delete;

  // The easy handle, for options of your own (timeouts, CURLOPT_RESOLVE,
  // TLS, a proxy...), kept between requests. Do not set CURLOPT_COOKIE*,
  // CURLOPT_FOLLOWLOCATION, CURLOPT_HEADERFUNCTION, CURLOPT_WRITEFUNCTION,
  // the method or the body.
  CURL* easy() { return easy_; }

  // Performs the request, following redirects (RedirectFollower's rules).
  // Errors: a URL that does not parse (InvalidArgument), and those of
  // CurlTransfer::Finish (a transfer error, a body or headers too large, a
  // bad redirect or too many).
  absl::StatusOr<HttpResponse> Fetch(const HttpRequest& request);

 private:
  CookieJar* const jar_;
  CURL* const easy_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CURL_CURL_COOKIE_CLIENT_H_
