// The implementation behind CookieJar (cookie_jar.h), which forwards to it.
//
// Buckets (cookie_bucket.h) are spread over shards by a hash of their site
// key, each shard with its own reader-writer lock, so that threads working on
// different sites do not contend. Partitioned cookies live in a second map of
// the same shard, keyed by partition and site.

#ifndef COOKIEJAR_JAR_INTERNAL_JAR_CORE_H_
#define COOKIEJAR_JAR_INTERNAL_JAR_CORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "common/distributed_shared_mutex.h"
#include "common/shared_mutex.h"
#include "cookiejar/cookie_jar.h"
#include "jar/internal/change_dispatcher.h"
#include "jar/internal/cookie_bucket.h"
#include "jar/internal/cookie_draft.h"
#include "jar/internal/record_arena.h"
#include "jar/internal/request_decisions.h"
#include "jar/internal/short_bytes.h"

namespace cookiejar {
namespace jar_internal {

class JarCore {
 public:
  explicit JarCore(CookieJarOptions options);
  ~JarCore();
  JarCore(const JarCore&) = delete;
  JarCore& operator=(const JarCore&) = delete;

  // What a request's decisions follow: CookieJar makes each request's
  // RequestDecisions with these, and the core asks them, never the sites.
  const SiteRules& site_rules() const { return site_rules_; }

  CookieInclusionStatus SetCookie(RequestDecisions& request, std::string_view set_cookie,
                                  std::string_view server_date);
  // `now`: the cookie is created now (CookieJar::ImportTimes::kNow).
  CookieInclusionStatus ImportCookie(const CanonicalCookie& cookie, bool now);
  size_t AppendCookieHeader(RequestDecisions& request, std::string* out);
  std::vector<CanonicalCookie> GetCookies(RequestDecisions& request);
  std::vector<CookieJar::Explanation> Explain(RequestDecisions& request, ExplainScope scope);
  std::vector<CanonicalCookie> GetAllCookies();
  bool DeleteCookie(const CanonicalCookie& cookie);
  size_t DeleteAll();
  size_t EndSession();
  size_t size();
  void SetAccessPolicy(CookieAccessPolicy policy);
  uint64_t AddChangeListener(CookieChangeListener listener) {
    return dispatcher_.AddListener(std::move(listener));
  }
  void RemoveChangeListener(uint64_t id) { dispatcher_.RemoveListener(id); }
  const CookieLimits& limits() const { return limits_; }
  const BrowserRules& rules() const { return rules_; }

 private:
  // Buckets live behind pointers: the map's slots stay small, so probing it
  // touches fewer cache lines.
  // Keys are hashed as absl hashes them (SiteHash, which a lookup brings
  // along) and compared inline: a site key is a few words, less than a call
  // to memcmp costs.
  // A key with its KeyHash worked out beforehand, so that the probe of a
  // store, which may insert, hashes nothing.
  struct HashedKey {
    std::string_view key;
    size_t hash;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(absl::string_view key) const { return absl::Hash<absl::string_view>{}(key); }
    size_t operator()(const HashedKey& key) const { return key.hash; }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(absl::string_view a, absl::string_view b) const {
      return SameBytes(std::string_view(a.data(), a.size()), std::string_view(b.data(), b.size()));
    }
    bool operator()(absl::string_view a, const HashedKey& b) const {
      return SameBytes(std::string_view(a.data(), a.size()), b.key);
    }
    bool operator()(const HashedKey& a, absl::string_view b) const { return (*this)(b, a); }
  };
  using BucketMap = absl::flat_hash_map<std::string, std::unique_ptr<Bucket>, KeyHash, KeyEq>;

  struct alignas(64) Shard {
    // A writer writes to the lock: it gets a cache line of its own, so that
    // readers keep the maps' headers in their caches meanwhile.
    alignas(64) mutable DistributedSharedMutex mu;
    // The blocks of the shard's cookie records. Only writers, under `mu`,
    // use it: it shares the lock's line, which they write anyway, and the
    // shard stays two lines. Declared before the maps, so that it outlives
    // their buckets, which hold its blocks.
    RecordArena arena;
    alignas(64) BucketMap buckets;  // By site.
    BucketMap partitioned;          // By partition and site.
  };
  static_assert(sizeof(DistributedSharedMutex) + sizeof(RecordArena) <= 64,
                "the arena shares the lock's line");
  static constexpr size_t kShardCount = 8;
  static_assert(kShardCount <= ReaderCounts::kLocks, "a column of reader counts per shard");
  // The shards and the reader counts of their locks, allocated together on
  // first use.
  struct ShardSet {
    ShardSet() {
      for (size_t s = 0; s < kShardCount; ++s) shards[s].mu.Bind(&readers, s);
    }
    ReaderCounts readers;
    Shard shards[kShardCount];
  };

