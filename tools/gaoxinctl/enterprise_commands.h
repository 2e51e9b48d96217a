// `gaoxinctl enterprise list|get|create|report|import|structure|indicators|alerts|ack|resolve|
// candidates|trend`, and the enterprise part of `gaoxinctl demo load`.
//
//   gaoxinctl enterprise import reports.csv          # streams the rows, shows progress
//   gaoxinctl enterprise structure 2023 --month=6    # January–June 2023 industry structure
#ifndef GAOXIN_TOOLS_GAOXINCTL_ENTERPRISE_COMMANDS_H_
#define GAOXIN_TOOLS_GAOXINCTL_ENTERPRISE_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "tools/gaoxinctl/cli.h"

namespace gaoxin::ctl {

int RunEnterprise(const Args& args);

// Loads `dir`/enterprises.csv, indicators.csv and monthly_reports.csv (deploy/demo/enterprise)
// into the enterprise service. Safe to run twice: creates carry request ids derived from the
// record's key, and re-importing identical reports changes nothing.
absl::Status LoadEnterpriseDemo(const std::string& dir);

}  // namespace gaoxin::ctl

#endif  // GAOXIN_TOOLS_GAOXINCTL_ENTERPRISE_COMMANDS_H_
