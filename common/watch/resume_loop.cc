#include "common/watch/resume_loop.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "common/log.h"

namespace gaoxin::watch {

absl::Status ResumeLoop(const std::string& what,
                        const std::function<absl::Status(int64_t* since)>& open_and_read,
                        int64_t since, const std::function<bool()>& stop,
                        const ResumeHooks& hooks) {
  absl::Duration backoff = absl::Milliseconds(200);
  while (!stop()) {
    const int64_t before = since;
    absl::Status s = open_and_read(&since);
    if (stop()) return absl::OkStatus();
    switch (s.code()) {
      case absl::StatusCode::kOutOfRange: {
        LogEvent("watch_history_lost", "warn")
            .Str("stream", what)
            .Str("error", s.ToString())
            .Emit();
        if (hooks.on_out_of_range) {
          absl::StatusOr<int64_t> from = hooks.on_out_of_range();
          if (!from.ok()) {
            s = from.status();
            break;
          }
          since = *from;
        } else {
          since = 0;
        }
        continue;
      }
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kPermissionDenied:
      case absl::StatusCode::kUnauthenticated:
      case absl::StatusCode::kUnimplemented:
      case absl::StatusCode::kNotFound:
        return s;
      default:
        break;  // reconnect
    }
    if (hooks.on_retry && !s.ok()) hooks.on_retry(s);
    if (since > before) backoff = absl::Milliseconds(200);
    absl::SleepFor(backoff);
    backoff = std::min(backoff * 2, absl::Seconds(5));
  }
  return absl::OkStatus();
}

}  // namespace gaoxin::watch
