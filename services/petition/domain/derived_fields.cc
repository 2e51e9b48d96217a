#include "services/petition/domain/derived_fields.h"

#include <optional>

#include "common/date.h"
#include "services/petition/domain/case_history.h"
#include "services/petition/domain/case_state.h"

namespace gaoxin::petition {

void RefreshDerivedFields(v1::Case* c, const DeadlinePolicy& policy, absl::CivilDay today) {
  std::optional<absl::CivilDay> due = DueDate(*c, policy);
  if (due) {
    *c->mutable_due_date() = FromCivilDay(*due);
  } else {
    c->clear_due_date();
  }
  c->set_overdue(due.has_value() && today > *due);
  c->set_resolved_and_reported(IsResolvedAndReported(*c));

  v1::ReviewInfo* review = c->mutable_review();
  review->Clear();
  if (EverReached(*c, v1::CASE_STATUS_RECHECK_REQUESTED)) {
    review->set_stage(v1::REVIEW_STAGE_RECHECK);
  } else if (EverReached(*c, v1::CASE_STATUS_REVIEW_REQUESTED)) {
    review->set_stage(v1::REVIEW_STAGE_REVIEW);
  } else {
    review->set_stage(v1::REVIEW_STAGE_NONE);
  }
  // `review` was cleared above, so only the dates that exist are set.
  if (auto d = ReviewRequestDeadline(*c, policy)) {
    *review->mutable_request_deadline() = FromCivilDay(*d);
  }
  if (auto d = LastEntry(*c, v1::CASE_STATUS_REVIEW_REQUESTED)) {
    *review->mutable_review_requested_date() = FromCivilDay(*d);
  }
  if (auto d = LastEntry(*c, v1::CASE_STATUS_REVIEWED)) {
    *review->mutable_review_decided_date() = FromCivilDay(*d);
  }
  if (auto d = LastEntry(*c, v1::CASE_STATUS_RECHECK_REQUESTED)) {
    *review->mutable_recheck_requested_date() = FromCivilDay(*d);
  }
  if (auto d = LastEntry(*c, v1::CASE_STATUS_RECHECKED)) {
    *review->mutable_recheck_decided_date() = FromCivilDay(*d);
  }
  review->set_final(EverReached(*c, v1::CASE_STATUS_RECHECKED));
}

}  // namespace gaoxin::petition
