// The lifecycle of a petition case as a state machine: which moves are allowed, the rules each
// move must satisfy, and what "resolved and reported" (已化解并上报) means for the ledgers.
//
//   Move m{v1::CASE_STATUS_ACCEPTED, MakeCivilDay(2023, 12, 28), "li.si", "受理", ""};
//   ASSIGN_OR_RETURN(v1::Case next, Transition(c, m, policy, today));
//
// Moves (see CaseStatus in petition.proto):
//   RECEIVED → ACCEPTED | NOT_ACCEPTED          NOT_ACCEPTED → CLOSED
//   ACCEPTED → ASSIGNED → IN_PROGRESS → RESOLVED
//   RESOLVED → REPORTED | REVIEW_REQUESTED | IN_PROGRESS (reopen)
//   REPORTED → CLOSED | REVIEW_REQUESTED | RECHECK_REQUESTED | IN_PROGRESS (reopen)
//   CLOSED   → REVIEW_REQUESTED | RECHECK_REQUESTED | IN_PROGRESS (reopen)
//   REVIEW_REQUESTED → REVIEWED → REPORTED | CLOSED | RECHECK_REQUESTED | IN_PROGRESS (reopen)
//   RECHECK_REQUESTED → RECHECKED → REPORTED | CLOSED
// A refused move is FAILED_PRECONDITION with one of these ErrorInfo reasons:
//   ILLEGAL_TRANSITION          not in the table (or closed after NOT_ACCEPTED, nothing answered)
//   FINAL_AFTER_RECHECK         reopen or review after the 复核 decision
//   REASON_REQUIRED             NOT_ACCEPTED or reopen without a reason
//   DEPARTMENT_REQUIRED         ASSIGNED with no responsible department on the case
//   DATE_BEFORE_PREVIOUS        dated before the latest move (or before receipt)
//   REVIEW_WINDOW_CLOSED        复查/复核 requested after its 30-day window
//   REVIEW_ALREADY_REQUESTED    a second 复查 (the next step is 复核)
//   RECHECK_BEFORE_REVIEW       复核 without a 复查 decision
// and INVALID_ARGUMENT for a missing actor, a bad status or a date in the future.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_CASE_STATE_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_CASE_STATE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/deadlines.h"

namespace gaoxin::petition {

// One requested move.
struct Move {
  v1::CaseStatus to = v1::CASE_STATUS_UNSPECIFIED;
  absl::CivilDay date;
  std::string actor;
  std::string note;
  std::string reason;
};

// The table above, without the history-dependent rules.
bool IsAllowedMove(v1::CaseStatus from, v1::CaseStatus to);
// The statuses reachable from `from` by the table, in enum order.
std::vector<v1::CaseStatus> AllowedMoves(v1::CaseStatus from);

// Applies `move` to `c`: checks every rule, appends a CaseEvent (record_time left for the caller
// to stamp), sets the status and refreshes the derived fields (due date, overdue, review info,
// resolved_and_reported) as of `today`. `c` itself is not changed.
absl::StatusOr<v1::Case> Transition(const v1::Case& c, const Move& move,
                                    const DeadlinePolicy& policy, absl::CivilDay today);

// 已化解并上报: the case is REPORTED, or CLOSED by a move straight from REPORTED. A reopened or
// re-reviewed case stops counting until it is reported again.
bool IsResolvedAndReported(const v1::Case& c);
// Still being worked on: not resolved-and-reported, not CLOSED, not NOT_ACCEPTED.
bool IsOpen(const v1::Case& c);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_CASE_STATE_H_
