// The client side of a resumable stream: open it from a revision, read until it ends, and open
// it again from the last revision received, for as long as the caller wants. Normal
// server-initiated ends (shutdown, max connection age, a slow-watcher cut-off, a network blip)
// are followed by a reconnect with back-off; OUT_OF_RANGE calls `on_out_of_range`, which
// re-lists and returns the revision to continue from; errors that a retry cannot fix (bad
// request, no permission) end the loop.
//
//   ResumeLoop("leads", [&](int64_t* since) { ...open, read, *since = msg.revision()...; },
//              cursor, [&] { return stopping.load(); });
#ifndef GAOXIN_COMMON_WATCH_RESUME_LOOP_H_
#define GAOXIN_COMMON_WATCH_RESUME_LOOP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gaoxin::watch {

struct ResumeHooks {
  // Re-lists after OUT_OF_RANGE; returns where to watch from. Default: 0 ("from now").
  std::function<absl::StatusOr<int64_t>()> on_out_of_range;
  // Told of each failed attempt (for logs or a status line).
  std::function<void(const absl::Status&)> on_retry;
};

absl::Status ResumeLoop(const std::string& what,
                        const std::function<absl::Status(int64_t* since)>& open_and_read,
                        int64_t since, const std::function<bool()>& stop,
                        const ResumeHooks& hooks = {});

}  // namespace gaoxin::watch

#endif  // GAOXIN_COMMON_WATCH_RESUME_LOOP_H_
