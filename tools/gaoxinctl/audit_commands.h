// `gaoxinctl audit verify <leads|enterprise|petition>`: reads a service's whole audit chain
// through ListAuditRecords (role `auditor`) and checks it with the chain key
// (--audit_key_file, the file the servers have): exit 0 and the count when every record is in
// place, exit 1 naming the first broken record otherwise.
#ifndef GAOXIN_TOOLS_GAOXINCTL_AUDIT_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_AUDIT_COMMANDS_H_

#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunAudit(const Args& args);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_AUDIT_COMMANDS_H_
