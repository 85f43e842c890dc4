#include "cookiejar/cookie_jar.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <tuple>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "cookiejar/parsed_cookie.h"

namespace cookiejar {

using jar_internal::Bucket;
using jar_internal::CookieDraft;
using jar_internal::StoredCookie;
using Reason = CookieExclusionReason;

namespace {

// Eviction order: least recently accessed first, then oldest.
bool EvictionOrder(const StoredCookie& a, const StoredCookie& b) {
  const int64_t la = a.last_access_us(), lb = b.last_access_us();
  if (la != lb) return la < lb;
  return a.creation_us() < b.creation_us();
}

// Cookie header order (RFC 6265bis §5.8.3 step 2).
bool HeaderOrder(const StoredCookie& a, const StoredCookie& b) {
  if (a.path().size() != b.path().size()) return a.path().size() > b.path().size();
  return a.creation_us() < b.creation_us();
}

bool HeaderOrder(const CanonicalCookie& a, const CanonicalCookie& b) {
  if (a.path.size() != b.path.size()) return a.path.size() > b.path.size();
  return a.creation < b.creation;
}

// Indices of `bucket` in eviction order.
std::vector<size_t> EvictionIndices(const Bucket& bucket) {
  std::vector<size_t> order(bucket.cookies.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return EvictionOrder(bucket.cookies[a], bucket.cookies[b]);
  });
  return order;
}

size_t Quota(const CookieLimits& limits, CookiePriority priority) {
  switch (priority) {
    case CookiePriority::kLow: return limits.quota_low;
    case CookiePriority::kMedium: return limits.quota_medium;
    case CookiePriority::kHigh: return limits.quota_high;
  }
  return 0;
}

int64_t DurationMicros(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return INT64_MAX;
  return absl::ToInt64Microseconds(d);
}

}  // namespace

std::string_view ChangeCauseName(CookieChangeCause cause) {
  switch (cause) {
    case CookieChangeCause::kInserted: return "inserted";
    case CookieChangeCause::kOverwrite: return "overwrite";
    case CookieChangeCause::kExpiredOverwrite: return "expired_overwrite";
    case CookieChangeCause::kExpired: return "expired";
    case CookieChangeCause::kExplicit: return "explicit";
    case CookieChangeCause::kSessionEnded: return "session_ended";
    case CookieChangeCause::kEvictedSite: return "evicted_site";
    case CookieChangeCause::kEvictedGlobal: return "evicted_global";
    case CookieChangeCause::kEvictedPartition: return "evicted_partition";
  }
  return "unknown";
}

// What one request may receive: the request's capabilities (jar_internal::Need
// bits) and what the lax-allowing-unsafe exception needs.
struct CookieJar::RequestFilter {
  int64_t now_us;
  uint8_t grants;
  bool lax_allowing_unsafe;  // Applies to this request.
  int64_t lax_allowing_unsafe_since_us;

  bool Allows(const StoredCookie& cookie) const {
    if (cookie.IsExpired(now_us)) return false;
    const uint8_t missing = cookie.needs() & ~grants;
    if (missing == 0) return true;
    return missing == jar_internal::kNeedLax && lax_allowing_unsafe &&
           cookie.lax_by_default() && cookie.creation_us() >= lax_allowing_unsafe_since_us;
  }
};

CookieJar::CookieJar(CookieJarOptions options)
    : psl_(options.public_suffix_list ? options.public_suffix_list
                                      : &PublicSuffixList::Builtin()),
      clock_(options.clock ? options.clock : &Clock::System()),
      limits_(options.limits),
      same_site_policy_(options.same_site) {
  SetAccessPolicy(std::move(options.access_policy));
}

CookieJar::~CookieJar() { delete[] shards_.load(); }

int64_t CookieJar::NowMicros() const { return absl::ToUnixMicros(clock_->Now()); }

std::string_view CookieJar::SiteKey(std::string_view host) const {
  std::string_view site = psl_->RegistrableDomain(host);
  return site.empty() ? host : site;
}

std::string CookieJar::PartitionBucketKey(const CookiePartitionKey& partition,
                                          std::string_view site) {
  return absl::StrCat(partition.cross_site_ancestor ? "1" : "0", partition.top_level_site, " ",
                      AbslView(site));
}

CookieJar::Shard* CookieJar::Shards(bool create) const {
  Shard* shards = shards_.load(std::memory_order_acquire);
  if (shards != nullptr || !create) return shards;
  Shard* fresh = new Shard[kShardCount];
  if (shards_.compare_exchange_strong(shards, fresh, std::memory_order_acq_rel)) return fresh;
  delete[] fresh;  // Another thread won; `shards` now holds its array.
  return shards;
}

CookieJar::Shard* CookieJar::ShardFor(std::string_view site) const {
  Shard* shards = Shards(true);
  return &shards[absl::Hash<absl::string_view>{}(AbslView(site)) % kShardCount];
}

