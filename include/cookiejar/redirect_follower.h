// Following redirects as a browser does, for any HTTP client: which URL and
// method the next hop uses, whether the body goes with it, and the redirect
// chain that decides its SameSite context (http_cookies.h). A client that
// follows redirects itself (as it must, to store each hop's cookies before the
// next hop) asks this object what to send next.
//
// The rules (WHATWG Fetch, "HTTP-redirect fetch"; RFC 9110 §15.4):
//   - 301, 302, 303, 307 and 308 with a Location are followed; other
//     statuses, or a redirect without Location, end the chain;
//   - 303 turns any method but HEAD into GET; 301 and 302 turn POST into GET;
//     the body is dropped whenever the method becomes GET. 307 and 308 keep
//     the method and the body;
//   - the Location is resolved against the current URL (its query kept, the
//     fragment dropped) and must be an http or https URL;
//   - the previous URL joins the redirect chain: a cross-site hop anywhere in
//     it makes later hops cross-site (SameSite=Strict cookies are not sent
//     after A -> B -> A);
//   - at most `max_redirects` redirects (browsers: 20).
//
// Example:
//   RedirectFollower follower(CookieRequest{"https://a.example/login"});
//   for (;;) {
//     absl::StatusOr<ResolvedRequest> hop = cookies.Resolve(follower.request());
//     if (!hop.ok()) return hop.status();
//     ... send hop->request().method to hop->url() (with the body if
//     ... follower.keeps_body()) and cookies.CookieHeader(*hop),
//     ... store the response's cookies with cookies.StoreResponse(*hop, ...)
//     absl::StatusOr<RedirectFollower::Next> next = follower.OnResponse(status, location);
//     if (!next.ok()) return next.status();
//     if (*next == RedirectFollower::Next::kDone) break;
//   }

#ifndef COOKIEJAR_REDIRECT_FOLLOWER_H_
#define COOKIEJAR_REDIRECT_FOLLOWER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "cookiejar/http_cookies.h"

namespace cookiejar {

class RedirectFollower {
 public:
  explicit RedirectFollower(CookieRequest first, int max_redirects = 20);

  // The hop to send now.
  const CookieRequest& request() const { return request_; }
  // Whether this hop sends the original request body.
  bool keeps_body() const { return keeps_body_; }
  // Redirects followed so far.
  int redirects() const { return redirects_; }

  // Whether `status` is a redirect that is followed when it has a Location.
  static bool IsRedirect(int status);

  enum class Next {
    kDone,    // Not a redirect to follow: the response is the final one.
    kFollow,  // request() is now the next hop.
  };
  // Called with each response to request(). Errors: a Location that is not
  // an http(s) URL once resolved (InvalidArgument), or one redirect more than
  // `max_redirects` (ResourceExhausted); the chain stops there.
  absl::StatusOr<Next> OnResponse(int status, std::string_view location);

 private:
  CookieRequest request_;
  const int max_redirects_;
  int redirects_ = 0;
  bool keeps_body_ = true;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_REDIRECT_FOLLOWER_H_
