#include "jar/cookie_jar.h"

#include <algorithm>
#include <numeric>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_view.h"
#include "jar/parsed_cookie.h"

namespace cookiejar {
namespace {

using Reason = CookieExclusionReason;

// Cookie header order (RFC 6265bis §5.8.3 step 2).
bool HeaderOrder(const CanonicalCookie& a, const CanonicalCookie& b) {
  if (a.path.size() != b.path.size()) return a.path.size() > b.path.size();
  return a.creation < b.creation;
}

// Eviction order: least recently accessed first, then oldest.
bool EvictionOrder(const CanonicalCookie& a, const CanonicalCookie& b) {
  return std::tie(a.last_access, a.creation) < std::tie(b.last_access, b.creation);
}

// Chromium's match for "leave secure cookies alone": same name, either domain
// within the other, and the new cookie's path on the secure cookie's path.
bool ShadowsSecureCookie(const CanonicalCookie& secure_cookie, const CanonicalCookie& cookie) {
  return secure_cookie.secure && secure_cookie.name == cookie.name &&
         (DomainMatches(cookie.domain, secure_cookie.domain) ||
          DomainMatches(secure_cookie.domain, cookie.domain)) &&
         PathMatches(cookie.path, secure_cookie.path);
}

void AppendPair(const CanonicalCookie& cookie, std::string* out) {
  if (!cookie.name.empty()) {
    out->append(cookie.name);
    out->push_back('=');
  }
  out->append(cookie.value);
}

size_t NameValueBytes(const CanonicalCookie& cookie) {
  return cookie.name.size() + cookie.value.size();
}

// Indices of `bucket` in eviction order.
std::vector<size_t> EvictionIndices(const std::vector<CanonicalCookie>& bucket) {
  std::vector<size_t> order(bucket.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return EvictionOrder(bucket[a], bucket[b]); });
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

CookieJar::CookieJar(CookieJarOptions options)
    : psl_(options.public_suffix_list ? options.public_suffix_list
                                      : &PublicSuffixList::Builtin()),
      clock_(options.clock ? options.clock : &Clock::System()),
      limits_(options.limits),
      same_site_policy_(options.same_site),
      access_policy_(std::move(options.access_policy)) {}

std::string_view CookieJar::SiteKey(std::string_view host) const {
  std::string_view site = psl_->RegistrableDomain(host);
  return site.empty() ? host : site;
}

std::string CookieJar::PartitionBucketKey(const CookiePartitionKey& partition,
                                          std::string_view site) {
  return absl::StrCat(partition.cross_site_ancestor ? "1" : "0", partition.top_level_site, " ",
                      AbslView(site));
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

void CookieJar::Record(const CanonicalCookie& cookie, CookieChangeCause cause,
                       ChangeList* changes) {
  ++change_sequence_;
  if (changes != nullptr) changes->push_back({cookie, cause, change_sequence_});
}

void CookieJar::PurgeExpired(Bucket* bucket, absl::Time now, ChangeList* changes) {
  std::vector<bool> expired(bucket->size());
  bool any = false;
  for (size_t i = 0; i < bucket->size(); ++i) {
    expired[i] = (*bucket)[i].IsExpired(now);
    any |= expired[i];
  }
  if (any) RemoveMarked(bucket, expired, CookieChangeCause::kExpired, changes);
}

void CookieJar::RemoveMarked(Bucket* bucket, const std::vector<bool>& doomed,
                             CookieChangeCause cause, ChangeList* changes) {
  size_t kept = 0;
  for (size_t i = 0; i < bucket->size(); ++i) {
    if (doomed[i]) {
      Record((*bucket)[i], cause, changes);
      --count_;
    } else {
      if (kept != i) (*bucket)[kept] = std::move((*bucket)[i]);
      ++kept;
    }
  }
  bucket->resize(kept);
}

void CookieJar::Insert(Bucket* bucket, CanonicalCookie cookie, ChangeList* changes) {
  Record(cookie, CookieChangeCause::kInserted, changes);
  auto position = std::upper_bound(bucket->begin(), bucket->end(), cookie, HeaderOrder);
  bucket->insert(position, std::move(cookie));
  ++count_;
}

bool CookieJar::MakeRoomFirefoxStyle(Bucket* bucket, const CanonicalCookie& incoming,
                                     absl::Time now, ChangeList* changes) {
  const size_t limit = std::max<size_t>(1, limits_.max_cookies_per_site - limits_.purge_site_to);
  std::vector<size_t> order = EvictionIndices(*bucket);
  std::vector<bool> doomed(bucket->size());
  // First pass: non-secure cookies only (expired ones are already gone).
  size_t taken = 0;
  for (size_t index : order) {
    if (taken == limit) break;
    if (!(*bucket)[index].secure) {
      doomed[index] = true;
      ++taken;
    }
  }
  if (taken == 0) {
    // Only Secure cookies could make room, and only for a Secure cookie.
    if (!incoming.secure) return false;
    for (size_t index : order) {
      if (taken == limit) break;
      doomed[index] = true;
      ++taken;
    }
  }
  RemoveMarked(bucket, doomed, CookieChangeCause::kEvictedSite, changes);
  return true;
}

void CookieJar::EnforceSiteLimit(Bucket* bucket, absl::Time now, ChangeList* changes) {
  const size_t max = limits_.max_cookies_per_site;
  if (max == 0 || bucket->size() <= max) return;
  PurgeExpired(bucket, now, changes);
  if (bucket->size() <= max) return;
  size_t goal = bucket->size() - std::min(limits_.purge_site_to, bucket->size());
  const std::vector<size_t> order = EvictionIndices(*bucket);
  std::vector<bool> doomed(bucket->size());

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
      for (size_t i = 0; i < bucket->size(); ++i) {
        const CanonicalCookie& c = (*bucket)[i];
        if (doomed[i] || c.priority != round.priority) continue;
        ++at_priority;
        secure_at_priority += c.secure;
      }
      const size_t quota = Quota(limits_, round.priority);
      if (at_priority <= quota) continue;
      size_t deletable = at_priority - (round.protect_secure
                                            ? std::max(secure_at_priority, quota)
                                            : quota);
      for (size_t index : order) {
        if (goal == 0 || deletable == 0) break;
        const CanonicalCookie& c = (*bucket)[index];
        if (doomed[index] || c.priority != round.priority) continue;
        if (round.protect_secure && c.secure) continue;
        doomed[index] = true;
        --goal;
        --deletable;
      }
    }
  }
  RemoveMarked(bucket, doomed, CookieChangeCause::kEvictedSite, changes);
}

void CookieJar::EnforcePartitionLimit(Bucket* bucket, absl::Time now, ChangeList* changes) {
  const size_t max_count = limits_.max_cookies_per_partition_site;
  const size_t max_bytes = limits_.max_bytes_per_partition_site;
  auto over = [&](size_t count, size_t bytes) {
    return (max_count != 0 && count > max_count) || (max_bytes != 0 && bytes > max_bytes);
  };
  auto bytes_of = [](const Bucket& b) {
    size_t bytes = 0;
    for (const CanonicalCookie& c : b) bytes += NameValueBytes(c);
    return bytes;
  };
  if (!over(bucket->size(), bytes_of(*bucket))) return;
  PurgeExpired(bucket, now, changes);
  size_t count = bucket->size(), bytes = bytes_of(*bucket);
  std::vector<bool> doomed(bucket->size());
  for (size_t index : EvictionIndices(*bucket)) {
    if (!over(count, bytes)) break;
    doomed[index] = true;
    --count;
    bytes -= NameValueBytes((*bucket)[index]);
  }
  RemoveMarked(bucket, doomed, CookieChangeCause::kEvictedPartition, changes);
}

void CookieJar::EnforceGlobalLimit(absl::Time now, ChangeList* changes) {
  const size_t max = limits_.max_cookies;
  if (max == 0 || count_ <= max) return;
  for (BucketMap* map : {&buckets_, &partitioned_buckets_}) {
    for (auto& entry : *map) PurgeExpired(&entry.second, now, changes);
  }
  if (count_ > max) {
    size_t goal = count_ - std::min(limits_.purge_to, count_);
    const absl::Time spared_since = now - limits_.global_purge_spares_recent;
    struct Candidate {
      Bucket* bucket;
      size_t index;
    };
    std::vector<Candidate> candidates;
    for (BucketMap* map : {&buckets_, &partitioned_buckets_}) {
      for (auto& entry : *map) {
        for (size_t i = 0; i < entry.second.size(); ++i) {
          if (entry.second[i].last_access < spared_since) candidates.push_back({&entry.second, i});
        }
      }
    }
    const bool secure_last = limits_.style == EvictionStyle::kChromium;
    std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
      const CanonicalCookie& x = (*a.bucket)[a.index];
      const CanonicalCookie& y = (*b.bucket)[b.index];
      if (secure_last && x.secure != y.secure) return !x.secure;
      return EvictionOrder(x, y);
    });
    absl::flat_hash_map<Bucket*, std::vector<bool>> doomed;
    for (const Candidate& candidate : candidates) {
      if (goal == 0) break;
      std::vector<bool>& marks = doomed[candidate.bucket];
      if (marks.empty()) marks.resize(candidate.bucket->size());
      marks[candidate.index] = true;
      --goal;
    }
    for (auto& [bucket, marks] : doomed) {
      RemoveMarked(bucket, marks, CookieChangeCause::kEvictedGlobal, changes);
    }
  }
  EraseEmptyBuckets();
}