CookieAccessContext CookieJar::AccessContext(const Url& url,
                                             const CookieOptions& options) const {
  CookieAccessContext context;
  context.api = options.api;
  context.same_site_policy = same_site_policy_;
  context.same_site =
      ComputeSameSiteContext(url, options, *psl_, same_site_policy_.schemeful);
  return context;
}

bool CookieJar::PolicyAllows(const Url& url, const CookieOptions& options,
                             bool partitioned) const {
  if (policy_allows_all_.load(std::memory_order_acquire)) return true;
  std::shared_lock<SharedMutex> lock(policy_mu_);
  if (!access_policy_.site_exceptions.empty()) {
    auto exception = access_policy_.site_exceptions.find(
        AbslView(RegistrableDomainOrHost(url, *psl_)));
    if (exception != access_policy_.site_exceptions.end()) {
      return exception->second == SiteException::kAllow;
    }
  }
  switch (access_policy_.accept) {
    case CookieAcceptPolicy::kAllowAll: return true;
    case CookieAcceptPolicy::kBlockAll: return false;
    case CookieAcceptPolicy::kBlockThirdParty:
      return partitioned ||
             !IsThirdParty(url, options, *psl_, same_site_policy_.schemeful);
  }
  return true;
}

void CookieJar::Record(const Bucket& bucket, const StoredCookie& cookie,
                       CookieChangeCause cause, ChangeList* changes) {
  if (changes == nullptr) return;  // Nobody listens.
  const uint64_t sequence = change_sequence_.fetch_add(1, std::memory_order_relaxed) + 1;
  changes->push_back({bucket.ToCanonical(cookie), cause, sequence});
}

size_t CookieJar::RemoveMarked(Bucket* bucket, const std::vector<bool>& doomed,
                               CookieChangeCause cause, ChangeList* changes) {
  size_t kept = 0;
  for (size_t i = 0; i < bucket->cookies.size(); ++i) {
    if (doomed[i]) {
      Record(*bucket, bucket->cookies[i], cause, changes);
      bucket->DropDomainReference(bucket->cookies[i].domain_index());
      count_.fetch_sub(1, std::memory_order_relaxed);
    } else {
      if (kept != i) bucket->cookies[kept] = std::move(bucket->cookies[i]);
      ++kept;
    }
  }
  const size_t removed = bucket->cookies.size() - kept;
  bucket->cookies.erase(bucket->cookies.begin() + kept, bucket->cookies.end());
  return removed;
}

void CookieJar::PurgeExpired(Bucket* bucket, int64_t now_us, ChangeList* changes) {
  std::vector<bool> expired;
  for (size_t i = 0; i < bucket->cookies.size(); ++i) {
    if (!bucket->cookies[i].IsExpired(now_us)) continue;
    if (expired.empty()) expired.resize(bucket->cookies.size());
    expired[i] = true;
  }
  if (!expired.empty()) RemoveMarked(bucket, expired, CookieChangeCause::kExpired, changes);
}

bool CookieJar::MakeRoomFirefoxStyle(Bucket* bucket, bool incoming_secure,
                                     ChangeList* changes) {
  const size_t limit = std::max<size_t>(1, limits_.max_cookies_per_site - limits_.purge_site_to);
  const std::vector<size_t> order = EvictionIndices(*bucket);
  std::vector<bool> doomed(bucket->cookies.size());
  // First pass: non-secure cookies only (expired ones are already gone).
  size_t taken = 0;
  for (size_t index : order) {
    if (taken == limit) break;
    if (!bucket->cookies[index].secure()) {
      doomed[index] = true;
      ++taken;
    }
  }
  if (taken == 0) {
    // Only Secure cookies could make room, and only for a Secure cookie.
    if (!incoming_secure) return false;
    for (size_t index : order) {
      if (taken == limit) break;
      doomed[index] = true;
      ++taken;
    }
  }
  RemoveMarked(bucket, doomed, CookieChangeCause::kEvictedSite, changes);
  return true;
}

