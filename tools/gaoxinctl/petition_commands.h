// `gaoxinctl petition ledgers|cases|case|create|transition|extend|leader|stats|audit` and the
// petition demo loader. Personal data is shown as the server returns it: masked unless the
// token holds petition.pii (and then every such read is in the audit log).
#ifndef GAOXIN_TOOLS_GAOXINCTL_PETITION_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_PETITION_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunPetition(const Args& args);

// Loads <dir>/petition.json through the petition service's public API (ledgers, cases with their
// moves, leaders and extensions, meetings) and prints each ledger's resolution rate. Safe to run
// twice: creates carry request ids derived from the demo ids and moves already made are skipped.
// Cases naming an enterprise need it in the enterprise directory: load the enterprise demo first.
absl::Status LoadPetitionDemo(const std::string& dir);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_PETITION_COMMANDS_H_