  // Changes made under a lock, delivered when it goes out of scope. Declare
  // it before any lock, so that it outlives them: every sequence number
  // handed out must be delivered.
  class ChangeLog {
   public:
    explicit ChangeLog(ChangeDispatcher* dispatcher)
        : dispatcher_(dispatcher), recording_(dispatcher->has_listeners()) {}
    // Most writes happen with no listener: no call, nothing to hand over.
    // Inline, as Add is, for the same reason.
    ABSL_ATTRIBUTE_ALWAYS_INLINE ~ChangeLog() {
      if (changes_ != nullptr) Deliver();
    }
    ChangeLog(const ChangeLog&) = delete;
    ChangeLog& operator=(const ChangeLog&) = delete;

    ABSL_ATTRIBUTE_ALWAYS_INLINE void Add(const Bucket& bucket, const CookieRecord& record,
                                          CookieChangeCause cause) {
      if (recording_) Record(bucket, record, cause);
    }

   private:
    ABSL_ATTRIBUTE_NOINLINE void Record(const Bucket& bucket, const CookieRecord& record,
                                        CookieChangeCause cause) {
      if (changes_ == nullptr) changes_ = std::make_unique<std::vector<CookieChange>>();
      changes_->push_back({bucket.ToCanonical(record), cause, dispatcher_->NextSequence()});
    }
    ABSL_ATTRIBUTE_NOINLINE void Deliver() { dispatcher_->Deliver(std::move(*changes_)); }

    ChangeDispatcher* const dispatcher_;
    const bool recording_;
    // Made by the first change: a log with none destroys nothing out of
    // line.
    std::unique_ptr<std::vector<CookieChange>> changes_;
  };

  // What one request may receive, worked out once per request.
  struct RequestFilter;

  // One cookie to store, from SetCookie or ImportCookie.
  struct StoreRequest {
    const CookieDraft* draft = nullptr;
    const CookiePartitionKey* partition = nullptr;  // For a partitioned draft.
    int64_t now_us = 0;
    bool protect_secure = false;  // The origin may not shadow Secure cookies.
    bool script = false;          // The script API: may not replace HttpOnly.
    std::optional<int64_t> creation_us;  // Imports keep their times.
    std::optional<int64_t> last_access_us;
  };
  CookieInclusionStatus Store(const StoreRequest& request);

  // Now, clamped to finite microseconds.
  int64_t NowMicros() const;
  // The site key of a canonical host or cookie domain.
  std::string_view SiteKey(std::string_view host) const;
  // The same for a request's host, with the key's hash (SiteHash), from a
  // per-thread cache of recent hosts.
  std::string_view SiteKey(std::string_view host, size_t* site_hash) const;
  static std::string PartitionBucketKey(const CookiePartitionKey& partition,
                                        std::string_view site);
  Shard* ShardFor(std::string_view site) const;
  // The shards, created on first use so that an empty jar costs little.
  // Inline: every lookup asks.
  Shard* Shards(bool create) const {
    ShardSet* set = shards_.load(std::memory_order_acquire);
    if (set != nullptr) return set->shards;
    return create ? CreateShards() : nullptr;
  }
  Shard* CreateShards() const;
  // The context of a request that sets cookies, or (`sending`) receives them.
  CookieAccessContext AccessContext(RequestDecisions& request, bool sending) const;
  // Whether the access policy lets cookies be set or sent for this request;
  // `partitioned` asks for partitioned cookies, which survive third-party
  // blocking.
  // Inline for a policy without site exceptions (what each lookup asks);
  // the rest takes the policy's lock.
  bool PolicyAllows(RequestDecisions& request, bool partitioned) const {
    if (policy_allows_all_.load(std::memory_order_acquire)) return true;
    if (!policy_has_exceptions_.load(std::memory_order_acquire)) {
      switch (static_cast<CookieAcceptPolicy>(policy_accept_.load(std::memory_order_acquire))) {
        case CookieAcceptPolicy::kAllowAll: return true;
        case CookieAcceptPolicy::kBlockAll: return false;
        case CookieAcceptPolicy::kBlockThirdParty:
        case CookieAcceptPolicy::kPartitionThirdParty:
          return partitioned || !request.ThirdParty();
      }
    }
    return PolicyAllowsLocked(request, partitioned);
  }
  bool PolicyAllowsLocked(RequestDecisions& request, bool partitioned) const;
  // Whether the access policy puts every cookie this request sets into its
  // partition (Firefox's Total Cookie Protection in a third-party context).
  bool PartitionsEverything(RequestDecisions& request) const;
  // Calls `sink.Add(bucket, cookie)` for each cookie to send with `request`,
  // in header order, then `sink.Finish()`, all under a shared lock; updates
  // last-access times.
  template <typename Sink>
  ABSL_ATTRIBUTE_ALWAYS_INLINE void VisitIncluded(RequestDecisions& request, Sink& sink);

