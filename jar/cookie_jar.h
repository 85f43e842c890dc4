// A cookie jar: the cookies of one browser profile. Set-Cookie headers go in
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
// creation time (and so its place in the header) only when the value is
// unchanged, as in Chromium. An already-expired cookie deletes its match and
// is not stored. An origin that is not secure cannot set a cookie whose name
// matches a stored Secure cookie on an overlapping domain and path ("leave
// secure cookies alone"), and the script API cannot replace an HttpOnly one.
//
// Retrieval (§5.8.3): cookies are ordered longer path first, then earlier
// creation; creation times within a jar are unique and increasing, so cookies
// set in one response keep their order. Expired cookies are never returned.
//
// All methods are thread-safe.

#ifndef COOKIEJAR_JAR_COOKIE_JAR_H_
#define COOKIEJAR_JAR_COOKIE_JAR_H_

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "jar/canonical_cookie.h"
#include "jar/clock.h"
#include "jar/cookie_inclusion_status.h"
#include "jar/cookie_options.h"
#include "jar/url.h"
#include "public_suffix/public_suffix_list.h"

namespace cookiejar {

struct CookieJarOptions {
  // The Public Suffix List that decides which Domain attributes are allowed
  // and which hosts form one site. nullptr: PublicSuffixList::Builtin().
  // Must outlive the jar.
  const PublicSuffixList* public_suffix_list = nullptr;

  // Source of the current time. nullptr: Clock::System(). Must outlive the jar.
  const Clock* clock = nullptr;

  // Longest lifetime a persistent cookie may have, counted from its creation.
  // RFC 6265bis and Chromium: 400 days. Longer values keep cookies past what
  // browsers allow; shorter ones log users out sooner.
  absl::Duration max_expiry_age = absl::Hours(400 * 24);
};

class CookieJar {
 public:
  explicit CookieJar(CookieJarOptions options = {});
  CookieJar(const CookieJar&) = delete;
  CookieJar& operator=(const CookieJar&) = delete;

  // Stores the cookie of one Set-Cookie header value received from `url`.
  // Returns include when the cookie was stored or, already expired, deleted
  // its match; otherwise every reason it was refused (kInvalidUrl for a URL
  // that does not parse).
  CookieInclusionStatus SetCookie(std::string_view url, std::string_view set_cookie,
                                  const CookieOptions& options = {});
  CookieInclusionStatus SetCookie(const Url& url, std::string_view set_cookie,
                                  const CookieOptions& options = {});

  // The Cookie header value for a request to `url` ("a=1; b=2"; a nameless
  // cookie appears as its bare value), or "" when no cookie applies (send no
  // Cookie header then). With CookieOptions::Script(), what document.cookie
  // shows. Updates the cookies' last-access time.
  absl::StatusOr<std::string> GetCookieHeader(std::string_view url,
                                              const CookieOptions& options = {});
  std::string GetCookieHeader(const Url& url, const CookieOptions& options = {});

  // Appends the Cookie header value for `url` to `*out` and returns how many
  // cookies it holds. Lets a client reuse one buffer for every request.
  size_t AppendCookieHeader(const Url& url, const CookieOptions& options, std::string* out);

  // The cookies GetCookieHeader would send, in header order.
  std::vector<CanonicalCookie> GetCookies(const Url& url, const CookieOptions& options = {});

  struct Explanation {
    CanonicalCookie cookie;
    CookieInclusionStatus status;  // include, or why it is not sent.
  };
  // Every unexpired cookie in the jar with whether it would be sent to `url`
  // and why not; sent cookies first, in header order. Does not update access
  // times.
  std::vector<Explanation> Explain(const Url& url, const CookieOptions& options = {});

  // Every unexpired cookie, grouped by site, each group in header order.
  std::vector<CanonicalCookie> GetAllCookies();

  // Removes the cookie with the same name, domain, host-only flag and path as
  // `cookie`. Returns whether one was removed.
  bool DeleteCookie(const CanonicalCookie& cookie);

  // Removes every cookie; returns how many.
  size_t DeleteAll();

  // The browser closed: removes the session cookies (those without Expires
  // or Max-Age); persistent ones stay. Returns how many were removed.
  size_t EndSession();

  // Unexpired cookies in the jar.
  size_t size();

 private:
  // Cookies of one site (registrable domain, or the host when it has none),
  // in Cookie header order.
  using Bucket = std::vector<CanonicalCookie>;

  absl::Time Now() const { return clock_->Now(); }
  // The site key of a canonical host or cookie domain.
  std::string_view SiteKey(std::string_view host) const;
  // Removes expired cookies of `bucket`.
  void PurgeExpired(Bucket* bucket, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Insert(Bucket* bucket, CanonicalCookie cookie) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PublicSuffixList* const psl_;
  const Clock* const clock_;
  const absl::Duration max_expiry_age_;

  // std::mutex rather than absl::Mutex: Debian's Abseil is not built for
  // ThreadSanitizer, which then cannot see absl::Mutex's synchronization.
  std::mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  size_t count_ ABSL_GUARDED_BY(mu_) = 0;
  // Creation times are made unique and increasing from this one.
  absl::Time last_creation_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_COOKIE_JAR_H_
