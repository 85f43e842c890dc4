// The source of "now" for a cookie jar. Expiry, creation order and access
// times all come from it, so tests inject a FakeClock and move time forward
// instead of sleeping.
//
// Example:
//   FakeClock clock(absl::FromUnixSeconds(1700000000));
//   CookieJar jar(CookieJarOptions{.clock = &clock});
//   ...
//   clock.Advance(absl::Seconds(6));  // A Max-Age=5 cookie is now gone.

#ifndef COOKIEJAR_CLOCK_H_
#define COOKIEJAR_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cookiejar {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The real time. Shared, never destroyed.
  static const Clock& System();
};

// A clock that moves only when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start) : micros_(absl::ToUnixMicros(start)) {}

  absl::Time Now() const override { return absl::FromUnixMicros(micros_.load()); }
  void Set(absl::Time now) { micros_.store(absl::ToUnixMicros(now)); }
  // Saturates at the ends of time instead of wrapping: advancing by 1e13
  // seconds (or an infinite duration) reaches the latest instant, not a
  // negative year.
  void Advance(absl::Duration by);

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace cookiejar

#endif  // COOKIEJAR_CLOCK_H_
