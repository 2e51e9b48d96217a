#include "common/log_throttle.h"

#include <utility>

#include "absl/time/clock.h"

namespace gaoxin {

LogThrottle::LogThrottle(absl::Duration interval, Clock clock)
    : interval_(interval), clock_(clock ? std::move(clock) : Clock([] { return absl::Now(); })) {}

bool LogThrottle::Allow(int64_t* suppressed) {
  const absl::Time now = clock_();
  absl::MutexLock lock(&mu_);
  if (now - last_ < interval_) {
    ++suppressed_;
    return false;
  }
  last_ = now;
  *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace gaoxin
