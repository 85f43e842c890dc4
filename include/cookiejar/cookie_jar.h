// A cookie jar: the cookies of one browser profile (a user's browser). Set-Cookie headers go in
// with the URL that sent them; the Cookie header for any request URL comes
// out, built as a browser would build it. Jars never share cookies; a process
// may hold any number of them (see jar_registry.h).
//
// Example:
//   CookieJar jar;
//   jar.SetCookie("https://bank.example/login", "sessionid=abc; Secure; HttpOnly");
//   absl::StatusOr<std::string> header = jar.GetCookieHeader("https://bank.example/transfer");
//   // *header == "sessionid=abc"
//
// Storage (RFC 6265bis §5.7): a cookie with the same name, domain, host-only
// flag and path as a stored one replaces it; the replacement keeps the old
// creation time (and so its place in the header) when the value is
// unchanged (Chromium) or always (Firefox: BrowserRules's
// overwrite_keeps_creation). An already-expired cookie deletes its match and
// is not stored. An origin that is not secure cannot set a cookie whose name
// matches a stored Secure cookie on an overlapping domain and path ("leave
// secure cookies alone"), and the script API cannot replace an HttpOnly one.
//
// Retrieval (§5.8.3): cookies are ordered longer path first, then earlier
// creation; creation times within a jar are unique and increasing, so cookies
// set in one response keep their order. Expired cookies are never returned.
//
// Every call that takes a request comes in two forms: with a ResolvedRequest
// (cookie_request.h: its URLs parsed and its SameSite context, third-party
// status and partition decided once, by Resolve), which front-ends that hold
// strings use; and with a URL (a string or a parsed Url) and the borrowed
// CookieOptions, the allocation-free hot path.
//
// Browser policies come from CookieJarOptions: the browser rules
// (browser_rules.h: parsing, SameSite, limits and eviction...), partitioned
// cookies (cookie_partition_key.h) and third-party blocking
// (cookie_access_policy.h).
// Every get and set takes the request's context (cookie_options.h).
//
// All methods are thread-safe; lookups of different sites do not contend, and
// lookups of one site share a reader lock. Change listeners are called after
// the jar's locks are released, one change at a time in sequence order (so a
// store that follows the jar never sees an older change after a newer one);
// a change is delivered before the call that made it returns, unless that call
// comes from inside a listener, whose own changes are delivered right after it
// returns. Listeners may call back into the jar.

#ifndef COOKIEJAR_COOKIE_JAR_H_
#define COOKIEJAR_COOKIE_JAR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cookiejar/browser_rules.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_access_policy.h"
#include "cookiejar/cookie_change.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/cookie_limits.h"
#include "cookiejar/cookie_options.h"
#include "cookiejar/cookie_request.h"
#include "cookiejar/same_site.h"
#include "cookiejar/url.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {

namespace jar_internal {
class JarCore;
}  // namespace jar_internal

struct CookieJarOptions {
  // The Public Suffix List that decides which Domain attributes are allowed
  // and which hosts form one site. nullptr: PublicSuffixList::Builtin().
  // Must outlive the jar.
  const PublicSuffixList* public_suffix_list = nullptr;

  // Source of the current time. nullptr: Clock::System(). Must outlive the jar.
  // Any instant is accepted; arithmetic on it saturates.
  const Clock* clock = nullptr;

  // Which browser the jar behaves as (browser_rules.h): its parsing
  // rules, dates, SameSite defaults, prefixes, limits and eviction, expiry
  // cap and what it does with third-party cookies.
  BrowserRules rules = BrowserRules::Chromium();

  // Third-party blocking and per-site exceptions; nullopt: the rules' own
  // default. Can be changed later with CookieJar::SetAccessPolicy.
  std::optional<CookieAccessPolicy> access_policy;
};

// Which cookies CookieJar::Explain looks at.
enum class ExplainScope {
  kWholeJar,  // Every cookie in the jar.
  kSite,      // The cookies of the URL's site, in every partition: all that
              // could be sent to it, at the cost of that site only.
};

class CookieJar {
 public:
  explicit CookieJar(CookieJarOptions options = {});
  ~CookieJar();
  CookieJar(const CookieJar&) = delete;
  CookieJar& operator=(const CookieJar&) = delete;

  // Parses `request`'s URLs and decides its SameSite context, third-party
  // status and partition by this jar's rules, once (cookie_request.h).
  // InvalidArgument naming the URL that does not parse. The result may be
  // used any number of times, from any thread.
  absl::StatusOr<ResolvedRequest> Resolve(const CookieRequest& request) const;

