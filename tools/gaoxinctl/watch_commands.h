// `gaoxinctl watch <resource>`: prints changes as they come, reconnecting and resuming from the
// last revision on its own. `gaoxinctl dashboard`: the services' summaries live in one terminal
// screen, redrawn on each update.
#ifndef GAOXIN_TOOLS_GAOXINCTL_WATCH_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_WATCH_COMMANDS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunWatch(const Args& args);
int RunDashboard(const Args& args);

// Runs one streaming call again and again until `stop` says so: `open_and_read(since)` opens the
// stream from revision `since`, reads until it ends, updates `since`, and returns the final
// status. Normal server-side ends (shutdown, max connection age, cut-off) are followed by a
// reconnect with back-off; OUT_OF_RANGE restarts from "now" with a warning.
absl::Status ResumeLoop(const std::string& what,
                        const std::function<absl::Status(int64_t* since)>& open_and_read,
                        int64_t since, const std::function<bool()>& stop);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_WATCH_COMMANDS_H_
