#include "cookiejar/clock.h"

namespace cookiejar {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

const Clock& Clock::System() {
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

}  // namespace cookiejar
