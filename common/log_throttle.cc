#include "common/log_throttle.h"

#include <utility>

#include "absl/time/clock.h"
#include "common/log.h"

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

ThrottledErrorLog::ThrottledErrorLog(std::string event, std::string level, absl::Duration interval)
    : event_(std::move(event)), level_(std::move(level)), throttle_(interval) {}

void ThrottledErrorLog::Record(const absl::Status& error) {
  int64_t suppressed = 0;
  if (!throttle_.Allow(&suppressed)) return;
  LogEvent(event_, level_).Str("error", error.ToString()).Int("suppressed", suppressed).Emit();
}

}  // namespace gaoxin
