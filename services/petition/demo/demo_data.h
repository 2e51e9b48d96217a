// The petition demo data set (deploy/demo/petition.json, described in README.md): the 2023 万件化访
// and '4839' ledgers of the work report and the open matters of the 2024 plan, with every case's
// moves. LoadDemoData reads it; ReplayDemoCases drives each case through the domain rules the
// service uses (PrepareNewCase, DetectRepeat, Transition, ExtendDeadline), so the figures it
// yields are the ones the service would compute from the same calls.
//
//   ASSIGN_OR_RETURN(DemoData data, LoadDemoData(DefaultDemoPath()));
//   ASSIGN_OR_RETURN(std::vector<v1::Case> cases, ReplayDemoCases(data, cipher, policy, today));
//   v1::LedgerStats s = ComputeLedgerStats(data.ledgers[0], cases, policy, today);  // 26/27
#ifndef GAOXIN_SERVICES_PETITION_DEMO_DEMO_DATA_H_
#define GAOXIN_SERVICES_PETITION_DEMO_DEMO_DATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/deadlines.h"
#include "services/petition/domain/pii_crypto.h"

namespace gaoxin::petition {

// One step of a demo case: a move (`to` set) or the extension (`extend_days` > 0).
struct DemoStep {
  v1::CaseStatus to = v1::CASE_STATUS_UNSPECIFIED;
  int extend_days = 0;
  absl::CivilDay date;
  std::string actor;
  std::string note;
  std::string reason;
};

struct DemoCase {
  v1::Case input;  // id set to the demo id; ledger_ids are demo ledger ids
  std::string leader;
  std::vector<DemoStep> steps;
};

struct DemoData {
  absl::CivilDay as_of;
  std::vector<v1::Ledger> ledgers;
  std::vector<DemoCase> cases;  // in the order they are to be created
  std::vector<v1::Meeting> meetings;
};

// The path of deploy/demo/petition.json in the source tree.
std::string DefaultDemoPath();

// INVALID_ARGUMENT naming the entry when the file is malformed.
absl::StatusOr<DemoData> LoadDemoData(const std::string& path);

// The cases as the service would hold them after creating each one and applying its steps, in
// file order; repeat links use `cipher`'s keyed hash of the ID numbers. Fails on the first
// refused step, naming the case.
absl::StatusOr<std::vector<v1::Case>> ReplayDemoCases(const DemoData& data, const PiiCipher& cipher,
                                                      const DeadlinePolicy& policy,
                                                      absl::CivilDay today);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DEMO_DEMO_DATA_H_
