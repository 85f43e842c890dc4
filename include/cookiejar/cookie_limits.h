// How many cookies a jar keeps and which ones it evicts first: a set of
// numbers chosen per jar (part of its BrowserRules). Browsers differ here, so
// each has its own:
//
//   CookieLimits::Chromium()        180 per site purged to 150 by priority and
//                                   Secure-aware rounds; 3300 in all purged to
//                                   3000, sparing cookies used in 30 days.
//   CookieLimits::Firefox()         180 per site or partition, evicting 31
//                                   (expired first, then the oldest
//                                   non-secure); 3300 in all purged to 3000
//                                   among cookies unused for 30 days.
//   CookieLimits::Rfc6265Minimum()  The RFC 6265 minimums: 20 per site, 300 in
//                                   all, least recently used evicted first.
//   CookieLimits::Unlimited()       Keeps everything (no count limits, no
//                                   expiry cap), for tools that must.
//
// A "site" is the registrable domain (eTLD+1, PRIVATE section of the Public
// Suffix List included), or the host when it has none. Expired cookies are
// always removed before any live cookie is evicted. Eviction order among live
// cookies: least recently accessed first, then oldest creation first, so it
// is deterministic.

#ifndef COOKIEJAR_COOKIE_LIMITS_H_
#define COOKIEJAR_COOKIE_LIMITS_H_

#include <cstddef>

#include "absl/time/time.h"

namespace cookiejar {

enum class EvictionStyle {
  // After a cookie is stored, a site over the limit is purged down to
  // `purge_site_to` in six rounds, each evicting least recently accessed
  // cookies of one class while keeping that priority's quota: Low non-secure,
  // Low secure, Medium non-secure, High non-secure, Medium secure, High secure.
  // The global purge removes non-secure cookies before secure ones and never
  // cookies accessed within `global_purge_spares_recent`.
  kChromium,
  // Before a new cookie is added to a full site (or partition), up to
  // `max_cookies_per_site + 1 - purge_site_to` cookies go, so that it holds
  // `purge_site_to` with the new one: expired ones, then the least recently
  // accessed non-secure ones. If none of those exist, a secure new cookie
  // may evict secure ones; a non-secure new cookie is refused. The global
  // purge removes least recently accessed cookies unused within
  // `global_purge_spares_recent`.
  kFirefox,
  // Least recently accessed first, per site then globally (RFC 6265 §5.3).
  kLeastRecentlyUsed,
};

struct CookieLimits {
  EvictionStyle style = EvictionStyle::kChromium;

  // Longest name + value, in bytes; longer cookies are refused. All browsers
  // and RFC 6265bis use 4096.
  size_t max_name_value_bytes = 4096;

  // Cookies per site (not counting partitioned ones); 0 means no limit. A
  // higher limit keeps more state for cookie-heavy sites and costs memory and
  // header size per request.
  size_t max_cookies_per_site = 180;
  // Size a site is purged down to when it goes over (Chromium: 150, so a purge
  // happens once per 30 new cookies rather than on every one).
  size_t purge_site_to = 150;

  // Chromium's per-priority quotas: within a site, this many of the most
  // recently used cookies of each priority survive the priority's rounds.
  size_t quota_low = 30;
  size_t quota_medium = 50;
  size_t quota_high = 70;

  // Cookies in the whole jar, partitioned ones included; 0 means no limit.
  size_t max_cookies = 3300;
  size_t purge_to = 3000;
  // The global purge never evicts cookies accessed within this time (30 days
  // in Chromium and Firefox), so the jar may stay above `purge_to`.
  absl::Duration global_purge_spares_recent = absl::Hours(24 * 30);
  // Above this many cookies that protection ends and the least recently used
  // go, down to `purge_to`; 0 means no such bound. Browsers have none; a
  // crawler that visits a million sites in a month would otherwise keep a
  // million cookies. 10 x `max_cookies` in the browsers' rules.
  size_t max_cookies_hard = 33000;

  // Partitioned (CHIPS) cookies, per partition and site: the least recently
  // accessed go while either limit is exceeded. 0 means no limit.
  size_t max_cookies_per_partition_site = 180;
  size_t max_bytes_per_partition_site = 10240;  // Name + value bytes.

  // Longest lifetime of a persistent cookie from its creation (RFC 6265bis
  // and Chromium: 400 days). absl::InfiniteDuration() keeps Expires as sent.
  absl::Duration max_expiry_age = absl::Hours(400 * 24);

  // Last-access times are only updated when older than this (Chromium: one
  // minute), which saves writes to a persistent store; eviction order is
  // coarser by as much.
  absl::Duration last_access_granularity = absl::Minutes(1);

  static CookieLimits Chromium();
  static CookieLimits Firefox();
  static CookieLimits Rfc6265Minimum();
  static CookieLimits Unlimited();
};

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_LIMITS_H_
