#include "jar/internal/lookup_clock.h"

#include "absl/time/clock.h"
#include "common/micros.h"

namespace cookiejar {
namespace jar_internal {

int64_t ExactMicros(const Clock* clock) {
  if (clock == &Clock::System()) return micros::ClampFinite(absl::GetCurrentTimeNanos() / 1000);
  return micros::ClampFinite(micros::ToMicros(clock->Now()));
}

int64_t LookupClock::ReadExact() const { return ExactMicros(clock_); }

}  // namespace jar_internal
}  // namespace cookiejar