  // Each function that may remove cookies from a bucket takes the arena of
  // its shard (Shard::arena), which holds the bucket's records.
  // Removes a live cookie, recording why.
  void Remove(RecordArena* arena, Bucket* bucket, CookieRecord* record, CookieChangeCause cause,
              ChangeLog* log);
  // Inline: most buckets have nothing expired, which the bucket tells.
  void PurgeExpired(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log) {
    if (now_us >= bucket->earliest_expiry_us()) RemoveExpired(arena, bucket, now_us, log);
  }
  void RemoveExpired(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log);
  // Eviction (eviction.cc).
  // Firefox: makes room in a full site before a new cookie is added. False
  // when the cookie must be refused instead.
  bool MakeRoomFirefoxStyle(RecordArena* arena, Bucket* bucket, bool incoming_secure,
                            ChangeLog* log);
  // Inline: most stores leave the site under its limit.
  void EnforceSiteLimit(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log) {
    const size_t max = limits_.max_cookies_per_site;
    if (max != 0 && bucket->size() > max) EvictFromSite(arena, bucket, now_us, log);
  }
  void EvictFromSite(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log);
  void EnforcePartitionLimit(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log);
  // Locks every shard itself. Inline: most stores leave the jar under its
  // limit.
  void EnforceGlobalLimit(int64_t now_us, ChangeLog* log) {
    const size_t max = limits_.max_cookies;
    const size_t count = static_cast<size_t>(count_.load(std::memory_order_relaxed));
    if (max != 0 && count > max) EvictGlobally(count, now_us, log);
  }
  // `count`: the live cookies counted, above the limit.
  void EvictGlobally(size_t count, int64_t now_us, ChangeLog* log);
  // The global purge may find something to evict from `at_us` on.
  void LowerNextGlobalPurge(int64_t at_us);

  int64_t NextCreation(int64_t now_us);
  // Notes that `creation_us` is taken, so that later creations come after it.
  void ReserveCreation(int64_t creation_us);
  // Removes the cookies `doomed` picks from every shard; returns how many.
  template <typename Doomed>
  size_t RemoveEverywhere(Doomed doomed, CookieChangeCause cause);

  const PublicSuffixList* const psl_;
  const Clock* const clock_;
  // Whether clock_ is the system clock, which lookups read coarsely.
  const bool system_clock_;
  const BrowserRules rules_;
  const CookieLimits& limits_ = rules_.limits;
  const SameSitePolicy& same_site_policy_ = rules_.same_site;
  const SiteRules site_rules_ = SiteRules::Of(rules_, *psl_);
  // The rules' durations as microseconds, for the per-request paths.
  const int64_t access_granularity_us_ = DurationMicros(limits_.last_access_granularity);
  const int64_t lax_allowing_unsafe_us_ =
      DurationMicros(same_site_policy_.lax_allowing_unsafe_max_age);
  const int64_t global_purge_spares_us_ = DurationMicros(limits_.global_purge_spares_recent);
  const int64_t max_expiry_us_ = DurationMicros(limits_.max_expiry_age);

  mutable std::atomic<ShardSet*> shards_{nullptr};
  std::atomic<int64_t> count_{0};  // Live cookies in all shards, expired ones included.
  // Creation times are made unique and increasing from this one.
  std::atomic<int64_t> last_creation_us_{INT64_MIN};
  // The global purge has nothing to evict before this time (see
  // EnforceGlobalLimit), unless the hard limit is passed.
  std::atomic<int64_t> next_global_purge_us_{INT64_MAX};

  mutable SharedMutex policy_mu_;
  CookieAccessPolicy access_policy_ ABSL_GUARDED_BY(policy_mu_);
  // True when the policy allows everything: the hot path skips it.
  std::atomic<bool> policy_allows_all_{true};
  // What the policy is, read without the lock.
  std::atomic<bool> policy_partitions_{false};
  std::atomic<uint8_t> policy_accept_{0};  // CookieAcceptPolicy
  std::atomic<bool> policy_has_exceptions_{false};

  ChangeDispatcher dispatcher_;
};

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_JAR_CORE_H_
