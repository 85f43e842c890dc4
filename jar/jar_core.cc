#include "jar/internal/jar_core.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/hash/hash.h"
#include "absl/time/clock.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "cookiejar/parsed_cookie.h"
#include "jar/internal/cookie_line.h"
#include "jar/internal/lookup_clock.h"
#include "jar/internal/short_bytes.h"
#include "jar/internal/site_cache.h"
#include "jar/internal/utf8_repair.h"

namespace cookiejar {
namespace jar_internal {

using Reason = CookieExclusionReason;

namespace {

// Cookie header order (RFC 6265bis §5.8.3 step 2).
bool HeaderOrder(const CookieRecord& a, const CookieRecord& b) {
  if (a.path_size() != b.path_size()) return a.path_size() > b.path_size();
  return a.creation_us() < b.creation_us();
}

bool HeaderOrder(const CanonicalCookie& a, const CanonicalCookie& b) {
  if (a.path.size() != b.path.size()) return a.path.size() > b.path.size();
  return a.creation < b.creation;
}

constexpr int64_t kImportClockSlackUs = 60 * 1000 * 1000;

size_t ShardIndex(size_t site_hash, size_t shard_count) {
  return (site_hash >> 32) % shard_count;
}

size_t ShardIndex(std::string_view site, size_t shard_count) {
  return ShardIndex(SiteHash(site), shard_count);
}


}  // namespace

// What one request may receive: the request's capabilities (Need bits) and
// what the lax-allowing-unsafe exception needs.
struct JarCore::RequestFilter {
  int64_t now_us;
  uint8_t grants;
  bool lax_allowing_unsafe;  // Applies to this request.
  int64_t lax_allowing_unsafe_since_us;

