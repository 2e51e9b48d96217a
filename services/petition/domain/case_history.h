// Read-only questions about a case's history (its list of CaseEvents): when did it last enter a
// status, did it ever reach one. The deadline and state-machine rules are all phrased in these
// terms, so they live in one place.
//
//   std::optional<absl::CivilDay> accepted = LastEntry(c, v1::CASE_STATUS_ACCEPTED);
//   if (EverReached(c, v1::CASE_STATUS_RECHECKED)) { ... the matter is final ... }
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_CASE_HISTORY_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_CASE_HISTORY_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"

namespace gaoxin::petition {

// The day of the most recent move into `status`, if any.
std::optional<absl::CivilDay> LastEntry(const v1::Case& c, v1::CaseStatus status);
bool EverReached(const v1::Case& c, v1::CaseStatus status);
// The day of the latest move, or the received date when there is none.
absl::CivilDay LastEventDay(const v1::Case& c);

// True for a move that reopens an answered case: into IN_PROGRESS from RESOLVED, REPORTED,
// CLOSED or REVIEWED.
bool IsReopen(v1::CaseStatus from, v1::CaseStatus to);

// The day the current handling period started: the latest acceptance or reopen, whichever is
// later. Empty when the case was never accepted.
std::optional<absl::CivilDay> HandlingStart(const v1::Case& c);

// "RECEIVED", "IN_PROGRESS", ... (the enum name without its prefix), for messages.
std::string StatusLabel(v1::CaseStatus status);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_CASE_HISTORY_H_
