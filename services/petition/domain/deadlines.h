// Time limits of the Regulations on Letters and Visits (信访工作条例, 2022), in calendar days:
// acceptance decided within 15 days of receipt, handled within 60 days of acceptance (one
// extension of at most 30 days, with a reason), review (复查) and second review (复核) requested
// within 30 days of the answer and decided within 30 days. The limits are a policy object so a
// deployment can configure them; the defaults are the regulation's.
//
//   DeadlinePolicy policy;                            // 15 / 60 / 30 / 30 / 30
//   std::optional<absl::CivilDay> due = DueDate(c, policy);
//   bool late = IsOverdue(c, policy, TodayInZone(absl::Now()));
//
// A due date is the last day allowed: received 2023-12-20 → acceptance due 2024-01-04, and the
// case is overdue from 2024-01-05.
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_DEADLINES_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_DEADLINES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"

namespace gaoxin::petition {

struct DeadlinePolicy {
  int accept_days = 15;
  int handle_days = 60;
  int max_extension_days = 30;
  int review_request_days = 30;
  int review_decide_days = 30;
};

// The current limit of the office, from the case's status and history:
//   RECEIVED                        received_date + accept_days
//   ACCEPTED/ASSIGNED/IN_PROGRESS   handling start + handle_days (+ extension days)
//   REVIEW_REQUESTED                request day + review_decide_days (likewise RECHECK_REQUESTED)
// Empty when nothing is due from the office (answered, closed, not accepted).
// The handling start is the latest acceptance or reopen: a reopened case is handled again under
// a fresh limit, and an extension granted before the reopen no longer applies.
std::optional<absl::CivilDay> DueDate(const v1::Case& c, const DeadlinePolicy& policy);

// True when the case has a due date and `today` is after it.
bool IsOverdue(const v1::Case& c, const DeadlinePolicy& policy, absl::CivilDay today);

// The last day the petitioner may ask for the next review: answer (last RESOLVED) +
// review_request_days for 复查, 复查 decision + review_request_days for 复核. Empty when no
// further review is possible (not answered yet, under review, review already used, or final).
std::optional<absl::CivilDay> ReviewRequestDeadline(const v1::Case& c,
                                                    const DeadlinePolicy& policy);

struct ExtensionRequest {
  int days = 0;
  std::string reason;
  absl::CivilDay date;
  std::string actor;
};

// Grants the one extension of the handling limit. Fails with
//   INVALID_ARGUMENT  days outside 1..max_extension_days ("days"), empty reason ("reason"),
//                     empty actor ("actor"), date after `today` ("date");
//   FAILED_PRECONDITION NOT_IN_HANDLING (status not ACCEPTED/ASSIGNED/IN_PROGRESS),
//                     EXTENSION_ALREADY_USED (once per case, reopen or not),
//                     DATE_BEFORE_PREVIOUS, DEADLINE_PASSED (approved after the limit ran out).
// Returns the case with `extension` set and due date / overdue refreshed.
absl::StatusOr<v1::Case> ExtendDeadline(const v1::Case& c, const ExtensionRequest& request,
                                        const DeadlinePolicy& policy, absl::CivilDay today);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_DEADLINES_H_
