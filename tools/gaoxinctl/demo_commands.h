// `gaoxinctl demo load`: enters the demo data of deploy/demo/ through the public APIs. Safe to
// run twice: every create carries a request_id derived from the record's key, and transitions
// already in a lead's history are not repeated.
#ifndef GAOXIN_TOOLS_GAOXINCTL_DEMO_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_DEMO_COMMANDS_H_

#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunDemo(const Args& args);

// Loads deploy/demo/leads.json (path given) into the leads service.
absl::Status LoadLeadsDemo(const std::string& path);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_DEMO_COMMANDS_H_
