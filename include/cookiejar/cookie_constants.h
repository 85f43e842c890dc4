// Values a cookie's attributes can take, and the size limits of RFC 6265bis
// that every browser's rules share.

#ifndef COOKIEJAR_COOKIE_CONSTANTS_H_
#define COOKIEJAR_COOKIE_CONSTANTS_H_

#include <cstddef>
#include <string_view>

namespace cookiejar {

// The SameSite attribute (RFC 6265bis §5.6.7). kUnspecified covers a missing
// attribute and any value other than Strict, Lax or None.
enum class CookieSameSite { kUnspecified, kNoRestriction, kLax, kStrict };

// The Priority attribute (a Chromium extension used by eviction). A missing
// or unknown value means kMedium.
enum class CookiePriority { kLow, kMedium, kHigh };

// Whether the cookie was set from a cryptographic scheme (https, wss).
enum class CookieSourceScheme { kNonSecure, kSecure };

std::string_view SameSiteName(CookieSameSite same_site);
std::string_view PriorityName(CookiePriority priority);

// RFC 6265bis §5.6: a cookie whose name and value together exceed this many
// bytes is ignored (the default of CookieLimits::max_name_value_bytes).
inline constexpr size_t kMaxNameValueBytes = 4096;
// RFC 6265bis §5.6: an attribute whose value exceeds this many bytes is ignored
// (the rest of the cookie is kept).
inline constexpr size_t kMaxAttributeValueBytes = 1024;

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_CONSTANTS_H_
