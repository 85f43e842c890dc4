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
// Browser policies come from CookieJarOptions: the limits profile and its
// eviction (cookie_limits.h), SameSite (same_site.h), partitioned cookies
// (cookie_partition_key.h) and third-party blocking (cookie_access_policy.h).
// Every get and set takes the request's context (cookie_options.h).
//
// All methods are thread-safe; lookups of different sites do not contend, and
// lookups of one site share a reader lock. Change listeners are called after
// the jar's locks are released, on the thread that made the change; they may
// call back into the jar.

#ifndef COOKIEJAR_COOKIE_JAR_H_
#define COOKIEJAR_COOKIE_JAR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/shared_mutex.h"
#include "cookiejar/canonical_cookie.h"
#include "cookiejar/clock.h"
#include "cookiejar/cookie_access_policy.h"
#include "cookiejar/cookie_change.h"
#include "cookiejar/cookie_inclusion_status.h"
#include "cookiejar/cookie_limits.h"
#include "cookiejar/cookie_options.h"
#include "jar/internal/cookie_bucket.h"
#include "cookiejar/same_site.h"
#include "cookiejar/url.h"
#include "cookiejar/public_suffix_list.h"

namespace cookiejar {

struct CookieJarOptions {
  // The Public Suffix List that decides which Domain attributes are allowed
  // and which hosts form one site. nullptr: PublicSuffixList::Builtin().
  // Must outlive the jar.
  const PublicSuffixList* public_suffix_list = nullptr;

  // Source of the current time. nullptr: Clock::System(). Must outlive the jar.
  const Clock* clock = nullptr;

  // How many cookies to keep and which to evict (cookie_limits.h), and the
  // expiry cap.
  CookieLimits limits = CookieLimits::Chromium();

  // SameSite defaults (same_site.h); SameSitePolicy::Legacy() turns them off.
  SameSitePolicy same_site = SameSitePolicy::Default();

  // Third-party blocking and per-site exceptions; can be changed later with
  // CookieJar::SetAccessPolicy.
  CookieAccessPolicy access_policy;
};

class CookieJar {
 public:
  explicit CookieJar(CookieJarOptions options = {});
  ~CookieJar();
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

  // Puts back a cookie that was stored before (a cookie file, a database),
  // keeping its creation and last-access times. It is checked for being well
  // formed (name, value, domain, no public suffix as a domain, prefix rules)
  // and unexpired, then replaces any cookie with the same key; no URL is
  // involved, so the rules about who may set what do not apply. Limits and
  // eviction do.
  CookieInclusionStatus ImportCookie(const CanonicalCookie& cookie);

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

  const CookieLimits& limits() const { return limits_; }

 private:
  using Bucket = jar_internal::Bucket;
  using StoredCookie = jar_internal::StoredCookie;
  // Buckets live behind pointers: the map's slots stay small, so probing it
  // touches fewer cache lines.
  using BucketMap = absl::flat_hash_map<std::string, std::unique_ptr<Bucket>>;
  // Changes made under a lock, delivered to listeners after it.
  using ChangeList = std::vector<CookieChange>;

  // Buckets are spread over shards by site, each with its own lock, so that
  // threads working on different sites do not contend.
  struct alignas(64) Shard {
    // Readers write to the lock: it gets a cache line of its own, so that
    // they do not evict the maps' headers from each other's caches.
    alignas(64) mutable SharedMutex mu;
    alignas(64) BucketMap buckets;  // By site.
    BucketMap partitioned;          // By partition and site.
  };
  static constexpr size_t kShardCount = 8;

  // What one request may receive, worked out once per request.
  struct RequestFilter;

  // One cookie to store, from SetCookie or ImportCookie.
  struct StoreRequest {
    const jar_internal::CookieDraft* draft = nullptr;
    const CookiePartitionKey* partition = nullptr;  // For a partitioned draft.
    int64_t now_us = 0;
    bool protect_secure = false;  // The origin may not shadow Secure cookies.
    bool script = false;          // The script API: may not replace HttpOnly.
    std::optional<int64_t> creation_us;     // Imports keep their times.
    std::optional<int64_t> last_access_us;
  };
  CookieInclusionStatus Store(const StoreRequest& request);

  int64_t NowMicros() const;
  // The site key of a canonical host or cookie domain.
  std::string_view SiteKey(std::string_view host) const;
  static std::string PartitionBucketKey(const CookiePartitionKey& partition,
                                        std::string_view site);
  Shard* ShardFor(std::string_view site) const;
  // The shards, created on first use so that an empty jar costs little.
  Shard* Shards(bool create) const;
  CookieAccessContext AccessContext(const Url& url, const CookieOptions& options) const;
  // Whether the access policy lets cookies be set or sent for this request;
  // `partitioned` asks for partitioned cookies, which survive third-party
  // blocking.
  bool PolicyAllows(const Url& url, const CookieOptions& options, bool partitioned) const;
  // Calls `sink.Add(bucket, cookie)` for each cookie to send to `url`, in
  // header order, then `sink.Finish()`, all under a shared lock; updates
  // last-access times.
  template <typename Sink>
  void VisitIncluded(const Url& url, const CookieOptions& options, Sink& sink);

  void Record(const Bucket& bucket, const StoredCookie& cookie, CookieChangeCause cause,
              ChangeList* changes);
  // Removes cookies of `bucket` marked in `doomed`; returns how many.
  size_t RemoveMarked(Bucket* bucket, const std::vector<bool>& doomed, CookieChangeCause cause,
                    ChangeList* changes);
  void PurgeExpired(Bucket* bucket, int64_t now_us, ChangeList* changes);
  // Firefox: makes room in a full site before a new cookie is added. False
  // when the cookie must be refused instead.
  bool MakeRoomFirefoxStyle(Bucket* bucket, bool incoming_secure, ChangeList* changes);
  void EnforceSiteLimit(Bucket* bucket, int64_t now_us, ChangeList* changes);
  void EnforcePartitionLimit(Bucket* bucket, int64_t now_us, ChangeList* changes);
  // Locks every shard itself.
  void EnforceGlobalLimit(int64_t now_us, ChangeList* changes);
  int64_t NextCreation(int64_t now_us);
  // Removes the cookies `doomed` picks from every shard; returns how many.
  template <typename Doomed>
  size_t RemoveEverywhere(Doomed doomed, CookieChangeCause cause);
  // Calls the listeners; must be called without any shard lock.
  void Deliver(const ChangeList& changes);

  const PublicSuffixList* const psl_;
  const Clock* const clock_;
  const CookieLimits limits_;
  const SameSitePolicy same_site_policy_;

  mutable std::atomic<Shard*> shards_{nullptr};
  std::atomic<int64_t> count_{0};  // Cookies in all shards, expired ones included.
  // Creation times are made unique and increasing from this one.
  std::atomic<int64_t> last_creation_us_{INT64_MIN};
  // The global purge has nothing to evict before this time (see
  // EnforceGlobalLimit), unless the hard limit is passed.
  std::atomic<int64_t> next_global_purge_us_{INT64_MIN};
  std::atomic<uint64_t> change_sequence_{0};

  mutable SharedMutex policy_mu_;
  CookieAccessPolicy access_policy_ ABSL_GUARDED_BY(policy_mu_);
  // True when the policy allows everything: the hot path skips it.
  std::atomic<bool> policy_allows_all_{true};

  std::mutex listeners_mu_;
  std::atomic<bool> has_listeners_{false};
  uint64_t next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;
  std::vector<std::pair<uint64_t, std::shared_ptr<CookieChangeListener>>> listeners_
      ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_JAR_H_
