// The committee's yearly investment figures, computed from leads, funds arrived and idle assets.
// Pure: the store hands over the rows, this decides what counts. Every sum is exact and checked:
// one that no Money (or int64 of m2) can carry is OUT_OF_RANGE, never a wrapped figure.
//
//   ASSIGN_OR_RETURN(v1::YearSummary s,
//                    ComputeYearSummary(2023, today, leads, fundings, idle_assets));
//   s.signed_count();  // 10 for the demo data
#ifndef GAOXIN_SERVICES_LEADS_DOMAIN_YEAR_SUMMARY_H_
#define GAOXIN_SERVICES_LEADS_DOMAIN_YEAR_SUMMARY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "gaoxin/leads/v1/leads.pb.h"

namespace gaoxin::leads {

// 5000万元: the report counts new starts of at least this planned investment.
inline constexpr int64_t kMajorNewStartYuan = 50000000;

// True when `lead` is in `batch` of `year` (see v1::Batch); `today` bounds the reserve snapshot
// of the current year. The one definition the summary's counts and ListLeads' batch filter share.
bool InBatch(const v1::Lead& lead, v1::Batch batch, int year, absl::CivilDay today);

// ListLeads' batch filter: a known batch, and a year with it.
void ValidateBatchFilter(v1::Batch batch, int year, FieldViolations* v);

// The summary holds counts and sums only (its size does not grow with the data); the leads behind
// a tally are listed by ListLeads with the tally's filter.
// `fundings` may hold any years (only `year` and `year - 1` count); `today` bounds the
// reserve-batch snapshot for the current year.
absl::StatusOr<v1::YearSummary> ComputeYearSummary(int year, absl::CivilDay today,
                                                   const std::vector<v1::Lead>& leads,
                                                   const std::vector<v1::Funding>& fundings,
                                                   const std::vector<v1::IdleAsset>& idle_assets);

}  // namespace gaoxin::leads

#endif  // GAOXIN_SERVICES_LEADS_DOMAIN_YEAR_SUMMARY_H_
