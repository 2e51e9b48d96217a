#include "services/petition/domain/case_state.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/errors.h"
#include "services/petition/domain/case_history.h"
#include "services/petition/domain/derived_fields.h"
#include "services/petition/domain/free_text.h"

namespace gaoxin::petition {
namespace {

using S = v1::CaseStatus;

struct Edge {
  S from;
  std::initializer_list<S> to;
};

// The table of CaseStatus in petition.proto; the history-dependent rules are in Transition.
const Edge kEdges[] = {
    {v1::CASE_STATUS_RECEIVED, {v1::CASE_STATUS_ACCEPTED, v1::CASE_STATUS_NOT_ACCEPTED}},
    {v1::CASE_STATUS_NOT_ACCEPTED, {v1::CASE_STATUS_CLOSED}},
    {v1::CASE_STATUS_ACCEPTED, {v1::CASE_STATUS_ASSIGNED}},
    {v1::CASE_STATUS_ASSIGNED, {v1::CASE_STATUS_IN_PROGRESS}},
    {v1::CASE_STATUS_IN_PROGRESS, {v1::CASE_STATUS_RESOLVED}},
    {v1::CASE_STATUS_RESOLVED,
     {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_REPORTED, v1::CASE_STATUS_REVIEW_REQUESTED}},
    {v1::CASE_STATUS_REPORTED,
     {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_CLOSED, v1::CASE_STATUS_REVIEW_REQUESTED,
      v1::CASE_STATUS_RECHECK_REQUESTED}},
    {v1::CASE_STATUS_CLOSED,
     {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_REVIEW_REQUESTED,
      v1::CASE_STATUS_RECHECK_REQUESTED}},
    {v1::CASE_STATUS_REVIEW_REQUESTED, {v1::CASE_STATUS_REVIEWED}},
    {v1::CASE_STATUS_REVIEWED,
     {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_REPORTED, v1::CASE_STATUS_CLOSED,
      v1::CASE_STATUS_RECHECK_REQUESTED}},
    {v1::CASE_STATUS_RECHECK_REQUESTED, {v1::CASE_STATUS_RECHECKED}},
    {v1::CASE_STATUS_RECHECKED, {v1::CASE_STATUS_REPORTED, v1::CASE_STATUS_CLOSED}},
};

bool IsReviewMove(S to) {
  return to == v1::CASE_STATUS_REVIEW_REQUESTED || to == v1::CASE_STATUS_RECHECK_REQUESTED;
}

absl::Status Illegal(S from, S to, absl::string_view why = "") {
  std::string message =
      absl::StrCat("a case cannot move from ", StatusLabel(from), " to ", StatusLabel(to));
  if (!why.empty()) absl::StrAppend(&message, ": ", why);
  return FailedPrecondition("ILLEGAL_TRANSITION", message);
}

// Rules on the review steps (复查, 复核), beyond the table.
absl::Status CheckReview(const v1::Case& c, const Move& move, const DeadlinePolicy& policy) {
  absl::CivilDay window_start;
  if (move.to == v1::CASE_STATUS_REVIEW_REQUESTED) {
    if (EverReached(c, v1::CASE_STATUS_REVIEW_REQUESTED)) {
      return FailedPrecondition("REVIEW_ALREADY_REQUESTED",
                                "复查 may be requested once; the next step is 复核 "
                                "(RECHECK_REQUESTED)");
    }
    std::optional<absl::CivilDay> answered = LastEntry(c, v1::CASE_STATUS_RESOLVED);
    if (!answered) return Illegal(c.status(), move.to, "the case was never answered");
    window_start = *answered;
  } else {
    if (EverReached(c, v1::CASE_STATUS_RECHECK_REQUESTED)) {
      return FailedPrecondition("REVIEW_ALREADY_REQUESTED", "复核 may be requested once");
    }
    std::optional<absl::CivilDay> reviewed = LastEntry(c, v1::CASE_STATUS_REVIEWED);
    if (!reviewed) {
      return FailedPrecondition("RECHECK_BEFORE_REVIEW",
                                "复核 can only follow a 复查 decision (REVIEWED)");
    }
    window_start = *reviewed;
  }
  absl::CivilDay last_day = window_start + policy.review_request_days;
  if (move.date > last_day) {
    return FailedPrecondition(
        "REVIEW_WINDOW_CLOSED",
        absl::StrCat("a review must be requested within ", policy.review_request_days,
                     " days of the decision of ", FormatDate(FromCivilDay(window_start)),
                     " (last day ", FormatDate(FromCivilDay(last_day)), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsAllowedMove(S from, S to) {
  for (const Edge& e : kEdges) {
    if (e.from == from) return std::find(e.to.begin(), e.to.end(), to) != e.to.end();
  }
  return false;
}

std::vector<S> AllowedMoves(S from) {
  std::vector<S> out;
  for (int i = v1::CaseStatus_MIN; i <= v1::CaseStatus_MAX; ++i) {
    if (v1::CaseStatus_IsValid(i) && IsAllowedMove(from, static_cast<S>(i))) {
      out.push_back(static_cast<S>(i));
    }
  }
  return out;
}

absl::StatusOr<v1::Case> Transition(const v1::Case& c, const Move& move,
                                    const DeadlinePolicy& policy, absl::CivilDay today) {
  FieldViolations v;
  if (move.to == v1::CASE_STATUS_UNSPECIFIED || !v1::CaseStatus_IsValid(move.to)) {
    v.Add("to_status", "must be a case status");
  }
  if (move.actor.empty()) v.Add("actor", "must not be empty");
  if (move.date > today) v.Add("date", "must not be in the future");
  CheckNotWithheldNotice(move.note, "note", &v);
  CheckNotWithheldNotice(move.reason, "reason", &v);
  if (!v.empty()) return v.ToStatus();

  const S from = c.status();
  // The 复核 decision is final (信访工作条例 第三十五条): checked before the table so the caller
  // learns the real rule rather than a generic "illegal".
  if (EverReached(c, v1::CASE_STATUS_RECHECKED) &&
      (IsReviewMove(move.to) || move.to == v1::CASE_STATUS_IN_PROGRESS)) {
    return FailedPrecondition("FINAL_AFTER_RECHECK",
                              "the 复核 decision is final: the case cannot be reopened or "
                              "reviewed again");
  }
  if (!IsAllowedMove(from, move.to)) return Illegal(from, move.to);

  const bool reopen = IsReopen(from, move.to);
  if (reopen && !EverReached(c, v1::CASE_STATUS_RESOLVED)) {
    return Illegal(from, move.to,
                   "a case closed without acceptance is not reopened; file a new one");
  }
  if ((move.to == v1::CASE_STATUS_NOT_ACCEPTED || reopen) && move.reason.empty()) {
    return FailedPrecondition(
        "REASON_REQUIRED",
        absl::StrCat(reopen ? "reopening" : "not accepting", " a case requires a reason"));
  }
  if (move.to == v1::CASE_STATUS_ASSIGNED && c.department().empty()) {
    return FailedPrecondition("DEPARTMENT_REQUIRED",
                              "set the responsible department before assigning the case");
  }
  if (move.date < LastEventDay(c)) {
    return FailedPrecondition(
        "DATE_BEFORE_PREVIOUS",
        absl::StrCat("the move is dated ", FormatDate(FromCivilDay(move.date)),
                     ", before the case's latest move or receipt on ",
                     FormatDate(FromCivilDay(LastEventDay(c)))));
  }
  if (IsReviewMove(move.to)) {
    absl::Status review = CheckReview(c, move, policy);
    if (!review.ok()) return review;
  }

  v1::Case out = c;
  v1::CaseEvent* event = out.add_history();
  event->set_from_status(from);
  event->set_to_status(move.to);
  *event->mutable_date() = FromCivilDay(move.date);
  event->set_actor(move.actor);
  event->set_note(move.note);
  event->set_reason(move.reason);
  out.set_status(move.to);
  RefreshDerivedFields(&out, policy, today);
  return out;
}

bool IsResolvedAndReported(const v1::Case& c) {
  if (c.status() == v1::CASE_STATUS_REPORTED) return true;
  if (c.status() != v1::CASE_STATUS_CLOSED || c.history_size() == 0) return false;
  return c.history(c.history_size() - 1).from_status() == v1::CASE_STATUS_REPORTED;
}

bool IsOpen(const v1::Case& c) {
  if (IsResolvedAndReported(c)) return false;
  return c.status() != v1::CASE_STATUS_CLOSED && c.status() != v1::CASE_STATUS_NOT_ACCEPTED;
}

}  // namespace gaoxin::petition