  bool Allows(const CookieRecord& cookie) const {
    if (cookie.IsExpired(now_us)) return false;
    const uint8_t missing = cookie.needs() & ~grants;
    if (missing == 0) return true;
    return missing == kNeedLax && lax_allowing_unsafe && cookie.lax_by_default() &&
           cookie.creation_us() >= lax_allowing_unsafe_since_us;
  }
};

JarCore::JarCore(CookieJarOptions options)
    : psl_(options.public_suffix_list ? options.public_suffix_list
                                      : &PublicSuffixList::Builtin()),
      clock_(options.clock ? options.clock : &Clock::System()),
      system_clock_(clock_ == &Clock::System()),
      rules_(std::move(options.rules)) {
  SetAccessPolicy(options.access_policy ? *std::move(options.access_policy)
                                        : rules_.access_policy);
}

JarCore::~JarCore() { delete shards_.load(); }

int64_t JarCore::NowMicros() const { return ExactMicros(clock_); }

std::string_view JarCore::SiteKey(std::string_view host) const {
  std::string_view site = psl_->RegistrableDomain(host);
  return site.empty() ? host : site;
}

std::string_view JarCore::SiteKey(std::string_view host, size_t* site_hash) const {
  const HostSite site = LookupSite(*psl_, host);
  *site_hash = site.key_hash;
  return site.key;
}

std::string JarCore::PartitionBucketKey(const CookiePartitionKey& partition,
                                        std::string_view site) {
  return absl::StrCat(partition.cross_site_ancestor ? "1" : "0", partition.top_level_site, " ",
                      AbslView(site));
}

JarCore::Shard* JarCore::CreateShards() const {
  ShardSet* set = nullptr;
  ShardSet* fresh = new ShardSet;
  if (shards_.compare_exchange_strong(set, fresh, std::memory_order_acq_rel)) return fresh->shards;
  delete fresh;  // Another thread won; `set` now holds its shards.
  return set->shards;
}

JarCore::Shard* JarCore::ShardFor(std::string_view site) const {
  return &Shards(true)[ShardIndex(site, kShardCount)];
}

CookieAccessContext JarCore::AccessContext(RequestDecisions& request, bool sending) const {
  CookieAccessContext context;
  context.api = request.options().api;
  context.same_site_policy = same_site_policy_;
  context.syntax = rules_.syntax;
  context.prefixes = rules_.prefixes;
  context.same_site = sending ? request.SameSiteForSending() : request.SameSiteForSetting();
  return context;
}

bool JarCore::PolicyAllowsLocked(RequestDecisions& request, bool partitioned) const {
  std::shared_lock<SharedMutex> lock(policy_mu_);
  if (!access_policy_.site_exceptions.empty()) {
    auto exception = access_policy_.site_exceptions.find(AbslView(request.Site()));
    if (exception != access_policy_.site_exceptions.end()) {
      return exception->second == SiteException::kAllow;
    }
  }
  switch (access_policy_.accept) {
    case CookieAcceptPolicy::kAllowAll: return true;
    case CookieAcceptPolicy::kBlockAll: return false;
    case CookieAcceptPolicy::kBlockThirdParty:
    case CookieAcceptPolicy::kPartitionThirdParty:
      return partitioned || !request.ThirdParty();
  }
  return true;
}

bool JarCore::PartitionsEverything(RequestDecisions& request) const {
  if (!policy_partitions_.load(std::memory_order_acquire)) return false;
  std::shared_lock<SharedMutex> lock(policy_mu_);
  if (access_policy_.accept != CookieAcceptPolicy::kPartitionThirdParty) return false;
  if (!access_policy_.site_exceptions.empty() &&
      access_policy_.site_exceptions.count(AbslView(request.Site())) != 0) {
    return false;  // Allowed as first-party, or blocked outright.
  }
  return request.ThirdParty();
}

void JarCore::Remove(RecordArena* arena, Bucket* bucket, CookieRecord* record,
                     CookieChangeCause cause, ChangeLog* log) {
  log->Add(*bucket, *record, cause);
  bucket->Remove(arena, record);
  count_.fetch_sub(1, std::memory_order_relaxed);
}

void JarCore::RemoveExpired(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log) {
  bucket->RemoveExpired(arena, now_us, [&](const CookieRecord& record) {
    log->Add(*bucket, record, CookieChangeCause::kExpired);
    count_.fetch_sub(1, std::memory_order_relaxed);
  });
}

int64_t JarCore::NextCreation(int64_t now_us) {
  // Unique, increasing creation times keep the order in which cookies of one
  // response arrived.
  int64_t last = last_creation_us_.load(std::memory_order_relaxed);
  int64_t next;
  do {
    next = std::min(kLatestUs, std::max(now_us, SatAdd(last, 1)));
  } while (!last_creation_us_.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return next;
}

void JarCore::ReserveCreation(int64_t creation_us) {
  int64_t last = last_creation_us_.load(std::memory_order_relaxed);
  while (last < creation_us &&
         !last_creation_us_.compare_exchange_weak(last, creation_us, std::memory_order_relaxed)) {
  }
}

void JarCore::LowerNextGlobalPurge(int64_t at_us) {
  int64_t next = next_global_purge_us_.load(std::memory_order_relaxed);
  while (at_us < next &&
         !next_global_purge_us_.compare_exchange_weak(next, at_us, std::memory_order_relaxed)) {
  }
}

CookieInclusionStatus JarCore::SetCookie(RequestDecisions& request, std::string_view set_cookie,
                                         std::string_view server_date) {
  // The host's site is needed after the parse; its cache lines are rarely
  // in the CPU's cache on a crawler's many sites.
  if (request.host_is_name()) PrefetchSite(request.host());
  // Read before the parse, which does not need it: the clock's read
  // (rdtsc) then completes while the parse runs instead of stalling the
  // draft that needs it.
  const int64_t now_us = NowMicros();
  CookieLine parsed;
  CookieInclusionStatus status =
      ParseCookieLine(set_cookie, rules_.syntax, &parsed, limits_.max_name_value_bytes);
  if (!status.IsInclude()) return status;
  // Engaged only for the rules that repair: an empty std::string's
  // destructor is still a call into libstdc++.
  std::optional<std::string> repaired_value;
  if (rules_.syntax.replace_invalid_utf8 &&
      RepairUtf8(parsed.value, &repaired_value.emplace())) {
    parsed.value = *repaired_value;
  }
  CookieAccessContext context = AccessContext(request, /*sending=*/false);
  context.server_date = server_date;
  context.partition_everything = PartitionsEverything(request);
  const bool partitioned = parsed.has(CookieLine::kPartitioned) || context.partition_everything;
  if (partitioned) context.partition_key = &request.Partition();
  CookieDraft draft;
  const SetterUrl url = request.setter_url();
  status = DraftCookie(parsed, url, now_us, context, *psl_, max_expiry_us_, &draft);
  if (!PolicyAllows(request, partitioned)) status.Add(Reason::kUserPreferences);
  if (!status.IsInclude()) return status;

  StoreRequest store;
  store.draft = &draft;
  store.partition = draft.partitioned ? context.partition_key : nullptr;
  store.now_us = now_us;
  store.protect_secure = !url.trustworthy;
  store.script = context.api != CookieApi::kHttp;
  return Store(store);
}

CookieInclusionStatus JarCore::ImportCookie(const CanonicalCookie& cookie, bool now) {
  CookieDraft draft;
  CookieInclusionStatus status = DraftFromCanonical(cookie, *psl_, rules_.syntax,
                                                    rules_.prefixes,
                                                    limits_.max_name_value_bytes, &draft);
  if (!status.IsInclude()) return status;
  const int64_t now_us = NowMicros();
  // Neither time may be far in the future: creation times order the header
  // and cap the expiry. A minute of slack keeps exact times from a store
  // written by a machine whose clock runs a little ahead, or within the same
  // microsecond (creation times are made unique by counting up from now).
  const int64_t creation_us =
      now ? NextCreation(now_us)
          : std::min(ToMicros(cookie.creation), SatAdd(now_us, kImportClockSlackUs));
  const int64_t last_access_us = now ? now_us : std::min(ToMicros(cookie.last_access), now_us);
  // The cap counts from creation, as for cookies loaded by Chromium.
  const int64_t cap_us =
      SatAdd(std::min(creation_us, now_us), max_expiry_us_);
  if (draft.expiry_us != kNeverUs && draft.expiry_us > cap_us) {
    draft.expiry_us = ClampFinite(cap_us);
  }
  if (draft.expiry_us <= now_us) return CookieInclusionStatus(Reason::kExpired);
  StoreRequest request;
  request.draft = &draft;
  request.partition = cookie.partition_key ? &*cookie.partition_key : nullptr;
  request.now_us = now_us;
  request.creation_us = creation_us;
  request.last_access_us = last_access_us;
  return Store(request);
}

CookieInclusionStatus JarCore::Store(const StoreRequest& request) {
  const CookieDraft& draft = *request.draft;
  const int64_t now_us = request.now_us;
  CookieInclusionStatus status;
  ChangeLog log(&dispatcher_);  // Outlives the lock: delivers after it.
  bool inserted = false;
  {
    const size_t site_hash = draft.site_hash ? *draft.site_hash : SiteHash(draft.site);
    Shard* shard = &Shards(true)[ShardIndex(site_hash, kShardCount)];
    std::unique_lock<DistributedSharedMutex> lock(shard->mu);
    BucketMap& map = draft.partitioned ? shard->partitioned : shard->buckets;
    std::string partition_bucket_key;
    HashedKey key{draft.site, site_hash};
    if (draft.partitioned) {
      partition_bucket_key = PartitionBucketKey(*request.partition, draft.site);
      key = {partition_bucket_key, KeyHash()(AbslView(partition_bucket_key))};
    }

    const bool expired = draft.expiry_us <= now_us;
    // A cookie that is not expired is stored unless a cookie of its site
    // refuses it: a site without a bucket gets one, in the same probe.
    bool fresh = false;
    BucketMap::iterator bucket_it;
    if (expired) {
      bucket_it = map.find(key);
    } else {
      bucket_it = map.lazy_emplace(key, [&](const BucketMap::constructor& construct) {
        fresh = true;
        construct(std::string(key.key), std::make_unique<Bucket>());
      });
      if (fresh && draft.partitioned) bucket_it->second->set_partition(*request.partition);
    }
    Bucket* bucket = bucket_it == map.end() ? nullptr : bucket_it->second.get();
    RecordArena* const arena = &shard->arena;
    CookieRecord* same = nullptr;
    if (bucket != nullptr && !fresh) {
      PurgeExpired(arena, bucket, now_us, &log);
      // Leave secure cookies alone: same name, either domain within the
      // other, and the new cookie's path on the secure cookie's path.
      if (request.protect_secure && bucket->has_secure() &&
          bucket->AnyNamed(draft.name, [&](const CookieRecord& existing) {
            if (!existing.secure()) return false;
            const std::string& domain = bucket->domain_of(existing).domain;
            return (DomainMatches(draft.domain, domain) || DomainMatches(domain, draft.domain)) &&
                   PathMatches(draft.path, existing.path());
          })) {
        status.Add(Reason::kOverwriteSecure);
      }
      if (status.IsInclude()) {
        same = bucket->Find(draft.name, draft.domain, draft.host_only, draft.path);
        if (same != nullptr && same->http_only() && request.script) {
          status.Add(Reason::kOverwriteHttpOnly);
        }
      }
    }
    if (!status.IsInclude()) {
      // Refused; expired cookies may still have been purged above.
    } else if (expired) {
      if (same != nullptr) {
        Remove(arena, bucket, same, CookieChangeCause::kExpiredOverwrite, &log);
      }
    } else if (same == nullptr && limits_.style == EvictionStyle::kFirefox &&
               limits_.max_cookies_per_site != 0 &&
               bucket->size() >= limits_.max_cookies_per_site &&
               !MakeRoomFirefoxStyle(arena, bucket, draft.secure, &log)) {
      status.Add(Reason::kSiteCookieLimit);
    } else {
      // An overwrite keeps the old creation time, and with it the cookie's
      // place in the header, when the value is unchanged (Chromium) or
      // always (Firefox).
      const bool keep_creation =
          same != nullptr && (rules_.overwrite_keeps_creation || same->value() == draft.value);
      int64_t creation;
      if (request.creation_us) {
        creation = *request.creation_us;
        ReserveCreation(creation);
      } else {
        creation = keep_creation ? same->creation_us() : NextCreation(now_us);
      }
      const int64_t last_access = request.last_access_us.value_or(now_us);
      CookieRecord* record;
      if (same != nullptr) {
        log.Add(*bucket, *same, CookieChangeCause::kOverwrite);
        // NextCreation's times, taken under the shard's lock, are at least
        // every time the bucket holds.
        const bool latest_creation = !request.creation_us && !keep_creation;
        record = bucket->Overwrite(arena, same, draft, creation, last_access,
                                   same_site_policy_.lax_by_default, latest_creation);
      } else {
        record =
            bucket->Add(arena, draft, creation, last_access, same_site_policy_.lax_by_default);
        count_.fetch_add(1, std::memory_order_relaxed);
      }
      log.Add(*bucket, *record, CookieChangeCause::kInserted);
      LowerNextGlobalPurge(SatAdd(last_access, global_purge_spares_us_));
      if (draft.partitioned) {
        EnforcePartitionLimit(arena, bucket, now_us, &log);
      } else if (limits_.style != EvictionStyle::kFirefox) {
        EnforceSiteLimit(arena, bucket, now_us, &log);
      }
      inserted = true;
    }
    if (bucket != nullptr && bucket->empty()) map.erase(bucket_it);
  }
  if (inserted) EnforceGlobalLimit(now_us, &log);
  return status;
}

namespace {

// The last few Cookie headers this thread built from large buckets, so that
// a repeated lookup on a site of many cookies is a copy. An entry holds as
// long as the bucket's generation (which any change to the bucket renews)
// and everything else the header depends on are the same: the host (domain
// matching), the request's grants (scheme, API, SameSite context), the path
// if any cookie of the bucket has a path other than "/", no cookie expiring
// (checked by the caller), and no cookie due for a new last-access time.
class HeaderCache {
 public:
  struct Entry {
    uint64_t generation = 0;  // 0: empty.
    uint8_t grants = 0;
    bool path_matters = false;
    // The earliest last-access time of the cookies sent.
    int64_t min_last_access_us = 0;
    size_t count = 0;
    std::string host;
    std::string path;
    std::string header;
  };
  // Larger headers are not kept: copying them costs more than the walk.
  static constexpr size_t kMaxHeader = 16 * 1024;

  static HeaderCache& ForThread() {
    thread_local HeaderCache cache;
    return cache;
  }

  const Entry* Find(uint64_t generation, std::string_view host, std::string_view path,
                    uint8_t grants) const {
    for (const Entry& entry : entries_) {
      if (entry.generation == generation && entry.grants == grants && entry.host == host &&
          (!entry.path_matters || entry.path == path)) {
        return &entry;
      }
    }
    return nullptr;
  }

  // Keeps a header just built (replacing the entries in turn).
  ABSL_ATTRIBUTE_NOINLINE void Keep(uint64_t generation, std::string_view host,
                                    std::string_view path, uint8_t grants, bool path_matters,
                                    int64_t min_last_access_us, std::string_view header,
                                    size_t count) {
    if (header.size() > kMaxHeader) return;
    Entry& entry = entries_[next_];
    next_ = (next_ + 1) % kEntries;
    entry.generation = generation;
    entry.grants = grants;
    entry.path_matters = path_matters;
    entry.min_last_access_us = min_last_access_us;
    entry.count = count;
    entry.host.assign(host.data(), host.size());
    entry.path.assign(path.data(), path.size());
    entry.header.assign(header.data(), header.size());
  }

 private:
  static constexpr size_t kEntries = 4;
  Entry entries_[kEntries];
  size_t next_ = 0;
};

// Collects the cookies of a header, then writes the header with one resize
// and one copy per cookie.
class HeaderSink {
 public:
  explicit HeaderSink(std::string* out) : out_(out), pairs_(ThreadPairs()) {}

  // At most `cookies` calls to Add follow.
  void Reserve(size_t cookies) {
    if (pairs_.size() < cookies) pairs_.resize(cookies);
    next_ = pairs_.data();
  }

  void Add(const Bucket&, const CookieRecord& cookie) {
    *next_++ = cookie.pair();
    bytes_ += cookie.pair().size();
  }

  void Finish() {
    count_ = next_ - pairs_.data();
    if (count_ == 0) return;
    const size_t start = start_ = out_->size();
    // append(n, c) rather than resize: the same fill without resize's call.
    out_->append(bytes_ + 2 * (count_ - 1), '\0');
    char* p = out_->data() + start;
    for (size_t i = 0; i < count_; ++i) {
      if (i > 0) {
        p[0] = ';';
        p[1] = ' ';
        p += 2;
      }
      CopyBytes(p, pairs_[i].data(), pairs_[i].size());
      p += pairs_[i].size();
    }
  }

  size_t count() const { return count_; }
  // What Finish wrote.
  std::string_view written() const {
    return count_ == 0 ? std::string_view() : std::string_view(*out_).substr(start_);
  }
  // Instead of Add and Finish: a header found before.
  void FinishWith(std::string_view header, size_t count) {
    out_->append(header.data(), header.size());
    count_ = count;
  }

  // The cache of large sites' headers applies.
  static constexpr bool kCacheable = true;

 private:
  // Reused between calls on a thread, so a header costs no allocation once
  // the thread has seen its largest header.
  static std::vector<std::string_view>& ThreadPairs() {
    thread_local std::vector<std::string_view> pairs;
    return pairs;
  }

  std::string* out_;
  std::vector<std::string_view>& pairs_;
  std::string_view* next_ = nullptr;
  size_t bytes_ = 0;
  size_t count_ = 0;
  size_t start_ = 0;
};

class CanonicalSink {
 public:
  static constexpr bool kCacheable = false;
  void Reserve(size_t) {}
  void Add(const Bucket& bucket, const CookieRecord& cookie) {
    cookies.push_back(bucket.ToCanonical(cookie));
  }
  void Finish() {}
  std::vector<CanonicalCookie> cookies;
};

// Walks a bucket's live cookies in header order, one at a time (to merge two
// buckets).
class HeaderCursor {
 public:
  explicit HeaderCursor(const Bucket* bucket) {
    bucket->ForEachSpan([&](absl::Span<CookieRecord* const> span) { spans_.push_back(span); });
    Settle();
  }
  bool done() const { return span_ == spans_.size(); }
  const CookieRecord& cookie() const { return *spans_[span_][index_]; }
  void Next() {
    ++index_;
    Settle();
  }

 private:
  void Settle() {
    while (span_ < spans_.size()) {
      const absl::Span<CookieRecord* const> span = spans_[span_];
      while (index_ < span.size() && span[index_]->removed()) ++index_;
      if (index_ < span.size()) return;
      ++span_;
      index_ = 0;
    }
  }
  absl::InlinedVector<absl::Span<CookieRecord* const>, 1> spans_;
  size_t span_ = 0;
  size_t index_ = 0;
};

}  // namespace

size_t JarCore::AppendCookieHeader(RequestDecisions& request, std::string* out) {
  HeaderSink sink(out);
  VisitIncluded(request, sink);
  return sink.count();
}

std::vector<CanonicalCookie> JarCore::GetCookies(RequestDecisions& request) {
  CanonicalSink sink;
  VisitIncluded(request, sink);
  return std::move(sink.cookies);
}

template <typename Sink>
inline void JarCore::VisitIncluded(RequestDecisions& request, Sink& sink) {
  Shard* shards = Shards(false);
  if (shards == nullptr) return;  // An empty jar.
  size_t site_hash;
  const std::string_view site = SiteKey(request.host(), &site_hash);
  Shard& shard = shards[ShardIndex(site_hash, kShardCount)];

  const SameSiteContext same_site = request.SameSiteForSending();
  RequestFilter filter;
  filter.grants = 0;
  if (request.trustworthy()) filter.grants |= kNeedTrustworthy;
  if (request.options().api == CookieApi::kHttp) filter.grants |= kNeedHttpApi;
  if (same_site >= SameSiteContext::kLax) filter.grants |= kNeedLax;
  if (same_site == SameSiteContext::kStrict) filter.grants |= kNeedStrict;
  filter.lax_allowing_unsafe = same_site_policy_.lax_allowing_unsafe &&
                               same_site == SameSiteContext::kLaxMethodUnsafe;
  const int64_t access_granularity = access_granularity_us_;
  const bool plain_allowed = PolicyAllows(request, /*partitioned=*/false);

  std::shared_lock<DistributedSharedMutex> lock(shard.mu);
  const Bucket* plain = nullptr;
  if (plain_allowed) {
    auto it = shard.buckets.find(AbslView(site), site_hash);
    if (it != shard.buckets.end()) plain = it->second.get();
  }
  const Bucket* partitioned = nullptr;
  if (!shard.partitioned.empty() && PolicyAllows(request, /*partitioned=*/true)) {
    auto it = shard.partitioned.find(AbslView(PartitionBucketKey(request.Partition(), site)));
    if (it != shard.partitioned.end()) partitioned = it->second.get();
  }
  if (plain == nullptr && partitioned == nullptr) return;
  sink.Reserve((plain ? plain->size() : 0) + (partitioned ? partitioned->size() : 0));
  LookupClock clock(clock_, system_clock_);
  // The coarse time decides expiry unless a cookie might expire within its
  // error; the lax-allowing-unsafe window, rarely asked for, wants the exact.
  const int64_t earliest_expiry = std::min(plain ? plain->earliest_expiry_us() : kNeverUs,
                                           partitioned ? partitioned->earliest_expiry_us() : kNeverUs);
  filter.now_us = filter.lax_allowing_unsafe || earliest_expiry <= clock.latest_us()
                      ? clock.exact_us()
                      : clock.coarse_us();
  filter.lax_allowing_unsafe_since_us = SatSub(filter.now_us, lax_allowing_unsafe_us_);
  // A cookie last accessed at or before this may be due for a new
  // last-access time (by the latest time now can be); the exact time decides.
  const int64_t maybe_due_us = SatSub(clock.latest_us(), access_granularity_us_);

  const std::string_view host = request.host();
  const std::string_view path = request.path();
  // A large site's header, unchanged since this thread last built it: as long
  // as no cookie is expiring, the result depends on the request alone.
  const uint64_t generation = partitioned == nullptr ? plain->generation() : 0;
  const bool cacheable = Sink::kCacheable && generation != 0 && !filter.lax_allowing_unsafe &&
                         earliest_expiry > clock.latest_us();
  if constexpr (Sink::kCacheable) {
    if (ABSL_PREDICT_FALSE(cacheable)) {
      const HeaderCache::Entry* entry =
          HeaderCache::ForThread().Find(generation, host, path, filter.grants);
      if (ABSL_PREDICT_TRUE(entry != nullptr) && entry->min_last_access_us > maybe_due_us) {
        sink.FinishWith(entry->header, entry->count);
        return;
      }
    }
  }

  // Which of each bucket's domains the host matches, worked out once: on
  // the stack for the few domains of almost every site.
  const bool host_is_name = request.host_is_name();
  auto domain_matches = [&](const Bucket& bucket, uint8_t* local, size_t local_size,
                            bool partitioned_bucket)
                            ABSL_ATTRIBUTE_ALWAYS_INLINE -> const uint8_t* {
    const absl::Span<const DomainEntry> domains = bucket.domains();
    const size_t count = domains.size();
    uint8_t* matches = local;
    if (ABSL_PREDICT_FALSE(count > local_size)) {
      thread_local std::vector<uint8_t> plain_spill, partitioned_spill;
      std::vector<uint8_t>& spill = partitioned_bucket ? partitioned_spill : plain_spill;
      if (spill.size() < count) spill.resize(count);
      matches = spill.data();
    }
    for (size_t d = 0; d < count; ++d) {
      const DomainEntry& entry = domains[d];
      const std::string_view domain = entry.domain;
      bool match;
      if (entry.host_only) {
        match = SameBytes(host, domain);
      } else if (host_is_name) {
        // DomainMatches, without its test for an IP literal.
        const size_t n = host.size(), m = domain.size();
        match = n == m ? SameBytes(host.data(), domain.data(), n)
                       : m != 0 && n > m && host[n - m - 1] == '.' &&
                             SameBytes(host.data() + (n - m), domain.data(), m);
      } else {
        match = DomainMatches(host, domain);
      }
      matches[d] = entry.references != 0 && match;
    }
    return matches;
  };
  constexpr size_t kLocalDomains = 16;
  uint8_t plain_local[kLocalDomains], partitioned_local[kLocalDomains];
  const uint8_t* const plain_matches =
      plain ? domain_matches(*plain, plain_local, kLocalDomains, false) : nullptr;
  const uint8_t* const partitioned_matches =
      partitioned ? domain_matches(*partitioned, partitioned_local, kLocalDomains, true)
                  : nullptr;

  auto included = [&](const CookieRecord& cookie, const uint8_t* matches) {
    return filter.Allows(cookie) && matches[cookie.domain_index()] &&
           (cookie.path_size() == 1 || PathMatches(path, cookie.path()));
  };
  auto send = [&](const Bucket& bucket, const CookieRecord& cookie) {
    const int64_t last_access = cookie.last_access_us();
    if (ABSL_PREDICT_FALSE(last_access <= maybe_due_us)) {
      const int64_t now = clock.exact_us();
      if (SatSub(now, last_access) >= access_granularity) cookie.set_last_access_us(now);
    }
    sink.Add(bucket, cookie);
  };

  if (partitioned == nullptr) {
    // Walks the bucket; `track` also notes what the header cache needs.
    auto walk = [&](auto track, bool* path_matters, int64_t* min_last_access) {
      plain->ForEachSpan([&](absl::Span<CookieRecord* const> span) {
        for (const CookieRecord* cookie : span) {
          if constexpr (decltype(track)::value) *path_matters |= cookie->path_size() != 1;
          if (included(*cookie, plain_matches)) {
            send(*plain, *cookie);
            if constexpr (decltype(track)::value) {
              *min_last_access = std::min(*min_last_access, cookie->last_access_us());
            }
          }
        }
      });
      sink.Finish();
    };
    if constexpr (Sink::kCacheable) {
      if (ABSL_PREDICT_FALSE(cacheable)) {
        bool path_matters = false;
        int64_t min_last_access = kNeverUs;
        walk(std::true_type(), &path_matters, &min_last_access);
        HeaderCache::ForThread().Keep(generation, host, path, filter.grants, path_matters,
                                      min_last_access, sink.written(), sink.count());
        return;
      }
    }
    walk(std::false_type(), nullptr, nullptr);
    return;
  }
  // Both buckets are in header order: merge them.
  static const Bucket kEmpty;
  HeaderCursor a(plain ? plain : &kEmpty), b(partitioned);
  while (!a.done() || !b.done()) {
    if (b.done() || (!a.done() && !HeaderOrder(b.cookie(), a.cookie()))) {
      if (included(a.cookie(), plain_matches)) send(*plain, a.cookie());
      a.Next();
    } else {
      if (included(b.cookie(), partitioned_matches)) send(*partitioned, b.cookie());
      b.Next();
    }
  }
  sink.Finish();
}

std::vector<CookieJar::Explanation> JarCore::Explain(RequestDecisions& request,
                                                     ExplainScope scope) {
  const Url& url = request.url();
  const absl::Time now = FromMicros(NowMicros());
  CookieAccessContext context = AccessContext(request, /*sending=*/true);
  context.partition_key = &request.Partition();
  const bool plain_allowed = PolicyAllows(request, false);
  const bool partitioned_allowed = PolicyAllows(request, true);
  const std::string_view site = SiteKey(url.host());
  std::vector<CookieJar::Explanation> sent, not_sent;
  auto explain_bucket = [&](const Bucket& bucket) {
    bucket.ForEach([&](const CookieRecord& record) {
      CanonicalCookie cookie = bucket.ToCanonical(record);
      if (cookie.IsExpired(now)) return;
      CookieInclusionStatus status = cookie.IncludeForRequest(url, now, context);
      if (!(cookie.partition_key ? partitioned_allowed : plain_allowed)) {
        status.Add(Reason::kUserPreferences);
      }
      (status.IsInclude() ? sent : not_sent).push_back({std::move(cookie), status});
    });
  };
  if (Shard* shards = Shards(false)) {
    for (size_t s = 0; s < kShardCount; ++s) {
      if (scope == ExplainScope::kSite && s != ShardIndex(site, kShardCount)) continue;
      std::shared_lock<DistributedSharedMutex> lock(shards[s].mu);
      if (scope == ExplainScope::kSite) {
        auto it = shards[s].buckets.find(AbslView(site));
        if (it != shards[s].buckets.end()) explain_bucket(*it->second);
        // A site's partitioned buckets live in its shard; their keys end
        // with " site".
        for (const auto& entry : shards[s].partitioned) {
          const std::string& key = entry.first;
          if (key.size() > site.size() && key[key.size() - site.size() - 1] == ' ' &&
              std::string_view(key).substr(key.size() - site.size()) == site) {
            explain_bucket(*entry.second);
          }
        }
        continue;
      }
      for (const BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
        for (const auto& entry : *map) explain_bucket(*entry.second);
      }
    }
  }
  std::sort(sent.begin(), sent.end(),
            [](const CookieJar::Explanation& a, const CookieJar::Explanation& b) {
              return HeaderOrder(a.cookie, b.cookie);
            });
  std::sort(not_sent.begin(), not_sent.end(),
            [](const CookieJar::Explanation& a, const CookieJar::Explanation& b) {
              return std::tie(a.cookie.domain, a.cookie.path, a.cookie.name, a.cookie.creation) <
                     std::tie(b.cookie.domain, b.cookie.path, b.cookie.name, b.cookie.creation);
            });
  sent.insert(sent.end(), std::make_move_iterator(not_sent.begin()),
              std::make_move_iterator(not_sent.end()));
  return sent;
}

std::vector<CanonicalCookie> JarCore::GetAllCookies() {
  const int64_t now_us = NowMicros();
  struct Group {
    bool partitioned;
    std::string key;
    std::vector<CanonicalCookie> cookies;
  };
  std::vector<Group> groups;
  if (Shard* shards = Shards(false)) {
    for (size_t s = 0; s < kShardCount; ++s) {
      std::shared_lock<DistributedSharedMutex> lock(shards[s].mu);
      for (const BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
        for (const auto& entry : *map) {
          Group group{map == &shards[s].partitioned, entry.first, {}};
          const Bucket& bucket = *entry.second;
          bucket.ForEach([&](const CookieRecord& record) {
            if (!record.IsExpired(now_us)) group.cookies.push_back(bucket.ToCanonical(record));
          });
          groups.push_back(std::move(group));
        }
      }
    }
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return std::tie(a.partitioned, a.key) < std::tie(b.partitioned, b.key);
  });
  std::vector<CanonicalCookie> cookies;
  for (Group& group : groups) {
    for (CanonicalCookie& cookie : group.cookies) cookies.push_back(std::move(cookie));
  }
  return cookies;
}

bool JarCore::DeleteCookie(const CanonicalCookie& cookie) {
  if (Shards(false) == nullptr) return false;
  ChangeLog log(&dispatcher_);
  bool deleted = false;
  {
    const std::string_view site = SiteKey(cookie.domain);
    Shard* shard = ShardFor(site);
    std::unique_lock<DistributedSharedMutex> lock(shard->mu);
    BucketMap& map = cookie.partition_key ? shard->partitioned : shard->buckets;
    auto bucket = map.find(AbslView(cookie.partition_key
                                         ? PartitionBucketKey(*cookie.partition_key, site)
                                         : std::string(site)));
    if (bucket != map.end()) {
      Bucket& b = *bucket->second;
      CookieRecord* same = b.Find(cookie.name, cookie.domain, cookie.host_only, cookie.path);
      if (same != nullptr) {
        Remove(&shard->arena, &b, same, CookieChangeCause::kExplicit, &log);
        if (b.empty()) map.erase(bucket);
        deleted = true;
      }
    }
  }
  return deleted;
}

template <typename Doomed>
size_t JarCore::RemoveEverywhere(Doomed doomed, CookieChangeCause cause) {
  Shard* shards = Shards(false);
  if (shards == nullptr) return 0;
  ChangeLog log(&dispatcher_);
  const int64_t now_us = NowMicros();
  size_t removed = 0;
  for (size_t s = 0; s < kShardCount; ++s) {
    std::unique_lock<DistributedSharedMutex> lock(shards[s].mu);
    for (BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
      for (auto it = map->begin(); it != map->end();) {
        Bucket& bucket = *it->second;
        // Expired cookies go as expired, and are not counted.
        PurgeExpired(&shards[s].arena, &bucket, now_us, &log);
        for (CookieRecord* record : bucket.Live()) {
          if (!doomed(*record)) continue;
          Remove(&shards[s].arena, &bucket, record, cause, &log);
          ++removed;
        }
        if (bucket.empty()) {
          map->erase(it++);
        } else {
          ++it;
        }
      }
    }
  }
  return removed;
}

size_t JarCore::DeleteAll() {
  return RemoveEverywhere([](const CookieRecord&) { return true; }, CookieChangeCause::kExplicit);
}

size_t JarCore::EndSession() {
  return RemoveEverywhere([](const CookieRecord& c) { return !c.IsPersistent(); },
                          CookieChangeCause::kSessionEnded);
}

size_t JarCore::size() {
  Shard* shards = Shards(false);
  if (shards == nullptr) return 0;
  const int64_t now_us = NowMicros();
  size_t live = 0;
  for (size_t s = 0; s < kShardCount; ++s) {
    std::shared_lock<DistributedSharedMutex> lock(shards[s].mu);
    for (const BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
      for (const auto& entry : *map) {
        entry.second->ForEach([&](const CookieRecord& c) { live += !c.IsExpired(now_us); });
      }
    }
  }
  return live;
}

void JarCore::SetAccessPolicy(CookieAccessPolicy policy) {
  std::unique_lock<SharedMutex> lock(policy_mu_);
  access_policy_ = std::move(policy);
  // Readers look at these without the lock, in this order: allows_all, then
  // has_exceptions (true sends them to the lock, which this holds), then
  // accept. Stored so that each reader sees the old policy or the new one.
  const bool exceptions = !access_policy_.site_exceptions.empty();
  if (exceptions) policy_has_exceptions_.store(true, std::memory_order_release);
  policy_accept_.store(static_cast<uint8_t>(access_policy_.accept), std::memory_order_release);
  policy_partitions_.store(access_policy_.accept == CookieAcceptPolicy::kPartitionThirdParty,
                           std::memory_order_release);
  if (!exceptions) policy_has_exceptions_.store(false, std::memory_order_release);
  policy_allows_all_.store(access_policy_.accept == CookieAcceptPolicy::kAllowAll && !exceptions,
                           std::memory_order_release);
}

}  // namespace jar_internal
}  // namespace cookiejar
