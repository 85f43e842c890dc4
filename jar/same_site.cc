#include "cookiejar/same_site.h"

#include "absl/strings/match.h"
#include "common/absl_view.h"
#include "jar/internal/site_cache.h"

namespace cookiejar {
namespace {

bool IsSafeMethod(std::string_view method) {
  for (std::string_view safe : {"GET", "HEAD", "OPTIONS", "TRACE"}) {
    if (absl::EqualsIgnoreCase(AbslView(method), AbslView(safe))) return true;
  }
  return false;
}

}  // namespace

bool HasCrossSiteFrame(const Url& site_of, const CookieOptions& options,
                       const PublicSuffixList& psl, bool schemeful) {
  if (options.top_level_navigation || options.frame_ancestors == nullptr) return false;
  for (const Url& frame : *options.frame_ancestors) {
    if (!IsSameSite(frame, site_of, psl, schemeful)) return true;
  }
  return false;
}

std::string_view SameSiteContextName(SameSiteContext context) {
  switch (context) {
    case SameSiteContext::kCrossSite: return "cross-site";
    case SameSiteContext::kLaxMethodUnsafe: return "lax-method-unsafe";
    case SameSiteContext::kLax: return "lax";
    case SameSiteContext::kStrict: return "strict";
  }
  return "cross-site";
}

std::string_view RegistrableDomainOrHost(const Url& url, const PublicSuffixList& psl) {
  // The jar's per-thread cache of hosts it has seen: a request's sites are
  // the hosts its lookups just asked about.
  return jar_internal::LookupSite(psl, url.host()).key;
}

bool IsSameSite(const Url& a, const Url& b, const PublicSuffixList& psl, bool schemeful) {
  if (schemeful && a.IsCryptographic() != b.IsCryptographic()) return false;
  return RegistrableDomainOrHost(a, psl) == RegistrableDomainOrHost(b, psl);
}

SameSiteContext ComputeSameSiteContext(const Url& url, const CookieOptions& options,
                                       const PublicSuffixList& psl, bool schemeful,
                                       bool consider_redirect_chain) {
  bool initiator_same_site =
      options.initiator == nullptr || IsSameSite(*options.initiator, url, psl, schemeful);
  if (consider_redirect_chain && options.redirect_chain != nullptr &&
      !options.redirect_chain->empty()) {
    // The site the chain is compared with: the top-level page's for a
    // subresource, the navigation's own otherwise (Chromium's
    // site_for_cookies).
    const Url& site_for_cookies = options.top_level_navigation || options.top_level_url == nullptr
                                      ? url
                                      : *options.top_level_url;
    for (const Url& hop : *options.redirect_chain) {
      if (!IsSameSite(hop, site_for_cookies, psl, schemeful)) initiator_same_site = false;
    }
  }
  if (options.top_level_navigation) {
    if (initiator_same_site) return SameSiteContext::kStrict;
    return IsSafeMethod(options.method) ? SameSiteContext::kLax
                                        : SameSiteContext::kLaxMethodUnsafe;
  }
  // A frame cross-site to the request (or, the same thing here, to a
  // same-site top level) makes the whole chain cross-site: A -> B-frame -> A
  // is not a same-site request to A.
  if (options.top_level_url != nullptr &&
      (!IsSameSite(*options.top_level_url, url, psl, schemeful) ||
       HasCrossSiteFrame(url, options, psl, schemeful))) {
    return SameSiteContext::kCrossSite;
  }
  return initiator_same_site ? SameSiteContext::kStrict : SameSiteContext::kCrossSite;
}

bool IsThirdParty(const Url& url, const CookieOptions& options, const PublicSuffixList& psl,
                  bool schemeful) {
  if (options.top_level_navigation || options.top_level_url == nullptr) return false;
  return !IsSameSite(*options.top_level_url, url, psl, schemeful) ||
         HasCrossSiteFrame(*options.top_level_url, options, psl, schemeful);
}

}  // namespace cookiejar
