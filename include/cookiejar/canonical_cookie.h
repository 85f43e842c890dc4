// A cookie as the jar stores it: validated for the URL that set it, with its
// domain canonical, its path and expiry decided, and its flags checked
// (RFC 6265bis §5.7 "storage model", with Chromium's choices where the draft
// leaves room). Creating one is where a Set-Cookie line meets its URL:
//
//   - Domain: the attribute (one leading dot dropped, canonicalized like a
//     host, IDNA included unless the rules refuse non-ASCII) must domain-match the request host and must not be
//     a public suffix, unless it equals the host, which then gets a host-only
//     cookie; IP-address hosts take only host-only cookies (a Domain equal to
//     the address is allowed). An empty or missing Domain means host-only.
//   - Path: the attribute if it starts with '/', else the default path: the
//     request path up to, not including, its last '/' ("/" if none).
//   - Expiry: a valid Max-Age wins over Expires; Max-Age <= 0 is already
//     expired; Expires moves by the difference between now and the
//     response's Date, when there is one (the server's clock skew, as both
//     browsers correct it); either is capped at creation + max_expiry_age
//     (400 days by default). Neither means a session cookie.
//     CookieSyntaxRules::dates says how both are read.
//   - Secure only from a potentially trustworthy URL (https, wss, localhost,
//     loopback); HttpOnly never from the script API.
//   - Prefixes, case-insensitive: __Secure- needs Secure; __Host- also needs
//     host-only, no Domain attribute (unless the host is an IP address equal
//     to it) and Path=/ (an explicit attribute, by CookiePrefixRules);
//     __Http- needs Secure and HttpOnly; __Host-Http- both. A nameless
//     cookie whose value starts with a prefix is refused.
//   - SameSite: None needs Secure (unless the policy is legacy); a cross-site
//     subresource or script cannot set a Strict, Lax or Lax-by-default cookie.
//   - Partitioned needs Secure; the cookie takes the request's partition.

#ifndef COOKIEJAR_CANONICAL_COOKIE_H_
#define COOKIEJAR_CANONICAL_COOKIE_H_

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "cookiejar/cookie_constants.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/cookie_options.h"
#include "cookiejar/cookie_partition_key.h"
#include "cookiejar/parsed_cookie.h"
#include "cookiejar/same_site.h"
#include "cookiejar/url.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {

// How the name prefixes (RFC 6265bis §4.1.3 and the __Http- drafts) are
// checked where browsers differ. The defaults are Chromium's.
struct CookiePrefixRules {
  // __Host- needs an explicit "Path=/" attribute (Chromium), not just a
  // default path of "/" (Firefox).
  bool host_needs_path_attribute = true;
};

// What decides which cookies a request may set and receive, computed once per
// request by the jar from its CookieOptions and the jar's policies.
struct CookieAccessContext {
  CookieApi api = CookieApi::kHttp;
  SameSiteContext same_site = SameSiteContext::kStrict;
  SameSitePolicy same_site_policy;
  // The browser's rules for Expires, Max-Age and Domain, and its prefixes.
  CookieSyntaxRules syntax;
  CookiePrefixRules prefixes;
  // The request's partition. Not owned; may be null when no partitioned
  // cookie is involved.
  const CookiePartitionKey* partition_key = nullptr;
  // Every cookie set goes into `partition_key`, Partitioned or not (Firefox's
  // Total Cookie Protection, in a third-party context).
  bool partition_everything = false;
  // The response's Date header (CookieOptions::server_date), read only when
  // an Expires date needs correcting. Not owned.
  std::string_view server_date;
};

struct CanonicalCookie {
  std::string name;
  std::string value;
  // Canonical host, without a leading dot. For a host-only cookie, the host
  // that set it; otherwise the domain it applies to, subdomains included.
  std::string domain;
  std::string path;

  absl::Time creation;
  // absl::InfiniteFuture() for a session cookie.
  absl::Time expiry = absl::InfiniteFuture();
  absl::Time last_access;

  bool host_only = true;
  bool secure = false;
  bool http_only = false;
  CookieSameSite same_site = CookieSameSite::kUnspecified;
  CookiePriority priority = CookiePriority::kMedium;
  CookieSourceScheme source_scheme = CookieSourceScheme::kNonSecure;
  // Set for a Partitioned cookie: the only partition it lives in.
  std::optional<CookiePartitionKey> partition_key;

  // A persistent cookie has an expiry; a session cookie lives until the
  // session ends (CookieJar::EndSession).
  bool IsPersistent() const { return expiry != absl::InfiniteFuture(); }
  bool IsExpired(absl::Time now) const { return expiry <= now; }

  // Validates `parsed`, received from `url` at `now` in `context`. On
  // success fills `*out` (creation and last access = now) and returns an
  // include status; otherwise returns every reason that applies.
  static CookieInclusionStatus Create(const ParsedCookie& parsed, const Url& url,
                                      absl::Time now, const CookieAccessContext& context,
                                      const PublicSuffixList& public_suffix_list,
                                      absl::Duration max_expiry_age, CanonicalCookie* out);

  // Whether this cookie goes with a request to `url` at `now` in `context`
  // (RFC 6265bis §5.8.3): host-only cookies to their exact host, others to
  // the domain and its subdomains; the path must path-match; Secure only to
  // potentially trustworthy URLs; HttpOnly only to HTTP; SameSite by the
  // request's context; partitioned ones only in their partition; never once
  // expired.
  CookieInclusionStatus IncludeForRequest(const Url& url, absl::Time now,
                                          const CookieAccessContext& context) const;

  // The SameSite value in force: kUnspecified counts as Lax or None by the
  // policy.
  CookieSameSite EffectiveSameSite(const SameSitePolicy& policy) const;

  // Same name, domain, host-only flag, path and partition: one replaces the
  // other (RFC 6265bis §5.7 step 22).
  bool HasSameKey(const CanonicalCookie& other) const;

  // "name=value; Domain=...; Path=...; ..." for logs and tests.
  std::string DebugString() const;
};

// RFC 6265bis §5.1.3: `host` domain-matches `domain` when they are equal or
// `host` ends with "." + `domain` and is not an IP address. Both canonical.
bool DomainMatches(std::string_view host, std::string_view domain);

// RFC 6265bis §5.1.4: `request_path` path-matches `cookie_path`.
bool PathMatches(std::string_view request_path, std::string_view cookie_path);

// RFC 6265bis §5.1.4 default-path of a request path.
std::string_view DefaultPath(std::string_view request_path);

}  // namespace cookiejar

#endif  // COOKIEJAR_CANONICAL_COOKIE_H_