void CookieJar::EraseEmptyBuckets() {
  for (BucketMap* map : {&buckets_, &partitioned_buckets_}) {
    for (auto it = map->begin(); it != map->end();) {
      if (it->second.empty()) {
        map->erase(it++);
      } else {
        ++it;
      }
    }
  }
}

void CookieJar::Deliver(const ChangeList& changes) {
  if (changes.empty()) return;
  std::vector<std::shared_ptr<CookieChangeListener>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
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
  const absl::Time now = Now();
  CookieAccessContext context = AccessContext(url, options);
  CookiePartitionKey partition;
  if (parsed.partitioned) {
    partition = CookiePartitionKey::ForRequest(url, options, *psl_);
    context.partition_key = &partition;
  }
  CanonicalCookie cookie;
  status = CanonicalCookie::Create(parsed, url, now, context, *psl_, limits_.max_expiry_age,
                                   &cookie);

  ChangeList changes;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!PolicyAllows(url, options, parsed.partitioned)) status.Add(Reason::kUserPreferences);
    if (!status.IsInclude()) return status;
    ChangeList* record = listeners_.empty() ? nullptr : &changes;

    const std::string_view site = SiteKey(cookie.domain);
    BucketMap& map = cookie.partition_key ? partitioned_buckets_ : buckets_;
    std::string partition_bucket_key;
    if (cookie.partition_key) partition_bucket_key = PartitionBucketKey(*cookie.partition_key, site);
    const std::string_view key = cookie.partition_key ? partition_bucket_key : site;

    auto bucket_it = map.find(AbslView(key));
    Bucket* bucket = bucket_it == map.end() ? nullptr : &bucket_it->second;
    std::optional<absl::Time> inherited_creation;
    bool replaced = false;
    const bool expired = cookie.IsExpired(now);
    if (bucket != nullptr) {
      PurgeExpired(bucket, now, record);
      if (!url.IsPotentiallyTrustworthy()) {
        for (const CanonicalCookie& existing : *bucket) {
          if (ShadowsSecureCookie(existing, cookie)) {
            return CookieInclusionStatus(Reason::kOverwriteSecure);
          }
        }
      }
      auto same = std::find_if(bucket->begin(), bucket->end(),
                               [&](const CanonicalCookie& c) { return c.HasSameKey(cookie); });
      if (same != bucket->end()) {
        if (same->http_only && options.api != CookieApi::kHttp) {
          return CookieInclusionStatus(Reason::kOverwriteHttpOnly);
        }
        if (same->value == cookie.value) inherited_creation = same->creation;
        Record(*same, expired ? CookieChangeCause::kExpiredOverwrite
                              : CookieChangeCause::kOverwrite,
               record);
        bucket->erase(same);
        --count_;
        replaced = true;
      }
    }
    if (expired) {
      if (bucket != nullptr && bucket->empty()) map.erase(bucket_it);
    } else {
      if (bucket != nullptr && !replaced && !cookie.partition_key &&
          limits_.style == EvictionStyle::kFirefox && limits_.max_cookies_per_site != 0 &&
          bucket->size() >= limits_.max_cookies_per_site &&
          !MakeRoomFirefoxStyle(bucket, cookie, now, record)) {
        status.Add(Reason::kSiteCookieLimit);
      } else {
        if (inherited_creation) {
          cookie.creation = *inherited_creation;
        } else {
          // Unique, increasing creation times keep the order in which
          // cookies of one response arrived.
          last_creation_ = std::max(now, last_creation_ + absl::Microseconds(1));
          cookie.creation = last_creation_;
        }
        cookie.last_access = now;
        if (bucket == nullptr) bucket = &map[AbslView(key)];
        const bool partitioned = cookie.partition_key.has_value();
        Insert(bucket, std::move(cookie), record);
        if (partitioned) {
          EnforcePartitionLimit(bucket, now, record);
        } else if (limits_.style != EvictionStyle::kFirefox) {
          EnforceSiteLimit(bucket, now, record);
        }
        EnforceGlobalLimit(now, record);
      }
    }
  }
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

