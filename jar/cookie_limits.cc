#include "cookiejar/cookie_limits.h"

namespace cookiejar {

CookieLimits CookieLimits::Chromium() { return CookieLimits(); }

CookieLimits CookieLimits::Firefox() {
  CookieLimits limits;
  limits.style = EvictionStyle::kFirefox;
  return limits;
}

CookieLimits CookieLimits::Rfc6265Minimum() {
  CookieLimits limits;
  limits.style = EvictionStyle::kLeastRecentlyUsed;
  limits.max_cookies_per_site = 20;
  limits.purge_site_to = 20;
  limits.max_cookies = 300;
  limits.purge_to = 300;
  limits.global_purge_spares_recent = absl::ZeroDuration();
  limits.max_cookies_hard = 0;
  limits.last_access_granularity = absl::ZeroDuration();
  return limits;
}

CookieLimits CookieLimits::Unlimited() {
  CookieLimits limits;
  limits.max_cookies_per_site = 0;
  limits.max_cookies = 0;
  limits.max_cookies_hard = 0;
  limits.max_cookies_per_partition_site = 0;
  limits.max_bytes_per_partition_site = 0;
  limits.max_expiry_age = absl::InfiniteDuration();
  return limits;
}

}  // namespace cookiejar
