// The jar's limits (cookie_limits.h): per site, per partition and site, and
// for the whole jar.

#include <algorithm>
#include <mutex>
#include <vector>

#include "jar/internal/jar_core.h"

namespace cookiejar {
namespace jar_internal {
namespace {

// Eviction order: least recently accessed first, then oldest.
bool EvictionOrder(const CookieRecord* a, const CookieRecord* b) {
  const int64_t la = a->last_access_us(), lb = b->last_access_us();
  if (la != lb) return la < lb;
  return a->creation_us() < b->creation_us();
}

// The live cookies of `bucket` in eviction order.
std::vector<CookieRecord*> InEvictionOrder(const Bucket& bucket) {
  std::vector<CookieRecord*> order = bucket.Live();
  std::stable_sort(order.begin(), order.end(), EvictionOrder);
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

bool JarCore::MakeRoomFirefoxStyle(RecordArena* arena, Bucket* bucket, bool incoming_secure,
                                   ChangeLog* log) {
  // Enough that the site holds `purge_site_to` once the new cookie is in
  // (recorded: 181 cookies leave 150, 250 leave 157).
  const size_t limit = limits_.max_cookies_per_site + 1 - std::min(limits_.purge_site_to,
                                                                    limits_.max_cookies_per_site);
  const std::vector<CookieRecord*> order = InEvictionOrder(*bucket);
  std::vector<CookieRecord*> doomed;
  // First pass: non-secure cookies only (expired ones are already gone).
  for (CookieRecord* record : order) {
    if (doomed.size() == limit) break;
    if (!record->secure()) doomed.push_back(record);
  }
  if (doomed.empty()) {
    // Only Secure cookies could make room, and only for a Secure cookie.
    if (!incoming_secure) return false;
    for (CookieRecord* record : order) {
      if (doomed.size() == limit) break;
      doomed.push_back(record);
    }
  }
  for (CookieRecord* record : doomed) {
    Remove(arena, bucket, record, CookieChangeCause::kEvictedSite, log);
  }
  return true;
}

void JarCore::EvictFromSite(RecordArena* arena, Bucket* bucket, int64_t now_us, ChangeLog* log) {
  const size_t max = limits_.max_cookies_per_site;
  PurgeExpired(arena, bucket, now_us, log);
  const size_t size = bucket->size();
  if (size <= max) return;
  size_t goal = size - std::min(limits_.purge_site_to, size);
  const std::vector<CookieRecord*> order = InEvictionOrder(*bucket);
  std::vector<bool> doomed(order.size());

  if (limits_.style != EvictionStyle::kChromium) {
    for (size_t i = 0; i < goal; ++i) doomed[i] = true;
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
      for (size_t i = 0; i < order.size(); ++i) {
        if (doomed[i] || order[i]->priority() != round.priority) continue;
        ++at_priority;
        secure_at_priority += order[i]->secure();
      }
      const size_t quota = Quota(limits_, round.priority);
      if (at_priority <= quota) continue;
      size_t deletable =
          at_priority - (round.protect_secure ? std::max(secure_at_priority, quota) : quota);
      for (size_t i = 0; i < order.size(); ++i) {
        if (goal == 0 || deletable == 0) break;
        const CookieRecord& c = *order[i];
        if (doomed[i] || c.priority() != round.priority) continue;
        if (round.protect_secure && c.secure()) continue;
        doomed[i] = true;
        --goal;
        --deletable;
      }
    }
  }
  for (size_t i = 0; i < order.size(); ++i) {
    if (doomed[i]) Remove(arena, bucket, order[i], CookieChangeCause::kEvictedSite, log);
  }
}

void JarCore::EnforcePartitionLimit(RecordArena* arena, Bucket* bucket, int64_t now_us,
                                    ChangeLog* log) {
  const size_t max_count = limits_.max_cookies_per_partition_site;
  const size_t max_bytes = limits_.max_bytes_per_partition_site;
  auto over = [&](size_t count, size_t bytes) {
    return (max_count != 0 && count > max_count) || (max_bytes != 0 && bytes > max_bytes);
  };
  auto bytes_of = [](const Bucket& b) {
    size_t bytes = 0;
    b.ForEach([&](const CookieRecord& c) { bytes += c.name_value_bytes(); });
    return bytes;
  };
  if (!over(bucket->size(), bytes_of(*bucket))) return;
  PurgeExpired(arena, bucket, now_us, log);
  size_t count = bucket->size(), bytes = bytes_of(*bucket);
  for (CookieRecord* record : InEvictionOrder(*bucket)) {
    if (!over(count, bytes)) break;
    --count;
    bytes -= record->name_value_bytes();
    Remove(arena, bucket, record, CookieChangeCause::kEvictedPartition, log);
  }
}

void JarCore::EvictGlobally(size_t count, int64_t now_us, ChangeLog* log) {
  const size_t max = limits_.max_cookies;
  const size_t hard = limits_.max_cookies_hard;
  const bool over_hard = hard != 0 && count > hard;
  // Chromium's shortcut: until the oldest access is older than the spared
  // period, a purge could only remove expired cookies; skip it.
  if (!over_hard && now_us < next_global_purge_us_.load(std::memory_order_relaxed)) return;

  Shard* shards = Shards(true);
  std::vector<std::unique_lock<DistributedSharedMutex>> locks;
  for (size_t s = 0; s < kShardCount; ++s) locks.emplace_back(shards[s].mu);

  auto for_each_bucket = [&](auto&& fn) {
    for (size_t s = 0; s < kShardCount; ++s) {
      for (BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
        for (auto& entry : *map) fn(&shards[s].arena, entry.second.get());
      }
    }
  };
  for_each_bucket(
      [&](RecordArena* arena, Bucket* bucket) { PurgeExpired(arena, bucket, now_us, log); });

  // Above the hard limit, or with nothing spared, every cookie may go.
  const int64_t full_spare = DurationMicros(limits_.global_purge_spares_recent);
  const int64_t spare_us = over_hard ? 0 : full_spare;
  const int64_t spared_since = spare_us == 0 ? kNeverUs : SatSub(now_us, spare_us);
  size_t live = static_cast<size_t>(count_.load(std::memory_order_relaxed));
  if (live > max) {
    size_t goal = live - std::min(limits_.purge_to, live);
    struct Candidate {
      RecordArena* arena;
      Bucket* bucket;
      CookieRecord* record;
    };
    std::vector<Candidate> candidates;
    for_each_bucket([&](RecordArena* arena, Bucket* bucket) {
      bucket->ForEach([&](const CookieRecord& record) {
        if (record.last_access_us() < spared_since) {
          candidates.push_back({arena, bucket, const_cast<CookieRecord*>(&record)});
        }
      });
    });
    const bool secure_last = limits_.style == EvictionStyle::kChromium;
    const size_t take = std::min(goal, candidates.size());
    auto order = [&](const Candidate& a, const Candidate& b) {
      if (secure_last && a.record->secure() != b.record->secure()) return !a.record->secure();
      return EvictionOrder(a.record, b.record);
    };
    std::partial_sort(candidates.begin(), candidates.begin() + take, candidates.end(), order);
    for (size_t i = 0; i < take; ++i) {
      Remove(candidates[i].arena, candidates[i].bucket, candidates[i].record,
             CookieChangeCause::kEvictedGlobal, log);
    }
  }
  // The next purge can find nothing before the oldest remaining access
  // leaves the spared period.
  int64_t oldest = kNeverUs;
  for_each_bucket([&](RecordArena*, Bucket* bucket) {
    bucket->ForEach(
        [&](const CookieRecord& c) { oldest = std::min(oldest, c.last_access_us()); });
  });
  next_global_purge_us_.store(oldest == kNeverUs ? kNeverUs : SatAdd(oldest, full_spare),
                              std::memory_order_relaxed);
  for (size_t s = 0; s < kShardCount; ++s) {
    for (BucketMap* map : {&shards[s].buckets, &shards[s].partitioned}) {
      for (auto it = map->begin(); it != map->end();) {
        if (it->second->empty()) {
          map->erase(it++);
        } else {
          ++it;
        }
      }
    }
  }
}

}  // namespace jar_internal
}  // namespace cookiejar
