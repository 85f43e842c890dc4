// One request as the cookie rules see it, in two states:
//   - CookieRequest: what a front-end knows, as strings (the URL, the
//     top-level page, the initiator, the frames, the redirect chain, the
//     method, HTTP or script). Plain data: build it, copy it, change it.
//   - ResolvedRequest: the same request resolved by a jar (CookieJar::
//     Resolve): every URL parsed once, and the decisions that depend on the
//     jar's rules made once — the SameSite context of the cookies it sends
//     and of those its response sets, whether it is third-party, and its
//     partition. Immutable; every get, set and explanation of that request
//     uses these decisions instead of making them again.
//
// Why the jar resolves (rather than the request deciding alone): the
// decisions follow the jar's rules (schemeful sites, whether the redirect
// chain counts, which ancestors mark a partition, the Public Suffix List).
// A ResolvedRequest remembers the rules it was resolved by; handed to a jar
// whose rules differ in any of these, that jar decides again from the parsed
// URLs (the same result as resolving with it, at the cost of the decisions).
//
// CookieOptions (cookie_options.h) is the borrowed view of the same context
// for the hot path, where the caller parsed the URLs itself; a
// ResolvedRequest's options() is such a view into it.
//
// Example, an image of cdn.example embedded in a page of news.example:
//   CookieJar jar;
//   CookieRequest request("https://cdn.example/pixel.gif");
//   request.context.top_level_navigation = false;
//   request.context.top_level_url = "https://news.example/";
//   absl::StatusOr<ResolvedRequest> resolved = jar.Resolve(request);
//   if (!resolved.ok()) return resolved.status();  // a URL does not parse
//   // resolved->same_site_for_sending() == SameSiteContext::kCrossSite
//   // resolved->third_party() == true
//   // resolved->partition().ToString()
//   //     == "https://news.example (cross-site ancestor)"
//   jar.SetCookie(*resolved, "id=1; Secure; SameSite=None; Partitioned");
//   std::string header = jar.GetCookieHeader(*resolved);  // "id=1"
//
// Thread-safe: a ResolvedRequest is immutable, and copies share its state.

#ifndef COOKIEJAR_COOKIE_REQUEST_H_
#define COOKIEJAR_COOKIE_REQUEST_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cookiejar/cookie_options.h"
#include "cookiejar/cookie_partition_key.h"
#include "cookiejar/same_site.h"
#include "cookiejar/url.h"

namespace cookiejar {

namespace jar_internal {
struct ResolvedState;
class ResolvedRequestAccess;
}  // namespace jar_internal

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

// One request, as strings.
struct CookieRequest {
  CookieRequest() = default;
  explicit CookieRequest(std::string request_url) : url(std::move(request_url)) {}

  // The absolute URL requested (the query does not matter to cookies).
  std::string url;
  std::string method = "GET";
  RequestContext context;
  // The earlier URLs of this request's redirect chain, oldest first
  // (RedirectFollower keeps it): a cross-site hop makes the request
  // cross-site, as in browsers (when the rules weigh the chain).
  std::vector<std::string> redirect_chain;
  // HTTP headers, or the script API (document.cookie: no HttpOnly cookies).
  CookieApi api = CookieApi::kHttp;
};

// A CookieRequest resolved by a jar's rules (CookieJar::Resolve).
class ResolvedRequest {
 public:
  ResolvedRequest(const ResolvedRequest&) = default;
  ResolvedRequest& operator=(const ResolvedRequest&) = default;
  ResolvedRequest(ResolvedRequest&&) = default;
  ResolvedRequest& operator=(ResolvedRequest&&) = default;

  // The description it was resolved from.
  const CookieRequest& request() const;
  // The request's URL, parsed.
  const Url& url() const;
  // The context as the borrowed view the URL-taking calls of CookieJar
  // accept, pointing into this object (valid while a copy of it lives).
  const CookieOptions& options() const;

  // The SameSite context of the cookies the request sends.
  SameSiteContext same_site_for_sending() const;
  // The SameSite context of the cookies its response sets. Differs from the
  // above only when the rules weigh the redirect chain, which browsers do
  // only for what they send (SameSitePolicy::redirect_chain).
  SameSiteContext same_site_for_setting() const;
  // A subresource or frame whose top-level site differs from its own, or
  // made under a frame cross-site to the top level (same_site.h).
  bool third_party() const;
  // The partition its partitioned cookies are kept and sent in.
  const CookiePartitionKey& partition() const;

  // The decisions for people: "cross-site, third-party, partition
  // https://news.example (cross-site ancestor)".
  std::string ToString() const;

 private:
  friend class jar_internal::ResolvedRequestAccess;
  explicit ResolvedRequest(std::shared_ptr<const jar_internal::ResolvedState> state)
      : state_(std::move(state)) {}

  std::shared_ptr<const jar_internal::ResolvedState> state_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_REQUEST_H_
