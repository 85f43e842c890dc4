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

#include <cmath>
#include <cstdint>
#include <optional>

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

// An instant from outside that must be finite (a creation or access time in a
// store's column or a Redis field, a C caller's clock): the ends of int64,
// which mean "never" and "always" only for an expiry, are clamped.
inline absl::Time FiniteFromMicros(int64_t us) { return FromMicros(ClampFinite(us)); }

inline int64_t SatMul(int64_t a, int64_t b) {
  int64_t product;
  if (__builtin_mul_overflow(a, b, &product)) return (a < 0) == (b < 0) ? INT64_MAX : INT64_MIN;
  return product;
}

// Seconds from outside as a float (Python, JSON) in microseconds: NaN is no
// number of seconds (nullopt, for the caller to refuse); whatever is past the
// finite range, infinities included, saturates to kLatestUs or kEarliestUs
// (a cast would be undefined past about 9.2e12 s).
inline std::optional<int64_t> SecondsToMicros(double seconds) {
  if (std::isnan(seconds)) return std::nullopt;
  const double us = seconds * 1e6;
  constexpr double kTwo63 = 9223372036854775808.0;  // Exact in a double.
  if (us >= kTwo63) return kLatestUs;
  if (us <= -kTwo63) return kEarliestUs;
  return ClampFinite(std::llround(us));
}

// Whole seconds from outside (a C or Python integer) in microseconds,
// saturated to the finite range.
inline int64_t SecondsToMicros(int64_t seconds) { return ClampFinite(SatMul(seconds, 1000000)); }

}  // namespace micros
}  // namespace cookiejar

#endif  // COOKIEJAR_COMMON_MICROS_H_
