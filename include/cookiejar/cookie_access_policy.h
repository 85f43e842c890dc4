// Which cookies a jar accepts and sends at all, before any cookie rule: the
// browser's "block third-party cookies" setting and its per-site exceptions.
//
// Example:
//   CookieAccessPolicy policy;
//   policy.accept = CookieAcceptPolicy::kBlockThirdParty;
//   policy.site_exceptions["trusted-widgets.example"] = SiteException::kAllow;
//   jar.SetAccessPolicy(policy);

#ifndef COOKIEJAR_COOKIE_ACCESS_POLICY_H_
#define COOKIEJAR_COOKIE_ACCESS_POLICY_H_

#include <string>

#include "absl/container/flat_hash_map.h"

namespace cookiejar {

enum class CookieAcceptPolicy {
  kAllowAll,
  // No cookies in third-party requests (cookie_options.h: a request whose
  // top-level site differs from its own), neither set nor sent. Partitioned
  // cookies are still allowed, as in Chromium: they cannot track across sites.
  kBlockThirdParty,
  // No cookies at all.
  kBlockAll,
  // Third-party requests get a cookie jar of their own per top-level site
  // (Firefox's Total Cookie Protection): in a third-party context, cookies
  // are set into and read from the partition of the top-level site, whether
  // or not they say Partitioned; the site's first-party cookies are not
  // sent there.
  kPartitionThirdParty,
};

enum class SiteException { kAllow, kBlock };

struct CookieAccessPolicy {
  CookieAcceptPolicy accept = CookieAcceptPolicy::kAllowAll;
  // Keyed by the site (registrable domain, or host when it has none) of the
  // URL the cookie is set from or sent to; overrides `accept` for it.
  absl::flat_hash_map<std::string, SiteException> site_exceptions;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_ACCESS_POLICY_H_
