// Notifications of every change to a jar's contents, with the cause, so a
// persistence layer or a UI can follow the jar (CookieJar::AddChangeListener).

#ifndef COOKIEJAR_COOKIE_CHANGE_H_
#define COOKIEJAR_COOKIE_CHANGE_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "cookiejar/canonical_cookie.h"

namespace cookiejar {

enum class CookieChangeCause {
  kInserted,          // A new cookie was stored.
  kOverwrite,         // Removed because a cookie with the same key replaced it.
  kExpiredOverwrite,  // Removed by an already-expired Set-Cookie (a deletion).
  kExpired,           // Removed because its expiry passed.
  kExplicit,          // Removed through DeleteCookie or DeleteAll.
  kSessionEnded,      // A session cookie removed by EndSession.
  kEvictedSite,       // Evicted because its site had too many cookies.
  kEvictedGlobal,     // Evicted because the jar had too many cookies.
  kEvictedPartition,  // Evicted because its partition was over its limits.
};

std::string_view ChangeCauseName(CookieChangeCause cause);

struct CookieChange {
  CanonicalCookie cookie;
  CookieChangeCause cause;
  // Increases with every change reported: listeners called from different
  // threads can restore the order in which changes happened.
  uint64_t sequence;
};

using CookieChangeListener = std::function<void(const CookieChange&)>;

}  // namespace cookiejar

#endif  // COOKIEJAR_COOKIE_CHANGE_H_
