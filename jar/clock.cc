#include "cookiejar/clock.h"

#include "common/micros.h"

namespace cookiejar {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

void FakeClock::Advance(absl::Duration by) {
  const int64_t step = micros::DurationMicros(by);
  int64_t now = micros_.load();
  while (!micros_.compare_exchange_weak(now, micros::ClampFinite(micros::SatAdd(now, step)))) {
  }
}

const Clock& Clock::System() {
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

}  // namespace cookiejar
