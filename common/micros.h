// Instants and durations as integer microseconds since the Unix epoch, the
// jar's internal time unit and the stores' column format, with arithmetic that saturates instead of
// overflowing. Every instant that comes from outside (a caller's clock, a HAR
// capture, a cookies.txt or database row, an imported cookie) can be anywhere
// in int64 range, so no time computation may use plain + or -.
//
// INT64_MAX is reserved for "no expiry" (a session cookie) and INT64_MIN for
// "before everything"; a finite absl::Time always maps strictly between them,
// so a far-future expiry stays persistent.

#ifndef COOKIEJAR_COMMON_MICROS_H_
#define COOKIEJAR_COMMON_MICROS_H_

#include <cstdint>

#include "absl/time/time.h"

namespace cookiejar {
namespace micros {

inline constexpr int64_t kNeverUs = INT64_MAX;      // No expiry; infinite duration.
inline constexpr int64_t kAlwaysUs = INT64_MIN;     // Infinitely long ago.
inline constexpr int64_t kLatestUs = INT64_MAX - 1;  // Latest finite instant.
inline constexpr int64_t kEarliestUs = INT64_MIN + 1;

inline int64_t SatAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? INT64_MAX : INT64_MIN;
  return sum;
}

inline int64_t SatSub(int64_t a, int64_t b) {
  int64_t difference;
  if (__builtin_sub_overflow(a, b, &difference)) return b < 0 ? INT64_MAX : INT64_MIN;
  return difference;
}

// A finite instant clamped into [kEarliestUs, kLatestUs].
inline int64_t ClampFinite(int64_t us) {
  return us < kEarliestUs ? kEarliestUs : us > kLatestUs ? kLatestUs : us;
}

inline int64_t ToMicros(absl::Time t) {
  if (t == absl::InfiniteFuture()) return kNeverUs;
  if (t == absl::InfinitePast()) return kAlwaysUs;
  return ClampFinite(absl::ToUnixMicros(t));
}

inline absl::Time FromMicros(int64_t us) {
  if (us == kNeverUs) return absl::InfiniteFuture();
  if (us == kAlwaysUs) return absl::InfinitePast();
  return absl::FromUnixMicros(us);
}

// A duration in microseconds; an infinite one is kNeverUs (or kAlwaysUs).
inline int64_t DurationMicros(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return kNeverUs;
  if (d == -absl::InfiniteDuration()) return kAlwaysUs;
  return absl::ToInt64Microseconds(d);
}

}  // namespace micros
}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_MICROS_H_