void CookieJar::EnforceSiteLimit(Bucket* bucket, int64_t now_us, ChangeList* changes) {
  const size_t max = limits_.max_cookies_per_site;
  if (max == 0 || bucket->cookies.size() <= max) return;
  PurgeExpired(bucket, now_us, changes);
  const size_t size = bucket->cookies.size();
  if (size <= max) return;
  size_t goal = size - std::min(limits_.purge_site_to, size);
  const std::vector<size_t> order = EvictionIndices(*bucket);
  std::vector<bool> doomed(size);

  if (limits_.style != EvictionStyle::kChromium) {
    for (size_t i = 0; i < goal; ++i) doomed[order[i]] = true;
  } else {
    // Chromium's rounds: each removes least recently accessed cookies of one
    // priority (the non-secure ones only, when `protect_secure`), but never
    // below that priority's quota.
    static constexpr struct {
      CookiePriority priority;
      bool protect_secure;
    } kRounds[] = {
        {CookiePriority::kLow, true},     {CookiePriority::kLow, false},
        {CookiePriority::kMedium, true},  {CookiePriority::kHigh, true},
        {CookiePriority::kMedium, false}, {CookiePriority::kHigh, false},
    };
    for (const auto& round : kRounds) {
      if (goal == 0) break;
      size_t at_priority = 0, secure_at_priority = 0;
      for (size_t i = 0; i < size; ++i) {
        const StoredCookie& c = bucket->cookies[i];
        if (doomed[i] || c.priority() != round.priority) continue;
        ++at_priority;
        secure_at_priority += c.secure();
      }
      const size_t quota = Quota(limits_, round.priority);
      if (at_priority <= quota) continue;
      size_t deletable =
          at_priority - (round.protect_secure ? std::max(secure_at_priority, quota) : quota);
      for (size_t index : order) {
        if (goal == 0 || deletable == 0) break;
        const StoredCookie& c = bucket->cookies[index];
        if (doomed[index] || c.priority() != round.priority) continue;
        if (round.protect_secure && c.secure()) continue;
        doomed[index] = true;
        --goal;
        --deletable;
      }
    }
  }
  RemoveMarked(bucket, doomed, CookieChangeCause::kEvictedSite, changes);
}

void CookieJar::EnforcePartitionLimit(Bucket* bucket, int64_t now_us, ChangeList* changes) {
  const size_t max_count = limits_.max_cookies_per_partition_site;
  const size_t max_bytes = limits_.max_bytes_per_partition_site;
  auto over = [&](size_t count, size_t bytes) {
    return (max_count != 0 && count > max_count) || (max_bytes != 0 && bytes > max_bytes);
  };
  auto bytes_of = [](const Bucket& b) {
    size_t bytes = 0;
    for (const StoredCookie& c : b.cookies) bytes += c.name_value_bytes();
    return bytes;
  };
  if (!over(bucket->cookies.size(), bytes_of(*bucket))) return;
  PurgeExpired(bucket, now_us, changes);
  size_t count = bucket->cookies.size(), bytes = bytes_of(*bucket);
  std::vector<bool> doomed(count);
  for (size_t index : EvictionIndices(*bucket)) {
    if (!over(count, bytes)) break;
    doomed[index] = true;
    --count;
    bytes -= bucket->cookies[index].name_value_bytes();
  }
  RemoveMarked(bucket, doomed, CookieChangeCause::kEvictedPartition, changes);
}

void CookieJar::EnforceGlobalLimit(int64_t now_us, ChangeList* changes) {
  const size_t max = limits_.max_cookies;
  const size_t hard = limits_.max_cookies_hard;
  const size_t count = static_cast<size_t>(count_.load(std::memory_order_relaxed));
  if (max == 0 || count <= max) return;
  const bool over_hard = hard != 0 && count > hard;
  // Chromium's shortcut: until the oldest access is older than the spared
  // period, a purge could only remove expired cookies; skip it.
  if (!over_hard && now_us < next_global_purge_us_.load(std::memory_order_relaxed)) return;

  Shard* shards = Shards(true);
  std::vector<std::unique_lock<SharedMutex>> locks;
  for (size_t s = 0; s < kShardCount; ++s) locks.emplace_back(shards[s].mu);

  auto for_each_bucket = [&](auto&& fn) {
    for (size_t s = 0; s < kShardCount; ++s) {
      for (BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
        for (auto& entry : *map) fn(entry.second.get());
      }
    }
  };
  for_each_bucket([&](Bucket* bucket) { PurgeExpired(bucket, now_us, changes); });

  // Above the hard limit, or with nothing spared, every cookie may go.
  const int64_t spare_us = over_hard ? 0 : DurationMicros(limits_.global_purge_spares_recent);
  const int64_t spared_since = spare_us == 0           ? INT64_MAX
                               : spare_us == INT64_MAX ? INT64_MIN
                                                       : now_us - spare_us;
  size_t live = static_cast<size_t>(count_.load(std::memory_order_relaxed));
  if (live > max) {
    size_t goal = live - std::min(limits_.purge_to, live);
    struct Candidate {
      Bucket* bucket;
      size_t index;
    };
    std::vector<Candidate> candidates;
    for_each_bucket([&](Bucket* bucket) {
      for (size_t i = 0; i < bucket->cookies.size(); ++i) {
        if (bucket->cookies[i].last_access_us() < spared_since) candidates.push_back({bucket, i});
      }
    });
    const bool secure_last = limits_.style == EvictionStyle::kChromium;
    std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
      const StoredCookie& x = a.bucket->cookies[a.index];
      const StoredCookie& y = b.bucket->cookies[b.index];
      if (secure_last && x.secure() != y.secure()) return !x.secure();
      return EvictionOrder(x, y);
    });
    absl::flat_hash_map<Bucket*, std::vector<bool>> doomed;
    for (const Candidate& candidate : candidates) {
      if (goal == 0) break;
      std::vector<bool>& marks = doomed[candidate.bucket];
      if (marks.empty()) marks.resize(candidate.bucket->cookies.size());
      marks[candidate.index] = true;
      --goal;
    }
    for (auto& [bucket, marks] : doomed) {
      RemoveMarked(bucket, marks, CookieChangeCause::kEvictedGlobal, changes);
    }
  }
  // The next purge can find nothing before the oldest remaining access
  // leaves the spared period.
  int64_t oldest = INT64_MAX;
  for_each_bucket([&](Bucket* bucket) {
    for (const StoredCookie& c : bucket->cookies) oldest = std::min(oldest, c.last_access_us());
  });
  const int64_t full_spare = DurationMicros(limits_.global_purge_spares_recent);
  next_global_purge_us_.store(
      oldest == INT64_MAX || full_spare == 0 ? INT64_MIN
      : full_spare == INT64_MAX || oldest > INT64_MAX - full_spare ? INT64_MAX
                                                                  : oldest + full_spare,
      std::memory_order_relaxed);
  for (size_t s = 0; s < kShardCount; ++s) {
    for (BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
      for (auto it = map->begin(); it != map->end();) {
        if (it->second->cookies.empty()) {
          map->erase(it++);
        } else {
          ++it;
        }
      }
    }
  }
}

