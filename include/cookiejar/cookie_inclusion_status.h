// Why a cookie was not stored, or not sent: every refusal has a named reason,
// as Chromium's CookieInclusionStatus does, so callers, tests and the CLI's
// `explain` can say exactly what happened. Several reasons can apply at once.
//
// Example:
//   CookieInclusionStatus status = jar.SetCookie("http://example.com/", "a=b; Secure");
//   if (!status.IsInclude()) std::cerr << status.ToString();  // "secure_only"

#ifndef COOKIEJAR_COOKIE_INCLUSION_STATUS_H_
#define COOKIEJAR_COOKIE_INCLUSION_STATUS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace cookiejar {

enum class CookieExclusionReason : uint8_t {
  // The request URL is not an absolute http, https, ws or wss URL.
  kInvalidUrl,
  // The Set-Cookie line has a control character other than tab (RFC 6265bis
  // §5.6 step 1), or a tab inside a name, value or attribute where the jar's
  // browser refuses it (Chromium), or a bare CR where it refuses that
  // (Firefox).
  kControlCharacter,
  // Both name and value are empty.
  kNoCookieContent,
  // Name and value together exceed 4096 bytes.
  kNameValueTooLong,
  // The Domain attribute is not a valid host name.
  kInvalidDomain,
  // The Domain attribute does not domain-match the request host, or names a
  // parent above the host's registrable domain, another site (for a cookie
  // being set); or the request host does not match the cookie (when sending).
  kDomainMismatch,
  // The Domain attribute is a public suffix ("com", "co.uk", "github.io").
  kDomainIsPublicSuffix,
  // A Secure cookie from, or for, an origin that is not secure (https, wss or
  // localhost).
  kSecureOnly,
  // An HttpOnly cookie set through, or hidden from, the script API.
  kHttpOnly,
  // The name (or a nameless cookie's value) starts with __Secure-, __Host-,
  // __Http- or __Host-Http- without meeting that prefix's rules.
  kInvalidPrefix,
  // An origin that is not secure tried to set, overwrite or delete a cookie
  // that shadows an existing Secure cookie ("leave secure cookies alone").
  kOverwriteSecure,
  // The script API tried to overwrite or delete an HttpOnly cookie.
  kOverwriteHttpOnly,
  // (Sending) the request path does not path-match the cookie's path.
  kNotOnPath,
  // (Sending) the cookie has expired.
  kExpired,
  // SameSite=None without Secure.
  kSameSiteNoneInsecure,
  // A SameSite=Strict cookie in a request that is not same-site, or set from
  // a cross-site subresource.
  kSameSiteStrict,
  // A SameSite=Lax cookie in a cross-site request other than a top-level
  // navigation with a safe method, or set from a cross-site subresource.
  kSameSiteLax,
  // The same for a cookie without SameSite, treated as Lax by default.
  kSameSiteUnspecifiedTreatedAsLax,
  // A Partitioned cookie without Secure.
  kInvalidPartitioned,
  // (Sending) a partitioned cookie of another partition.
  kPartitionMismatch,
  // The jar's access policy (third-party blocking, site exceptions) refuses
  // cookies for this request.
  kUserPreferences,
  // The site is full and no cookie may be evicted for this one (Firefox
  // refuses a non-secure cookie when only Secure ones could make room).
  kSiteCookieLimit,
  // (Imported cookies) the name or value is not what a Set-Cookie line can
  // produce: leading or trailing space or tab, a ';', or an '=' in the name.
  kInvalidNameOrValue,
  // (Imported cookies) the path does not start with '/', is longer than 1024
  // bytes, or holds a control character or ';'.
  kInvalidPath,
  // The name is empty and the jar's browser refuses nameless cookies
  // (Firefox).
  kEmptyName,
  // (Add new reasons here: the C API numbers them by position.)
  kNumReasons,
};

class CookieInclusionStatus {
 public:
  CookieInclusionStatus() = default;
  explicit CookieInclusionStatus(CookieExclusionReason reason) { Add(reason); }

  bool IsInclude() const { return reasons_ == 0; }
  bool Has(CookieExclusionReason reason) const { return (reasons_ & Bit(reason)) != 0; }
  // True when `reason` is the only reason.
  bool HasOnly(CookieExclusionReason reason) const { return reasons_ == Bit(reason); }
  void Add(CookieExclusionReason reason) { reasons_ |= Bit(reason); }
  void Remove(CookieExclusionReason reason) { reasons_ &= ~Bit(reason); }

  // "include", or the reason names joined by ", ".
  std::string ToString() const;

  bool operator==(const CookieInclusionStatus& other) const {
    return reasons_ == other.reasons_;
  }
  bool operator!=(const CookieInclusionStatus& other) const { return !(*this == other); }

 private:
  static uint32_t Bit(CookieExclusionReason reason) {
    return uint32_t{1} << static_cast<int>(reason);
  }
  uint32_t reasons_ = 0;
};
static_assert(static_cast<int>(CookieExclusionReason::kNumReasons) <= 32,
              "reasons fit in the bit set");

// A short stable name ("secure_only"), for logs and tests.
std::string_view ExclusionReasonName(CookieExclusionReason reason);
// One sentence for people ("the cookie is Secure and the URL is not https").
std::string_view ExclusionReasonDescription(CookieExclusionReason reason);

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_INCLUSION_STATUS_H_