size_t CookieJar::AppendCookieHeader(const Url& url, const CookieOptions& options,
                                     std::string* out) {
  size_t sent = 0;
  VisitIncluded(url, options, [&](const CanonicalCookie& cookie) {
    if (sent++ > 0) out->append("; ");
    AppendPair(cookie, out);
  });
  return sent;
}

std::vector<CanonicalCookie> CookieJar::GetCookies(const Url& url, const CookieOptions& options) {
  std::vector<CanonicalCookie> cookies;
  VisitIncluded(url, options, [&](const CanonicalCookie& cookie) { cookies.push_back(cookie); });
  return cookies;
}

void CookieJar::VisitIncluded(const Url& url, const CookieOptions& options,
                              absl::FunctionRef<void(const CanonicalCookie&)> visit) {
  const absl::Time now = Now();
  CookieAccessContext context = AccessContext(url, options);
  const std::string_view site = SiteKey(url.host());
  std::lock_guard<std::mutex> lock(mu_);

  Bucket* plain = nullptr;
  if (PolicyAllows(url, options, /*partitioned=*/false)) {
    auto it = buckets_.find(AbslView(site));
    if (it != buckets_.end()) plain = &it->second;
  }
  Bucket* partitioned = nullptr;
  CookiePartitionKey partition;
  if (!partitioned_buckets_.empty() && PolicyAllows(url, options, /*partitioned=*/true)) {
    partition = CookiePartitionKey::ForRequest(url, options, *psl_);
    context.partition_key = &partition;
    auto it = partitioned_buckets_.find(AbslView(PartitionBucketKey(partition, site)));
    if (it != partitioned_buckets_.end()) partitioned = &it->second;
  }
  // Both buckets are in header order: merge them.
  size_t i = 0, j = 0;
  const size_t plain_size = plain ? plain->size() : 0;
  const size_t partitioned_size = partitioned ? partitioned->size() : 0;
  while (i < plain_size || j < partitioned_size) {
    CanonicalCookie* next;
    if (j == partitioned_size ||
        (i < plain_size && !HeaderOrder((*partitioned)[j], (*plain)[i]))) {
      next = &(*plain)[i++];
    } else {
      next = &(*partitioned)[j++];
    }
    if (!next->IncludeForRequest(url, now, context).IsInclude()) continue;
    if (now - next->last_access >= limits_.last_access_granularity) next->last_access = now;
    visit(*next);
  }
}

