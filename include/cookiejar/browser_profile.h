// A browser, as far as cookies go: everything in which real browsers differ
// (how a Set-Cookie line is read, which dates parse, SameSite defaults,
// prefixes, Priority, overwrites, eviction, third-party cookies, the expiry
// cap), as one named object chosen when a jar is made.
//
//   BrowserProfile::Chromium()        Chromium 156 as Debian ships it
//   BrowserProfile::Firefox()         Firefox ESR 153 as Debian ships it
//   BrowserProfile::Rfc6265Minimum()  Chromium's rules with RFC 6265's
//                                     minimum limits (20 a site, 300 in all)
//   BrowserProfile::Unlimited()       Chromium's rules without limits or
//                                     expiry cap, for tools that must keep
//                                     everything
//
// Every jar runs the same pipeline (parsed_cookie.h -> canonical_cookie.h ->
// cookie_jar.h); a profile switches rules at the points where browsers
// really differ, each switch one named field below. docs/compliance.md
// lists each with the recordings of the real browsers that decide it.
//
// Example:
//   CookieJarOptions options;
//   options.profile = BrowserProfile::Firefox();
//   CookieJar jar(options);

#ifndef COOKIEJAR_BROWSER_PROFILE_H_
#define COOKIEJAR_BROWSER_PROFILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "cookiejar/cookie_access_policy.h"
#include "cookiejar/cookie_limits.h"
#include "cookiejar/same_site.h"

namespace cookiejar {

// How the Set-Cookie line is read (parsed_cookie.h).
struct CookieSyntaxRules {
  // A pair without '=' ("Set-Cookie: v"). RFC 6265bis and Chromium: a
  // nameless cookie, value "v", sent as "v". Firefox: name "v", empty value,
  // sent as "v=".
  enum class BareToken { kValue, kName };
  BareToken bare_token = BareToken::kValue;
  // An empty name before '=' ("=v", "=a=b"). Chromium: a nameless cookie
  // (value "v", "a=b"). Firefox: refused.
  bool allow_empty_name = true;
  // A tab inside a name, a value or an attribute (tabs around a name or
  // value are trimmed in all browsers). Chromium: the cookie is refused.
  // Firefox and RFC 6265bis: kept.
  bool reject_tab = true;
  // A bare CR in the line. Chromium: the header line ends there (what
  // follows is not part of the cookie). Firefox: the whole line is dropped.
  enum class BareCr { kEndsLine, kDropsLine };
  BareCr bare_cr = BareCr::kEndsLine;
  // Bytes that are not UTF-8 in a name or value. Chromium: kept as bytes.
  // Firefox: each replaced by U+FFFD.
  bool replace_invalid_utf8 = false;
  // A Domain attribute with non-ASCII characters. Chromium: converted with
  // IDNA. Firefox: the cookie is refused.
  bool allow_unicode_domain = true;
  // The Priority attribute (Chromium's). Firefox ignores it.
  bool priority = true;
  // Which algorithm reads Expires (cookie_date.h).
  enum class Dates {
    kRfc6265bis,  // RFC 6265bis §5.1.1, as Chromium (years before 1601 fail).
    kFirefox,     // Firefox's lenient date parser (PR_ParseTimeString).
  };
  Dates dates = Dates::kRfc6265bis;
};

// Which name prefixes are enforced (RFC 6265bis §4.1.3 and the __Http-
// drafts).
struct CookiePrefixRules {
  // __Http- and __Host-Http- (Secure and HttpOnly). Chromium: enforced.
  // Firefox does not know them (a __Host-Http- name meets the __Host- rules
  // only).
  bool http_prefixes = true;
  // __Host- needs an explicit "Path=/" attribute (Chromium), not just a
  // default path of "/" (Firefox).
  bool host_needs_path_attribute = true;
  // A nameless cookie whose value starts with a prefix is refused
  // (Chromium; it would be sent as if it had that name).
  bool check_nameless_values = true;
};

struct BrowserProfile {
  // "chromium", "firefox", "rfc6265-minimum", "unlimited".
  std::string name = "chromium";

  CookieSyntaxRules syntax;
  CookiePrefixRules prefixes;

  // An overwrite with a changed value: Chromium gives the cookie a new
  // creation time (so it moves after older cookies of its path length in
  // the header); Firefox keeps the old one. Both keep it when the value is
  // unchanged.
  bool overwrite_keeps_creation = false;

  // SameSite defaults, schemefulness, Lax allowing unsafe (same_site.h).
  SameSitePolicy same_site;

  // What the browser does with third-party cookies out of the box (a jar
  // may change it with CookieJar::SetAccessPolicy).
  CookieAccessPolicy access_policy;

  // How many cookies are kept, which are evicted first, and the expiry cap.
  CookieLimits limits;

  static BrowserProfile Chromium();
  static BrowserProfile Firefox();
  static BrowserProfile Rfc6265Minimum();
  static BrowserProfile Unlimited();
  // The profile called `name` (as above), or nullopt.
  static std::optional<BrowserProfile> Named(std::string_view name);
};

}  // namespace cookiejar

#endif  // COOKIEJAR_BROWSER_PROFILE_H_
