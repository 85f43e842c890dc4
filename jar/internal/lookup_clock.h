// "Now" for a Cookie-header lookup, read as cheaply as its decisions allow.
//
// A lookup needs the time for two things: skipping expired cookies, and
// refreshing a sent cookie's last-access time once per granularity (an input
// of eviction). Both are thresholds, and almost always far from now. So a
// lookup reads the system clock's coarse variant (CLOCK_REALTIME_COARSE: the
// time of the kernel's last tick, a few nanoseconds through the vDSO) and
// reads the exact time only when a threshold lies within the coarse
// reading's error of it. Every decision is the one the exact time gives.
// An injected clock (FakeClock) is read once and is exact.

#ifndef COOKIEJAR_JAR_INTERNAL_LOOKUP_CLOCK_H_
#define COOKIEJAR_JAR_INTERNAL_LOOKUP_CLOCK_H_

#include <time.h>

#include <cstdint>

#include "common/micros.h"
#include "cookiejar/clock.h"

namespace cookiejar {
namespace jar_internal {

class LookupClock {
 public:
  // How far the coarse time may lag the exact one, in microseconds: a tick
  // is 1 to 10 ms (HZ 1000 to 100); the margin covers a late tick.
  static constexpr int64_t kCoarseErrorUs = 100 * 1000;

  // `system` says whether `clock` is Clock::System() (known to the caller
  // once, so a lookup does not ask); any other clock is read exactly.
  LookupClock(const Clock* clock, bool system) : clock_(clock) {
    timespec coarse;
    if (system && clock_gettime(CLOCK_REALTIME_COARSE, &coarse) == 0) {
      // The kernel's time in seconds fits 64-bit microseconds by far.
      coarse_us_ = micros::ClampFinite(int64_t{coarse.tv_sec} * 1000000 + coarse.tv_nsec / 1000);
      latest_us_ = micros::SatAdd(coarse_us_, kCoarseErrorUs);
      return;
    }
    exact_us_ = ReadExact();
    exact_read_ = true;
    coarse_us_ = latest_us_ = exact_us_;
  }

  // The latest instant now can be: no earlier than the exact time.
  int64_t latest_us() const { return latest_us_; }
  // Now, for a lookup that no threshold is near of: within kCoarseErrorUs
  // before the exact time.
  int64_t coarse_us() const { return coarse_us_; }
  // Now, exactly: read on the first call, the same value afterwards.
  int64_t exact_us() {
    if (!exact_read_) {
      exact_us_ = ReadExact();
      exact_read_ = true;
    }
    return exact_us_;
  }

 private:
  int64_t ReadExact() const;

  const Clock* const clock_;
  int64_t coarse_us_;
  int64_t latest_us_;
  int64_t exact_us_ = 0;
  bool exact_read_ = false;
};

// The exact time of `clock` in finite microseconds (the system clock without
// the trip through absl::Time).
int64_t ExactMicros(const Clock* clock);

}  // namespace jar_internal
}  // namespace cookiejar

#endif  // COOKIEJAR_JAR_INTERNAL_LOOKUP_CLOCK_H_