int64_t CookieJar::NextCreation(int64_t now_us) {
  // Unique, increasing creation times keep the order in which cookies of one
  // response arrived.
  int64_t last = last_creation_us_.load(std::memory_order_relaxed);
  int64_t next;
  do {
    next = std::max(now_us, last + 1);
  } while (!last_creation_us_.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return next;
}

void CookieJar::Deliver(const ChangeList& changes) {
  if (changes.empty()) return;
  std::vector<std::shared_ptr<CookieChangeListener>> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    for (const auto& entry : listeners_) listeners.push_back(entry.second);
  }
  for (const CookieChange& change : changes) {
    for (const auto& listener : listeners) (*listener)(change);
  }
}

CookieInclusionStatus CookieJar::SetCookie(std::string_view url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  absl::StatusOr<Url> parsed_url = Url::Parse(url);
  if (!parsed_url.ok()) return CookieInclusionStatus(Reason::kInvalidUrl);
  return SetCookie(*parsed_url, set_cookie, options);
}

CookieInclusionStatus CookieJar::SetCookie(const Url& url, std::string_view set_cookie,
                                           const CookieOptions& options) {
  ParsedCookie parsed;
  CookieInclusionStatus status =
      ParsedCookie::Parse(set_cookie, &parsed, limits_.max_name_value_bytes);
  if (!status.IsInclude()) return status;
  const absl::Time now = clock_->Now();
  const int64_t now_us = absl::ToUnixMicros(now);
  CookieAccessContext context = AccessContext(url, options);
  CookiePartitionKey partition;
  if (parsed.partitioned) {
    partition = CookiePartitionKey::ForRequest(url, options, *psl_);
    context.partition_key = &partition;
  }
  CookieDraft draft;
  status = jar_internal::DraftCookie(parsed, url, now, context, *psl_, limits_.max_expiry_age,
                                     &draft);
  if (!PolicyAllows(url, options, parsed.partitioned)) status.Add(Reason::kUserPreferences);
  if (!status.IsInclude()) return status;

  StoreRequest request;
  request.draft = &draft;
  request.partition = parsed.partitioned ? &partition : nullptr;
  request.now_us = now_us;
  request.protect_secure = !url.IsPotentiallyTrustworthy();
  request.script = options.api != CookieApi::kHttp;
  return Store(request);
}

CookieInclusionStatus CookieJar::ImportCookie(const CanonicalCookie& cookie) {
  CookieDraft draft;
  CookieInclusionStatus status = jar_internal::DraftFromCanonical(
      cookie, *psl_, limits_.max_name_value_bytes, &draft);
  if (!status.IsInclude()) return status;
  const int64_t now_us = NowMicros();
  if (draft.IsExpired(jar_internal::FromMicros(now_us))) {
    return CookieInclusionStatus(Reason::kExpired);
  }
  StoreRequest request;
  request.draft = &draft;
  request.partition = cookie.partition_key ? &*cookie.partition_key : nullptr;
  request.now_us = now_us;
  request.creation_us = jar_internal::ToMicros(cookie.creation);
  request.last_access_us = std::min(jar_internal::ToMicros(cookie.last_access), now_us);
  // Cookies that come back from storage may be old: the global purge has to
  // look again.
  next_global_purge_us_.store(INT64_MIN, std::memory_order_relaxed);
  return Store(request);
}