std::vector<CookieJar::Explanation> CookieJar::Explain(const Url& url,
                                                       const CookieOptions& options) {
  const absl::Time now = Now();
  CookieAccessContext context = AccessContext(url, options);
  const CookiePartitionKey partition = CookiePartitionKey::ForRequest(url, options, *psl_);
  context.partition_key = &partition;
  std::vector<Explanation> sent, not_sent;
  std::lock_guard<std::mutex> lock(mu_);
  const bool plain_allowed = PolicyAllows(url, options, false);
  const bool partitioned_allowed = PolicyAllows(url, options, true);
  for (const BucketMap* map : {&buckets_, &partitioned_buckets_}) {
    for (const auto& entry : *map) {
      for (const CanonicalCookie& cookie : entry.second) {
        if (cookie.IsExpired(now)) continue;
        CookieInclusionStatus status = cookie.IncludeForRequest(url, now, context);
        if (!(cookie.partition_key ? partitioned_allowed : plain_allowed)) {
          status.Add(Reason::kUserPreferences);
        }
        (status.IsInclude() ? sent : not_sent).push_back({cookie, status});
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
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<CanonicalCookie> cookies;
  for (const BucketMap* map : {&buckets_, &partitioned_buckets_}) {
    std::vector<std::string_view> keys;
    for (const auto& entry : *map) keys.push_back(StdView(entry.first));
    std::sort(keys.begin(), keys.end());
    for (std::string_view key : keys) {
      for (const CanonicalCookie& cookie : map->find(AbslView(key))->second) {
        if (!cookie.IsExpired(now)) cookies.push_back(cookie);
      }
    }
  }
  return cookies;
}

bool CookieJar::DeleteCookie(const CanonicalCookie& cookie) {
  ChangeList changes;
  bool deleted = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ChangeList* record = listeners_.empty() ? nullptr : &changes;
    const std::string_view site = SiteKey(cookie.domain);
    BucketMap& map = cookie.partition_key ? partitioned_buckets_ : buckets_;
    auto bucket = map.find(AbslView(cookie.partition_key
                                         ? PartitionBucketKey(*cookie.partition_key, site)
                                         : std::string(site)));
    if (bucket != map.end()) {
      auto same = std::find_if(bucket->second.begin(), bucket->second.end(),
                               [&](const CanonicalCookie& c) { return c.HasSameKey(cookie); });
      if (same != bucket->second.end()) {
        Record(*same, CookieChangeCause::kExplicit, record);
        bucket->second.erase(same);
        --count_;
        if (bucket->second.empty()) map.erase(bucket);
        deleted = true;
      }
    }
  }
  Deliver(changes);
  return deleted;
}

size_t CookieJar::DeleteAll() {
  ChangeList changes;
  size_t removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ChangeList* record = listeners_.empty() ? nullptr : &changes;
    removed = count_;
    for (BucketMap* map : {&buckets_, &partitioned_buckets_}) {
      for (const auto& entry : *map) {
        for (const CanonicalCookie& cookie : entry.second) {
          Record(cookie, CookieChangeCause::kExplicit, record);
        }
      }
      map->clear();
    }
    count_ = 0;
  }
  Deliver(changes);
  return removed;
}

size_t CookieJar::EndSession() {
  ChangeList changes;
  size_t removed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ChangeList* record = listeners_.empty() ? nullptr : &changes;
    const size_t before = count_;
    for (BucketMap* map : {&buckets_, &partitioned_buckets_}) {
      for (auto& entry : *map) {
        std::vector<bool> session(entry.second.size());
        for (size_t i = 0; i < entry.second.size(); ++i) {
          session[i] = !entry.second[i].IsPersistent();
        }
        RemoveMarked(&entry.second, session, CookieChangeCause::kSessionEnded, record);
      }
    }
    EraseEmptyBuckets();
    removed = before - count_;
  }
  Deliver(changes);
  return removed;
}

size_t CookieJar::size() {
  const absl::Time now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  size_t live = 0;
  for (const BucketMap* map : {&buckets_, &partitioned_buckets_}) {
    for (const auto& entry : *map) {
      for (const CanonicalCookie& cookie : entry.second) live += !cookie.IsExpired(now);
    }
  }
  return live;
}

void CookieJar::SetAccessPolicy(CookieAccessPolicy policy) {
  std::lock_guard<std::mutex> lock(mu_);
  access_policy_ = std::move(policy);
}

uint64_t CookieJar::AddChangeListener(CookieChangeListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = next_listener_id_++;
  listeners_.emplace_back(id, std::make_shared<CookieChangeListener>(std::move(listener)));
  return id;
}

void CookieJar::RemoveChangeListener(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const auto& entry) { return entry.first == id; }),
                   listeners_.end());
}

}  // namespace cookiejar
