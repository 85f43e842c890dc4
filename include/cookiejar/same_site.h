// Sites and the SameSite rules (RFC 6265bis §5.2, §5.6.7, §5.7, §5.8.3).
//
// Two URLs are same-site when their registrable domains (or hosts, when they
// have none) are equal and, with schemeful same-site, both are secure
// (https, wss) or both are not. A request's SameSite context follows from its
// CookieOptions (cookie_options.h):
//   - a top-level navigation started by the user or a same-site page: strict;
//     started by a cross-site page: lax for safe methods (GET, HEAD, OPTIONS,
//     TRACE), lax-method-unsafe otherwise;
//   - any other request: cross-site when the top-level site or a frame
//     between it and the request (CookieOptions::frame_ancestors) differs
//     from the request's site, or the initiator is cross-site; else strict.
// With no browsing context at all (no top-level URL, no initiator) a request
// is strict, which is what a plain HTTP client wants.

#ifndef COOKIEJAR_SAME_SITE_H_
#define COOKIEJAR_SAME_SITE_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "cookiejar/cookie_options.h"
#include "cookiejar/url.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {

// Ordered from least to most permissive.
enum class SameSiteContext {
  kCrossSite,        // Only SameSite=None cookies.
  kLaxMethodUnsafe,  // Cross-site top-level navigation with an unsafe method.
  kLax,              // Cross-site top-level navigation with a safe method.
  kStrict,           // Same-site: every cookie.
};

std::string_view SameSiteContextName(SameSiteContext context);

struct SameSitePolicy {
  // A cookie without a valid SameSite attribute is treated as Lax (Chromium
  // since 2020). Off: treated as None.
  bool lax_by_default = true;
  // SameSite=None is refused without Secure.
  bool none_requires_secure = true;
  // Scheme is part of the site: http://a.com and https://a.com are cross-site.
  bool schemeful = true;
  // Chromium's "Lax allowing unsafe": a cookie treated as Lax by default is
  // still sent on a cross-site top-level POST while younger than
  // `lax_allowing_unsafe_max_age`. Off by default, as in Chromium today.
  bool lax_allowing_unsafe = false;
  absl::Duration lax_allowing_unsafe_max_age = absl::Minutes(2);
  // A redirect chain with a hop cross-site to the request's site makes the
  // request cross-site for the cookies it sends (RFC 6265bis §5.2.1
  // recommends it; Firefox does it). Chromium 156 does not (recorded: an
  // A -> B -> A navigation sends A's Strict cookies on the last hop).
  // Neither browser weighs the chain for the cookies a response sets.
  bool redirect_chain = false;

  static SameSitePolicy Default() { return SameSitePolicy(); }
  // Pre-2020 browser behaviour: no Lax by default, None without Secure
  // allowed, schemeless sites.
  static SameSitePolicy Legacy() {
    SameSitePolicy policy;
    policy.lax_by_default = false;
    policy.none_requires_secure = false;
    policy.schemeful = false;
    return policy;
  }
};

// The registrable domain of `url`'s host, or the host when it has none.
std::string_view RegistrableDomainOrHost(const Url& url, const PublicSuffixList& psl);

// Whether `a` and `b` are same-site.
bool IsSameSite(const Url& a, const Url& b, const PublicSuffixList& psl, bool schemeful);

// The SameSite context of a request to `url` described by `options`; with
// `consider_redirect_chain`, a cross-site hop in options.redirect_chain makes
// it cross-site.
SameSiteContext ComputeSameSiteContext(const Url& url, const CookieOptions& options,
                                       const PublicSuffixList& psl, bool schemeful,
                                       bool consider_redirect_chain = false);

// Whether the request is third-party: a subresource or frame whose top-level
// site differs from its own, or made under a frame cross-site to the top
// level. Top-level navigations never are.
bool IsThirdParty(const Url& url, const CookieOptions& options, const PublicSuffixList& psl,
                  bool schemeful);

// Whether a frame of options.frame_ancestors is cross-site to `site_of`.
bool HasCrossSiteFrame(const Url& site_of, const CookieOptions& options,
                       const PublicSuffixList& psl, bool schemeful);

}  // namespace cookiejar

#endif  // COOKIEJAR_SAME_SITE_H_