CookieInclusionStatus CookieJar::Store(const StoreRequest& request) {
  const CookieDraft& draft = *request.draft;
  const int64_t now_us = request.now_us;
  CookieInclusionStatus status;
  ChangeList changes;
  ChangeList* record = has_listeners_.load(std::memory_order_acquire) ? &changes : nullptr;
  bool inserted = false;
  {
    Shard* shard = ShardFor(draft.site);
    std::unique_lock<SharedMutex> lock(shard->mu);
    BucketMap& map = draft.partitioned ? shard->partitioned : shard->buckets;
    std::string partition_bucket_key;
    if (draft.partitioned) partition_bucket_key = PartitionBucketKey(*request.partition, draft.site);
    const std::string_view key = draft.partitioned ? partition_bucket_key : draft.site;

    auto bucket_it = map.find(AbslView(key));
    Bucket* bucket = bucket_it == map.end() ? nullptr : bucket_it->second.get();
    std::optional<int64_t> inherited_creation;
    bool replaced = false;
    const bool expired = draft.IsExpired(jar_internal::FromMicros(now_us));
    if (bucket != nullptr) {
      PurgeExpired(bucket, now_us, record);
      if (request.protect_secure) {
        // Leave secure cookies alone: same name, either domain within the
        // other, and the new cookie's path on the secure cookie's path.
        for (const StoredCookie& existing : bucket->cookies) {
          if (!existing.secure() || existing.name() != draft.name) continue;
          const std::string& domain = bucket->domains[existing.domain_index()].domain;
          if ((DomainMatches(draft.domain, domain) || DomainMatches(domain, draft.domain)) &&
              PathMatches(draft.path, existing.path())) {
            return CookieInclusionStatus(Reason::kOverwriteSecure);
          }
        }
      }
      const ptrdiff_t same = bucket->Find(draft.name, draft.domain, draft.host_only, draft.path);
      if (same >= 0) {
        const StoredCookie& old = bucket->cookies[same];
        if (old.http_only() && request.script) {
          return CookieInclusionStatus(Reason::kOverwriteHttpOnly);
        }
        if (old.value() == draft.value) inherited_creation = old.creation_us();
        Record(*bucket, old,
               expired ? CookieChangeCause::kExpiredOverwrite : CookieChangeCause::kOverwrite,
               record);
        bucket->Erase(same);
        count_.fetch_sub(1, std::memory_order_relaxed);
        replaced = true;
      }
    }
    if (expired) {
      if (bucket != nullptr && bucket->cookies.empty()) map.erase(bucket_it);
    } else if (bucket != nullptr && !replaced && !draft.partitioned &&
               limits_.style == EvictionStyle::kFirefox && limits_.max_cookies_per_site != 0 &&
               bucket->cookies.size() >= limits_.max_cookies_per_site &&
               !MakeRoomFirefoxStyle(bucket, draft.secure, record)) {
      status.Add(Reason::kSiteCookieLimit);
    } else {
      if (bucket == nullptr) {
        std::unique_ptr<Bucket>& slot = map[AbslView(key)];
        slot = std::make_unique<Bucket>();
        bucket = slot.get();
        if (draft.partitioned) {
          bucket->partition = std::make_unique<CookiePartitionKey>(*request.partition);
        }
      }
      int64_t creation;
      if (request.creation_us) {
        creation = *request.creation_us;
        // New cookies must still come after this one.
        int64_t last = last_creation_us_.load(std::memory_order_relaxed);
        while (last < creation &&
               !last_creation_us_.compare_exchange_weak(last, creation, std::memory_order_relaxed)) {
        }
      } else {
        creation = inherited_creation ? *inherited_creation : NextCreation(now_us);
      }
      const uint32_t domain_index = bucket->AddDomainReference(draft.domain, draft.host_only);
      const size_t at = bucket->Insert(StoredCookie(draft, domain_index, creation,
                                                    request.last_access_us.value_or(now_us),
                                                    same_site_policy_.lax_by_default));
      count_.fetch_add(1, std::memory_order_relaxed);
      Record(*bucket, bucket->cookies[at], CookieChangeCause::kInserted, record);
      if (draft.partitioned) {
        EnforcePartitionLimit(bucket, now_us, record);
      } else if (limits_.style != EvictionStyle::kFirefox) {
        EnforceSiteLimit(bucket, now_us, record);
      }
      inserted = true;
    }
  }
  if (inserted) EnforceGlobalLimit(now_us, record);
  Deliver(changes);
  return status;
}