  // Stores the cookie of one Set-Cookie header value received from `url`.
  // Returns include when the cookie was stored or, already expired, deleted
  // its match; otherwise every reason it was refused (kInvalidUrl for a URL
  // that does not parse).
  CookieInclusionStatus SetCookie(std::string_view url, std::string_view set_cookie,
                                  const CookieOptions& options = {});
  CookieInclusionStatus SetCookie(const Url& url, std::string_view set_cookie,
                                  const CookieOptions& options = {});
  // The same for a response to `request`, whose Date header was
  // `server_date` ("" when none; CookieOptions::server_date).
  CookieInclusionStatus SetCookie(const ResolvedRequest& request, std::string_view set_cookie,
                                  std::string_view server_date = {});

  // Puts back a cookie that was stored before (a cookie file, a database).
  // It must pass the checks a Set-Cookie line passes (name and value as the
  // parser would produce them, so no leading or trailing space or tab; no
  // control character; prefix rules; domain not a public suffix; path at most
  // 1024 bytes starting with '/') and be unexpired; its expiry is capped at
  // creation + the rules' maximum age. It then replaces any cookie with
  // the same key; no URL is involved, so the rules about who may set what do
  // not apply. Limits and eviction do.
  enum class ImportTimes {
    // Keep the cookie's creation and last-access times. Neither may be in
    // the future: a last access is clamped to now, a creation time to a
    // minute from now.
    kKeep,
    // The source has no times (cookies.txt): the cookie is created now, after
    // every cookie already in the jar, so a file's order is kept.
    kNow,
  };
  CookieInclusionStatus ImportCookie(const CanonicalCookie& cookie,
                                     ImportTimes times = ImportTimes::kKeep);

  // The Cookie header value for a request to `url` ("a=1; b=2"; a nameless
  // cookie appears as its bare value), or "" when no cookie applies (send no
  // Cookie header then). With CookieOptions::Script(), what document.cookie
  // shows. Updates the cookies' last-access time.
  absl::StatusOr<std::string> GetCookieHeader(std::string_view url,
                                              const CookieOptions& options = {});
  std::string GetCookieHeader(const Url& url, const CookieOptions& options = {});
  std::string GetCookieHeader(const ResolvedRequest& request);

  // Appends the Cookie header value for `url` to `*out` and returns how many
  // cookies it holds. Lets a client reuse one buffer for every request: with
  // a URL string, no allocation once the buffer has grown (the fastest way
  // from a request's URL to its header).
  size_t AppendCookieHeader(const Url& url, const CookieOptions& options, std::string* out);
  absl::StatusOr<size_t> AppendCookieHeader(std::string_view url, const CookieOptions& options,
                                            std::string* out);
  size_t AppendCookieHeader(const ResolvedRequest& request, std::string* out);

  // The cookies GetCookieHeader would send, in header order.
  std::vector<CanonicalCookie> GetCookies(const Url& url, const CookieOptions& options = {});
  std::vector<CanonicalCookie> GetCookies(const ResolvedRequest& request);

  struct Explanation {
    CanonicalCookie cookie;
    CookieInclusionStatus status;  // include, or why it is not sent.
  };
  // Every unexpired cookie in `scope` with whether it would be sent to `url`
  // and why not; sent cookies first, in header order. Does not update access
  // times.
  std::vector<Explanation> Explain(const Url& url, const CookieOptions& options = {},
                                   ExplainScope scope = ExplainScope::kWholeJar);
  std::vector<Explanation> Explain(const ResolvedRequest& request,
                                   ExplainScope scope = ExplainScope::kWholeJar);

  // Every unexpired cookie, grouped by site, each group in header order
  // (partitioned cookies after the others).
  std::vector<CanonicalCookie> GetAllCookies();

  // Removes the cookie with the same name, domain, host-only flag, path and
  // partition as `cookie`. Returns whether one was removed.
  bool DeleteCookie(const CanonicalCookie& cookie);

  // Removes every cookie; returns how many.
  size_t DeleteAll();

  // The browser closed: removes the session cookies (those without Expires
  // or Max-Age); persistent ones stay. Returns how many were removed.
  size_t EndSession();

  // Unexpired cookies in the jar.
  size_t size();

  // Replaces the third-party policy and site exceptions.
  void SetAccessPolicy(CookieAccessPolicy policy);

  // Calls `listener` for every later change (cookie_change.h). Returns an id
  // for RemoveChangeListener.
  uint64_t AddChangeListener(CookieChangeListener listener);
  void RemoveChangeListener(uint64_t id);

  const CookieLimits& limits() const;
  const BrowserRules& rules() const;
  // The name before 2.0. Removed in 3.0.
  [[deprecated("CookieJar::profile() is now CookieJar::rules()")]] const BrowserRules& profile()
      const {
    return rules();
  }

 private:
  std::unique_ptr<jar_internal::JarCore> core_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_JAR_H_
