// A browser, as far as cookies go: everything in which real browsers differ
// (how a Set-Cookie line is read, which dates parse, SameSite defaults,
// prefixes, Priority, overwrites, eviction, third-party cookies, the expiry
// cap), as one named object chosen when a jar is made.
//
//   BrowserRules::Chromium()        Chromium 156 as Debian ships it
//   BrowserRules::Firefox()         Firefox ESR 153 as Debian ships it
//   BrowserRules::Rfc6265Minimum()  Chromium's rules with RFC 6265's
//                                     minimum limits (20 a site, 300 in all)
//   BrowserRules::Unlimited()       Chromium's rules without limits or
//                                     expiry cap, for tools that must keep
//                                     everything
//
// Every jar runs the same pipeline (parsed_cookie.h -> canonical_cookie.h ->
// cookie_jar.h); the rules switch at the points where browsers really
// differ, each switch one named field below. docs/compliance.md
// lists each with the recordings of the real browsers that decide it.
//
// Example:
//   CookieJarOptions options;
//   options.rules = BrowserRules::Firefox();
//   CookieJar jar(options);

#ifndef COOKIEJAR_BROWSER_RULES_H_
#define COOKIEJAR_BROWSER_RULES_H_

#include <optional>
#include <string>
#include <string_view>

#include "cookiejar/canonical_cookie.h"
#include "cookiejar/cookie_access_policy.h"
#include "cookiejar/cookie_limits.h"
#include "cookiejar/parsed_cookie.h"
#include "cookiejar/same_site.h"

namespace cookiejar {

struct BrowserRules {
  // "chromium", "firefox", "rfc6265-minimum", "unlimited".
  std::string name = "chromium";

  // How a Set-Cookie line is read (parsed_cookie.h) and which name prefixes
  // are enforced (canonical_cookie.h).
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

  // Which frames give a partition key its cross-site-ancestor bit
  // (cookie_partition_key.h): Chromium counts the request itself, Firefox
  // only the frames above it.
  CookiePartitionKey::Ancestors partition_ancestors =
      CookiePartitionKey::Ancestors::kFramesAndRequest;

  // How many cookies are kept, which are evicted first, and the expiry cap.
  CookieLimits limits;

  static BrowserRules Chromium();
  static BrowserRules Firefox();
  static BrowserRules Rfc6265Minimum();
  static BrowserRules Unlimited();
  // The rules called `name` (as above), or nullopt.
  static std::optional<BrowserRules> Named(std::string_view name);
};

// The name before 2.0, when "profile" meant both these rules and a named
// container of cookies (now only the latter). Removed in 3.0.
using BrowserProfile [[deprecated("BrowserProfile is now called BrowserRules")]] = BrowserRules;

}  // namespace cookiejar

#endif  // COOKIEJAR_BROWSER_RULES_H_
