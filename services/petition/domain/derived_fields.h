// Recomputes a case's output-only fields that follow from its status, history and the day:
// due_date, overdue, review (ReviewInfo) and resolved_and_reported. Called after every change
// and on every read, since `overdue` changes with the calendar, not with the case.
//
//   RefreshDerivedFields(&c, policy, TodayInZone(absl::Now()));
#ifndef GAOXIN_SERVICES_PETITION_DOMAIN_DERIVED_FIELDS_H_
#define GAOXIN_SERVICES_PETITION_DOMAIN_DERIVED_FIELDS_H_

#include "absl/time/civil_time.h"
#include "gaoxin/petition/v1/petition.pb.h"
#include "services/petition/domain/deadlines.h"

namespace gaoxin::petition {

void RefreshDerivedFields(v1::Case* c, const DeadlinePolicy& policy, absl::CivilDay today);

}  // namespace gaoxin::petition

#endif  // GAOXIN_SERVICES_PETITION_DOMAIN_DERIVED_FIELDS_H_