absl::StatusOr<std::string> CookieJar::GetCookieHeader(std::string_view url,
                                                       const CookieOptions& options) {
  absl::StatusOr<Url> parsed_url = Url::Parse(url);
  if (!parsed_url.ok()) return parsed_url.status();
  return GetCookieHeader(*parsed_url, options);
}

std::string CookieJar::GetCookieHeader(const Url& url, const CookieOptions& options) {
  std::string header;
  AppendCookieHeader(url, options, &header);
  return header;
}

namespace {

// Copies n bytes with at most two overlapping moves when n <= 32: cookie
// pairs are short, and a call to memcpy per pair costs more than the copy.
inline void CopyPair(char* dst, const char* src, size_t n) {
  if (n <= 32) {
    if (n >= 16) {
      char a[16], b[16];
      std::memcpy(a, src, 16);
      std::memcpy(b, src + n - 16, 16);
      std::memcpy(dst, a, 16);
      std::memcpy(dst + n - 16, b, 16);
    } else if (n >= 8) {
      uint64_t a, b;
      std::memcpy(&a, src, 8);
      std::memcpy(&b, src + n - 8, 8);
      std::memcpy(dst, &a, 8);
      std::memcpy(dst + n - 8, &b, 8);
    } else {
      for (size_t i = 0; i < n; ++i) dst[i] = src[i];
    }
    return;
  }
  std::memcpy(dst, src, n);
}

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

  void Add(const Bucket&, const StoredCookie& cookie) {
    *next_++ = cookie.pair();
    bytes_ += cookie.pair().size();
  }

  void Finish() {
    count_ = next_ - pairs_.data();
    if (count_ == 0) return;
    const size_t start = out_->size();
    out_->resize(start + bytes_ + 2 * (count_ - 1));
    char* p = out_->data() + start;
    for (size_t i = 0; i < count_; ++i) {
      if (i > 0) {
        p[0] = ';';
        p[1] = ' ';
        p += 2;
      }
      CopyPair(p, pairs_[i].data(), pairs_[i].size());
      p += pairs_[i].size();
    }
  }

  size_t count() const { return count_; }

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
};

class CanonicalSink {
 public:
  void Reserve(size_t) {}
  void Add(const Bucket& bucket, const StoredCookie& cookie) {
    cookies.push_back(bucket.ToCanonical(cookie));
  }
  void Finish() {}
  std::vector<CanonicalCookie> cookies;
};

}  // namespace

size_t CookieJar::AppendCookieHeader(const Url& url, const CookieOptions& options,
                                     std::string* out) {
  HeaderSink sink(out);
  VisitIncluded(url, options, sink);
  return sink.count();
}

std::vector<CanonicalCookie> CookieJar::GetCookies(const Url& url, const CookieOptions& options) {
  CanonicalSink sink;
  VisitIncluded(url, options, sink);
  return std::move(sink.cookies);
}

