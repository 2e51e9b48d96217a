// `gaoxinctl watch <resource>`: prints changes as they come, reconnecting and resuming from the
// last revision on its own. `gaoxinctl dashboard`: the services' summaries live in one terminal
// screen, redrawn on each update.
#ifndef GAOXIN_TOOLS_GAOXINCTL_WATCH_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_WATCH_COMMANDS_H_

#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunWatch(const Args& args);
int RunDashboard(const Args& args);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_WATCH_COMMANDS_H_
