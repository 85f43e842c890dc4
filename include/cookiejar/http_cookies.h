// Cookies for any HTTP client: the two calls a client makes around each
// request it sends, as Go's http.CookieJar and Python's add_cookie_header /
// extract_cookies have them, with the browser context that SameSite and
// third-party rules need. Every adapter (libcurl, cpp-httplib, Boost.Beast)
// is built on it, and redirects go through RedirectFollower
// (redirect_follower.h), so the rules live in one place.
//
// A request is a CookieRequest (cookie_request.h). Each call taking one
// resolves it first (parses its URLs, decides its SameSite context,
// third-party status and partition); a client that makes both calls for one
// request resolves it once and passes the ResolvedRequest to both.
//
// Example, around one exchange of any client:
//   CookieJar jar;
//   HttpCookies cookies(&jar);
//   absl::StatusOr<ResolvedRequest> request =
//       cookies.Resolve(CookieRequest("https://shop.example/account?page=2"));
//   if (!request.ok()) return request.status();  // a URL does not parse
//   std::string header = cookies.CookieHeader(*request);
//   // send the request with "Cookie: " + header when it is not empty;
//   // then, with every Set-Cookie value of the response, in order:
//   cookies.StoreResponse(*request, status, set_cookie_values);
//
// Thread-safe (the jar is).

#ifndef COOKIEJAR_HTTP_COOKIES_H_
#define COOKIEJAR_HTTP_COOKIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/cookie_jar.h"
#include "cookiejar/cookie_request.h"

namespace cookiejar {

class HttpCookies {
 public:
  // `jar` is not owned and must outlive this object.
  explicit HttpCookies(CookieJar* jar) : jar_(jar) {}

  // CookieJar::Resolve: InvalidArgument naming a URL that does not parse.
  absl::StatusOr<ResolvedRequest> Resolve(const CookieRequest& request) const {
    return jar_->Resolve(request);
  }

  // The Cookie header value to send with `request`, or "" to send none.
  // InvalidArgument when a URL of the request does not parse.
  absl::StatusOr<std::string> CookieHeader(const CookieRequest& request) const;
  std::string CookieHeader(const ResolvedRequest& request) const;

  // Stores the cookies a response to `request` set: every Set-Cookie field
  // value, in the order received (each value one cookie; do not join them).
  // `date` is the response's Date header ("" if none): Expires dates are
  // corrected by the server's clock, as browsers do. Returns the jar's
  // verdict on each. Informational responses (1xx) set none, as in
  // browsers. InvalidArgument when a URL does not parse.
  absl::StatusOr<std::vector<CookieInclusionStatus>> StoreResponse(
      const CookieRequest& request, int status,
      const std::vector<std::string>& set_cookie_values, std::string_view date = {}) const;
  std::vector<CookieInclusionStatus> StoreResponse(const ResolvedRequest& request, int status,
                                                   const std::vector<std::string>& set_cookie_values,
                                                   std::string_view date = {}) const;

  CookieJar* jar() const { return jar_; }

 private:
  CookieJar* const jar_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_HTTP_COOKIES_H_