template <typename Sink>
void CookieJar::VisitIncluded(const Url& url, const CookieOptions& options, Sink& sink) {
  Shard* shards = Shards(false);
  if (shards == nullptr) return;  // An empty jar.
  const std::string_view site = SiteKey(url.host());
  Shard& shard = shards[absl::Hash<absl::string_view>{}(AbslView(site)) % kShardCount];

  const SameSiteContext same_site =
      ComputeSameSiteContext(url, options, *psl_, same_site_policy_.schemeful);
  RequestFilter filter;
  filter.now_us = NowMicros();
  filter.grants = 0;
  if (url.IsPotentiallyTrustworthy()) filter.grants |= jar_internal::kNeedTrustworthy;
  if (options.api == CookieApi::kHttp) filter.grants |= jar_internal::kNeedHttpApi;
  if (same_site >= SameSiteContext::kLax) filter.grants |= jar_internal::kNeedLax;
  if (same_site == SameSiteContext::kStrict) filter.grants |= jar_internal::kNeedStrict;
  filter.lax_allowing_unsafe = same_site_policy_.lax_allowing_unsafe &&
                               same_site == SameSiteContext::kLaxMethodUnsafe;
  filter.lax_allowing_unsafe_since_us =
      filter.now_us - DurationMicros(same_site_policy_.lax_allowing_unsafe_max_age);
  const int64_t access_granularity = DurationMicros(limits_.last_access_granularity);
  const bool plain_allowed = PolicyAllows(url, options, /*partitioned=*/false);

  std::shared_lock<SharedMutex> lock(shard.mu);
  const Bucket* plain = nullptr;
  if (plain_allowed) {
    auto it = shard.buckets.find(AbslView(site));
    if (it != shard.buckets.end()) plain = it->second.get();
  }
  const Bucket* partitioned = nullptr;
  if (!shard.partitioned.empty() && PolicyAllows(url, options, /*partitioned=*/true)) {
    const CookiePartitionKey partition = CookiePartitionKey::ForRequest(url, options, *psl_);
    auto it = shard.partitioned.find(AbslView(PartitionBucketKey(partition, site)));
    if (it != shard.partitioned.end()) partitioned = it->second.get();
  }
  if (plain == nullptr && partitioned == nullptr) return;
  sink.Reserve((plain ? plain->cookies.size() : 0) +
               (partitioned ? partitioned->cookies.size() : 0));

  // Which of each bucket's domains the host matches, worked out once.
  const std::string& host = url.host();
  auto domain_matches = [&](const Bucket* bucket, std::vector<uint8_t>* matches) {
    if (bucket == nullptr) return;
    matches->resize(bucket->domains.size());
    for (size_t d = 0; d < bucket->domains.size(); ++d) {
      const jar_internal::DomainEntry& entry = bucket->domains[d];
      (*matches)[d] = entry.references != 0 && (entry.host_only ? host == entry.domain
                                                                : DomainMatches(host, entry.domain));
    }
  };
  thread_local std::vector<uint8_t> plain_matches_storage, partitioned_matches_storage;
  std::vector<uint8_t>& plain_matches = plain_matches_storage;
  std::vector<uint8_t>& partitioned_matches = partitioned_matches_storage;
  domain_matches(plain, &plain_matches);
  domain_matches(partitioned, &partitioned_matches);

  const std::string& path = url.path();
  auto included = [&](const StoredCookie& cookie, const std::vector<uint8_t>& matches) {
    return filter.Allows(cookie) && matches[cookie.domain_index()] &&
           (cookie.root_path() || PathMatches(path, cookie.path()));
  };
  auto send = [&](const Bucket& bucket, const StoredCookie& cookie) {
    if (filter.now_us - cookie.last_access_us() >= access_granularity) {
      cookie.set_last_access_us(filter.now_us);
    }
    sink.Add(bucket, cookie);
  };

  if (partitioned == nullptr) {
    for (const StoredCookie& cookie : plain->cookies) {
      if (included(cookie, plain_matches)) send(*plain, cookie);
    }
    sink.Finish();
    return;
  }
  // Both buckets are in header order: merge them.
  static const Bucket kEmpty;
  if (plain == nullptr) plain = &kEmpty;
  size_t i = 0, j = 0;
  while (i < plain->cookies.size() || j < partitioned->cookies.size()) {
    const bool take_plain =
        j == partitioned->cookies.size() ||
        (i < plain->cookies.size() && !HeaderOrder(partitioned->cookies[j], plain->cookies[i]));
    if (take_plain) {
      const StoredCookie& cookie = plain->cookies[i++];
      if (included(cookie, plain_matches)) send(*plain, cookie);
    } else {
      const StoredCookie& cookie = partitioned->cookies[j++];
      if (included(cookie, partitioned_matches)) send(*partitioned, cookie);
    }
  }
  sink.Finish();
}

std::vector<CookieJar::Explanation> CookieJar::Explain(const Url& url,
                                                       const CookieOptions& options) {
  const absl::Time now = clock_->Now();
  CookieAccessContext context = AccessContext(url, options);
  const CookiePartitionKey partition = CookiePartitionKey::ForRequest(url, options, *psl_);
  context.partition_key = &partition;
  const bool plain_allowed = PolicyAllows(url, options, false);
  const bool partitioned_allowed = PolicyAllows(url, options, true);
  std::vector<Explanation> sent, not_sent;
  if (Shard* shards = Shards(false)) {
    for (size_t s = 0; s < kShardCount; ++s) {
      std::shared_lock<SharedMutex> lock(shards[s].mu);
      for (const BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
        for (const auto& entry : *map) {
          for (const StoredCookie& stored : entry.second->cookies) {
            CanonicalCookie cookie = entry.second->ToCanonical(stored);
            if (cookie.IsExpired(now)) continue;
            CookieInclusionStatus status = cookie.IncludeForRequest(url, now, context);
            if (!(cookie.partition_key ? partitioned_allowed : plain_allowed)) {
              status.Add(Reason::kUserPreferences);
            }
            (status.IsInclude() ? sent : not_sent).push_back({std::move(cookie), status});
          }
        }
      }
    }
  }
  std::sort(sent.begin(), sent.end(), [](const Explanation& a, const Explanation& b) {
    return HeaderOrder(a.cookie, b.cookie);
  });
  std::sort(not_sent.begin(), not_sent.end(), [](const Explanation& a, const Explanation& b) {
    return std::tie(a.cookie.domain, a.cookie.path, a.cookie.name, a.cookie.creation) <
           std::tie(b.cookie.domain, b.cookie.path, b.cookie.name, b.cookie.creation);
  });
  sent.insert(sent.end(), std::make_move_iterator(not_sent.begin()),
              std::make_move_iterator(not_sent.end()));
  return sent;
}

