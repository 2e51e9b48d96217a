#include "services/petition/domain/deadlines.h"

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/errors.h"
#include "services/petition/domain/case_history.h"
#include "services/petition/domain/derived_fields.h"
#include "services/petition/domain/free_text.h"

namespace gaoxin::petition {
namespace {

bool InHandling(v1::CaseStatus s) {
  return s == v1::CASE_STATUS_ACCEPTED || s == v1::CASE_STATUS_ASSIGNED ||
         s == v1::CASE_STATUS_IN_PROGRESS;
}

std::optional<absl::CivilDay> HandlingDue(const v1::Case& c, const DeadlinePolicy& policy) {
  std::optional<absl::CivilDay> start = HandlingStart(c);
  if (!start) return std::nullopt;
  absl::CivilDay due = *start + policy.handle_days;
  // An extension belongs to the handling period it was granted in.
  if (c.has_extension() && ToCivilDay(c.extension().date()) >= *start) {
    due += c.extension().days();
  }
  return due;
}

}  // namespace

std::optional<absl::CivilDay> DueDate(const v1::Case& c, const DeadlinePolicy& policy) {
  switch (c.status()) {
    case v1::CASE_STATUS_RECEIVED:
      return ToCivilDay(c.received_date()) + policy.accept_days;
    case v1::CASE_STATUS_ACCEPTED:
    case v1::CASE_STATUS_ASSIGNED:
    case v1::CASE_STATUS_IN_PROGRESS:
      return HandlingDue(c, policy);
    case v1::CASE_STATUS_REVIEW_REQUESTED:
    case v1::CASE_STATUS_RECHECK_REQUESTED: {
      std::optional<absl::CivilDay> requested = LastEntry(c, c.status());
      if (!requested) return std::nullopt;
      return *requested + policy.review_decide_days;
    }
    default:
      return std::nullopt;
  }
}

bool IsOverdue(const v1::Case& c, const DeadlinePolicy& policy, absl::CivilDay today) {
  std::optional<absl::CivilDay> due = DueDate(c, policy);
  return due.has_value() && today > *due;
}

std::optional<absl::CivilDay> ReviewRequestDeadline(const v1::Case& c,
                                                    const DeadlinePolicy& policy) {
  if (EverReached(c, v1::CASE_STATUS_RECHECK_REQUESTED)) return std::nullopt;
  switch (c.status()) {
    case v1::CASE_STATUS_RESOLVED:
    case v1::CASE_STATUS_REPORTED:
    case v1::CASE_STATUS_CLOSED:
    case v1::CASE_STATUS_REVIEWED:
      break;
    default:
      return std::nullopt;
  }
  if (EverReached(c, v1::CASE_STATUS_REVIEWED)) {
    return *LastEntry(c, v1::CASE_STATUS_REVIEWED) + policy.review_request_days;
  }
  if (EverReached(c, v1::CASE_STATUS_REVIEW_REQUESTED)) return std::nullopt;
  std::optional<absl::CivilDay> answered = LastEntry(c, v1::CASE_STATUS_RESOLVED);
  if (!answered) return std::nullopt;  // e.g. closed after NOT_ACCEPTED: nothing to review
  return *answered + policy.review_request_days;
}

absl::StatusOr<v1::Case> ExtendDeadline(const v1::Case& c, const ExtensionRequest& request,
                                        const DeadlinePolicy& policy, absl::CivilDay today) {
  FieldViolations v;
  if (request.days < 1 || request.days > policy.max_extension_days) {
    v.Add("days", absl::StrCat("must be between 1 and ", policy.max_extension_days));
  }
  if (request.reason.empty()) v.Add("reason", "an extension needs a reason");
  CheckNotWithheldNotice(request.reason, "reason", &v);
  if (request.actor.empty()) v.Add("actor", "must not be empty");
  if (request.date > today) v.Add("date", "must not be in the future");
  if (!v.empty()) return v.ToStatus();

  if (!InHandling(c.status())) {
    return FailedPrecondition(
        "NOT_IN_HANDLING",
        absl::StrCat("only a case being handled (accepted, assigned, in progress) can be "
                     "extended; this one is ",
                     StatusLabel(c.status())));
  }
  if (c.has_extension()) {
    return FailedPrecondition("EXTENSION_ALREADY_USED",
                              "the handling limit may be extended only once");
  }
  if (request.date < LastEventDay(c)) {
    return FailedPrecondition("DATE_BEFORE_PREVIOUS",
                              "the extension date is before the case's latest move");
  }
  std::optional<absl::CivilDay> due = DueDate(c, policy);
  if (due && request.date > *due) {
    return FailedPrecondition(
        "DEADLINE_PASSED",
        absl::StrCat("the extension must be approved within the handling limit (due ",
                     FormatDate(FromCivilDay(*due)), ")"));
  }

  v1::Case out = c;
  v1::DeadlineExtension* ext = out.mutable_extension();
  ext->set_days(request.days);
  ext->set_reason(request.reason);
  *ext->mutable_date() = FromCivilDay(request.date);
  ext->set_actor(request.actor);
  RefreshDerivedFields(&out, policy, today);
  return out;
}

}  // namespace gaoxin::petition
