// Cookies for any HTTP client: the two calls a client makes around each
// request it sends, as Go's http.CookieJar and Python's add_cookie_header /
// extract_cookies have them, with the browser context that SameSite and
// third-party rules need. Every adapter (libcurl, cpp-httplib, Boost.Beast)
// is built on it, and redirects go through RedirectFollower
// (redirect_follower.h), so the rules live in one place.
//
// Example, around one exchange of any client:
//   CookieJar jar;
//   HttpCookies cookies(&jar);
//   CookieRequest request{"https://shop.example/account?page=2"};
//   absl::StatusOr<std::string> header = cookies.CookieHeader(request);
//   // send the request with "Cookie: " + *header when it is not empty;
//   // then, with every Set-Cookie value of the response, in order:
//   cookies.StoreResponse(request, status, set_cookie_values);
//
// Thread-safe (the jar is).

#ifndef COOKIEJAR_HTTP_COOKIES_H_
#define COOKIEJAR_HTTP_COOKIES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/cookie_jar.h"

namespace cookiejar {

// Where a request comes from in the browser. The default is what a plain
// HTTP client makes: a top-level navigation started by the user, which is
// same-site with itself and may receive and set every cookie.
struct RequestContext {
  // A navigation of the top-level window (typing a URL, a link, a form).
  // False for subresources (images, scripts, fetches) and frames.
  bool top_level_navigation = true;
  // The URL of the page that started the request; "" when the user did.
  std::string initiator;
  // For a request that is not a top-level navigation: the URL of the
  // top-level page it belongs to ("" counts as first-party).
  std::string top_level_url;
  // The frames between that page and the request, outermost first
  // (CookieOptions::frame_ancestors); empty for a client without frames.
  std::vector<std::string> frame_ancestors;
};

// One request as the cookie rules see it.
struct CookieRequest {
  CookieRequest() = default;
  explicit CookieRequest(std::string request_url) : url(std::move(request_url)) {}

  // The absolute URL requested (the query does not matter to cookies).
  std::string url;
  std::string method = "GET";
  RequestContext context;
  // The earlier URLs of this request's redirect chain, oldest first
  // (RedirectFollower keeps it): a cross-site hop makes the request
  // cross-site, as in browsers.
  std::vector<std::string> redirect_chain;
};

class HttpCookies {
 public:
  // `jar` is not owned and must outlive this object.
  explicit HttpCookies(CookieJar* jar) : jar_(jar) {}

  // The Cookie header value to send with `request`, or "" to send none.
  // InvalidArgument when a URL of the request does not parse.
  absl::StatusOr<std::string> CookieHeader(const CookieRequest& request) const;

  // Stores the cookies a response to `request` set: every Set-Cookie field
  // value, in the order received (each value one cookie; do not join them).
  // `date` is the response's Date header ("" if none): Expires dates are
  // corrected by the server's clock, as browsers do. Returns the jar's
  // verdict on each. Informational responses (1xx) set none, as in
  // browsers. InvalidArgument when a URL does not parse.
  absl::StatusOr<std::vector<CookieInclusionStatus>> StoreResponse(
      const CookieRequest& request, int status,
      const std::vector<std::string>& set_cookie_values, std::string_view date = {}) const;

  CookieJar* jar() const { return jar_; }

 private:
  CookieJar* const jar_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_HTTP_COOKIES_H_