std::vector<CanonicalCookie> CookieJar::GetAllCookies() {
  const int64_t now_us = NowMicros();
  struct Group {
    bool partitioned;
    std::string key;
    std::vector<CanonicalCookie> cookies;
  };
  std::vector<Group> groups;
  if (Shard* shards = Shards(false)) {
    for (size_t s = 0; s < kShardCount; ++s) {
      std::shared_lock<SharedMutex> lock(shards[s].mu);
      for (const BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
        for (const auto& entry : *map) {
          Group group{map == &shards[s].partitioned, entry.first, {}};
          for (const StoredCookie& cookie : entry.second->cookies) {
            if (!cookie.IsExpired(now_us)) group.cookies.push_back(entry.second->ToCanonical(cookie));
          }
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

bool CookieJar::DeleteCookie(const CanonicalCookie& cookie) {
  if (Shards(false) == nullptr) return false;
  ChangeList changes;
  ChangeList* record = has_listeners_.load(std::memory_order_acquire) ? &changes : nullptr;
  bool deleted = false;
  {
    const std::string_view site = SiteKey(cookie.domain);
    Shard* shard = ShardFor(site);
    std::unique_lock<SharedMutex> lock(shard->mu);
    BucketMap& map = cookie.partition_key ? shard->partitioned : shard->buckets;
    auto bucket = map.find(AbslView(cookie.partition_key
                                         ? PartitionBucketKey(*cookie.partition_key, site)
                                         : std::string(site)));
    if (bucket != map.end()) {
      Bucket& b = *bucket->second;
      const ptrdiff_t same = b.Find(cookie.name, cookie.domain, cookie.host_only, cookie.path);
      if (same >= 0) {
        Record(b, b.cookies[same], CookieChangeCause::kExplicit, record);
        b.Erase(same);
        count_.fetch_sub(1, std::memory_order_relaxed);
        if (b.cookies.empty()) map.erase(bucket);
        deleted = true;
      }
    }
  }
  Deliver(changes);
  return deleted;
}

template <typename Doomed>
size_t CookieJar::RemoveEverywhere(Doomed doomed, CookieChangeCause cause) {
  Shard* shards = Shards(false);
  if (shards == nullptr) return 0;
  ChangeList changes;
  ChangeList* record = has_listeners_.load(std::memory_order_acquire) ? &changes : nullptr;
  size_t removed = 0;
  for (size_t s = 0; s < kShardCount; ++s) {
    std::unique_lock<SharedMutex> lock(shards[s].mu);
    for (BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
      for (auto it = map->begin(); it != map->end();) {
        Bucket& bucket = *it->second;
        std::vector<bool> marks(bucket.cookies.size());
        for (size_t i = 0; i < bucket.cookies.size(); ++i) marks[i] = doomed(bucket.cookies[i]);
        removed += RemoveMarked(&bucket, marks, cause, record);
        if (bucket.cookies.empty()) {
          map->erase(it++);
        } else {
          ++it;
        }
      }
    }
  }
  Deliver(changes);
  return removed;
}

size_t CookieJar::DeleteAll() {
  return RemoveEverywhere([](const StoredCookie&) { return true; }, CookieChangeCause::kExplicit);
}

size_t CookieJar::EndSession() {
  return RemoveEverywhere([](const StoredCookie& c) { return !c.IsPersistent(); },
                          CookieChangeCause::kSessionEnded);
}

size_t CookieJar::size() {
  Shard* shards = Shards(false);
  if (shards == nullptr) return 0;
  const int64_t now_us = NowMicros();
  size_t live = 0;
  for (size_t s = 0; s < kShardCount; ++s) {
    std::shared_lock<SharedMutex> lock(shards[s].mu);
    for (const BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
      for (const auto& entry : *map) {
        for (const StoredCookie& cookie : entry.second->cookies) live += !cookie.IsExpired(now_us);
      }
    }
  }
  return live;
}

void CookieJar::SetAccessPolicy(CookieAccessPolicy policy) {
  std::unique_lock<SharedMutex> lock(policy_mu_);
  access_policy_ = std::move(policy);
  policy_allows_all_.store(access_policy_.accept == CookieAcceptPolicy::kAllowAll &&
                               access_policy_.site_exceptions.empty(),
                           std::memory_order_release);
}

uint64_t CookieJar::AddChangeListener(CookieChangeListener listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  const uint64_t id = next_listener_id_++;
  listeners_.emplace_back(id, std::make_shared<CookieChangeListener>(std::move(listener)));
  has_listeners_.store(true, std::memory_order_release);
  return id;
}

void CookieJar::RemoveChangeListener(uint64_t id) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const auto& entry) { return entry.first == id; }),
                   listeners_.end());
  has_listeners_.store(!listeners_.empty(), std::memory_order_release);
}

}  // namespace cookiejar
