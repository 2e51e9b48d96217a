// Keeps a repeating failure from flooding the log: the first occurrence is logged, then at most
// one per interval, each carrying how many were left out since the last one. A full disk or a
// lost database fails every write batch, thousands a second; one line a second says the same,
// and the log (often on the same disk, or a collector's quota) is not the next casualty.
//
//   LogThrottle throttle_{absl::Seconds(1)};
//   int64_t suppressed = 0;
//   if (throttle_.Allow(&suppressed)) {
//     LogEvent("db_commit_failed", "error").Str("error", s.ToString())
//         .Int("suppressed", suppressed).Emit();
//   }
#ifndef GAOXIN_COMMON_LOG_THROTTLE_H_
#define GAOXIN_COMMON_LOG_THROTTLE_H_

#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
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

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_LOG_THROTTLE_H_
