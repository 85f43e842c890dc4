// A cookie validated for its URL (CanonicalCookie::Create's rules) but not
// yet owned: its strings are views into the Set-Cookie line, the URL, or the
// draft itself. The jar stores a draft directly, so that ingesting a
// Set-Cookie header copies each byte once.

#ifndef COOKIEJAR_JAR_INTERNAL_COOKIE_DRAFT_H_
#define COOKIEJAR_JAR_INTERNAL_COOKIE_DRAFT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/micros.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/url.h"
#include "jar/internal/cookie_line.h"

namespace cookiejar {
namespace jar_internal {

// What DraftCookie reads of the URL of the response that sets a cookie, so
// that a URL the fast parser took is read where the caller wrote it.
struct SetterUrl {
  std::string_view host;
  HostKind host_kind = HostKind::kDomain;
  std::string_view path;
  bool cryptographic = false;  // Url::IsCryptographic.
  bool trustworthy = false;    // Url::IsPotentiallyTrustworthy.

  static SetterUrl Of(const Url& url) {
    return {url.host(), url.host_kind(), url.path(), url.IsCryptographic(),
            url.IsPotentiallyTrustworthy()};
  }
};

struct CookieDraft {
  CookieDraft() = default;
  // Views may point into the draft itself.
  CookieDraft(const CookieDraft&) = delete;
  CookieDraft& operator=(const CookieDraft&) = delete;

  std::string_view name;
  std::string_view value;
  std::string_view domain;
  std::string_view path;
  // The site key: registrable domain of `domain`, or `domain` itself when it
  // has none.
  std::string_view site;
  // SiteHash(site), when the site came from the site cache.
  std::optional<size_t> site_hash;
  // Backs `domain` when it had to be rewritten. Engaged only then: an empty
  // std::string's destructor is still a call into libstdc++, on every
  // Set-Cookie.
  std::optional<std::string> domain_storage;

  // Microseconds since the epoch, micros::kNeverUs for a session cookie
  // (common/micros.h): the jar's unit, so that storing converts nothing.
  int64_t expiry_us = micros::kNeverUs;
  bool host_only = true;
  bool secure = false;
  bool http_only = false;
  bool partitioned = false;  // The partition is the access context's.
  CookieSameSite same_site = CookieSameSite::kUnspecified;
  CookiePriority priority = CookiePriority::kMedium;
  CookieSourceScheme source_scheme = CookieSourceScheme::kNonSecure;
};

// CanonicalCookie::Create's validation, into a draft. `parsed` (and so the
// line it points into) and `url`'s views must outlive `*out`. Times are
// microseconds (common/micros.h): `now_us` finite, `max_expiry_us` possibly
// micros::kNeverUs (no cap).
CookieInclusionStatus DraftCookie(const CookieLine& parsed, const SetterUrl& url,
                                  int64_t now_us, const CookieAccessContext& context,
                                  const PublicSuffixList& public_suffix_list,
                                  int64_t max_expiry_us, CookieDraft* out);

// Checks a cookie that was stored before (a cookie file, a database) and
// drafts it for storing again: name and value as the browser's `syntax`
// reads them, well-formed domain, no public suffix as a domain, prefix rules.
// Its path defaults to "/" when it has none.
CookieInclusionStatus DraftFromCanonical(const CanonicalCookie& cookie,
                                         const PublicSuffixList& psl,
                                         const CookieSyntaxRules& syntax,
                                         const CookiePrefixRules& prefixes,
                                         size_t max_name_value_bytes, CookieDraft* out);

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_COOKIE_DRAFT_H_
