// Keeps a repeating failure from flooding the log: the first occurrence is logged, then at most
// one per interval, each carrying how many were left out since the last one. A full disk or a
// lost database fails every write batch, thousands a second; one line a second says the same,
// and the log (often on the same disk, or a collector's quota) is not the next casualty.
//
//   ThrottledErrorLog commit_failures_{"db_commit_failed", "error"};
//   commit_failures_.Record(status);  // {"event":"db_commit_failed","error":...,"suppressed":N}
//
//   LogThrottle throttle_{absl::Seconds(1)};  // for a line with other fields
//   int64_t suppressed = 0;
//   if (throttle_.Allow(&suppressed)) LogEvent(...).Int("suppressed", suppressed).Emit();
#ifndef GAOXIN_COMMON_LOG_THROTTLE_H_
#define GAOXIN_COMMON_LOG_THROTTLE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace gaoxin {

class LogThrottle {
 public:
  using Clock = std::function<absl::Time()>;
  explicit LogThrottle(absl::Duration interval, Clock clock = nullptr);

  // True when this occurrence is to be logged; then `*suppressed` is how many occurrences were
  // not logged since the last one that was. Thread-safe.
  bool Allow(int64_t* suppressed);

 private:
  const absl::Duration interval_;
  const Clock clock_;
  absl::Mutex mu_;
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

// One event that reports an error, throttled: Record(error) logs
// {"event": <event>, "level": <level>, "error": ..., "suppressed": N} at most once an interval.
class ThrottledErrorLog {
 public:
  ThrottledErrorLog(std::string event, std::string level,
                    absl::Duration interval = absl::Seconds(1));
  void Record(const absl::Status& error);

 private:
  const std::string event_;
  const std::string level_;
  LogThrottle throttle_;
};

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_LOG_THROTTLE_H_
