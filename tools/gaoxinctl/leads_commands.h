// `gaoxinctl leads list|get|create|transition|summary`.
#ifndef GAOXIN_TOOLS_GAOXINCTL_LEADS_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_LEADS_COMMANDS_H_

#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunLeads(const Args& args);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_LEADS_COMMANDS_H_
