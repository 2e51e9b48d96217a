// The committee's yearly investment figures, computed from leads, funds arrived and idle assets.
// Pure: the store hands over the rows, this decides what counts. Every sum is exact and checked:
// one that no Money (or int64 of m2) can carry is OUT_OF_RANGE, never a wrapped figure.
//
//   ASSIGN_OR_RETURN(v1::YearSummary s,
//                    ComputeYearSummary(2023, today, leads, fundings, idle_assets));
//   s.signed_count();  // 10 for the demo data
#ifndef GAOXIN_SERVICES_LEADS_DOMAIN_YEAR_SUMMARY_H_
#define GAOXIN_SERVICES_LEADS_DOMAIN_YEAR_SUMMARY_H_

#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "common/money.h"
#include "gaoxin/leads/v1/leads.pb.h"

namespace gaoxin::leads {

// 5000万元: the report counts new starts of at least this planned investment.
inline constexpr int64_t kMajorNewStartYuan = 50000000;

// True when `lead` is in `batch` of `year` (see v1::Batch); `today` bounds the reserve snapshot
// of the current year. The one definition the summary's counts and ListLeads' batch filter share.
bool InBatch(const v1::Lead& lead, v1::Batch batch, int year, absl::CivilDay today);

// ListLeads' batch filter: a known batch, and a year with it.
void ValidateBatchFilter(v1::Batch batch, int year, FieldViolations* v);

namespace internal {
// Accumulates a LeadTally exactly.
class Tally {
 public:
  void Add(const v1::Lead& lead);
  absl::Status WriteTo(v1::LeadTally* out) const;

 private:
  int64_t count_ = 0;
  MoneySum planned_{"planned_investment"};
};
}  // namespace internal

// Folds the rows of one snapshot into the year's summary, one row at a time, so the store can
// stream a table of any size through it (memory does not grow with the data). The summary holds
// counts and sums only; the leads behind a tally are listed by ListLeads with the tally's filter.
//
//   YearSummaryBuilder b(2023, today);
//   for (const auto& lead : leads) b.AddLead(lead);       // every lead, any year
//   for (const auto& f : fundings) b.AddFunding(f);       // any years: year and year - 1 count
//   for (const auto& a : assets) b.AddIdleAsset(a);       // the year's idle assets
//   ASSIGN_OR_RETURN(v1::YearSummary s, b.Finish());      // OUT_OF_RANGE if a sum overflows
class YearSummaryBuilder {
 public:
  // `today` bounds the reserve-batch snapshot for the current year.
  YearSummaryBuilder(int year, absl::CivilDay today);

  void AddLead(const v1::Lead& lead);
  void AddFunding(const v1::Funding& funding);
  void AddIdleAsset(const v1::IdleAsset& asset);
  absl::StatusOr<v1::YearSummary> Finish() const;

 private:
  int year_;
  absl::CivilDay today_;
  int64_t signed_count_ = 0;
  MoneySum signed_amount_{"signed_amount"};
  int64_t major_count_ = 0;
  MoneySum major_planned_{"major_new_starts_planned_investment"};
  internal::Tally new_builds_, continued_, completions_, reserve_;
  std::map<v1::Stage, internal::Tally> by_stage_;
  std::map<common::v1::IndustryChain, internal::Tally> by_chain_;
  MoneySum funds_{"funds_arrived"};
  MoneySum funds_previous_{"funds_arrived_previous_year"};
  int64_t idle_count_ = 0;
  int64_t idle_land_ = 0;
  absl::Status idle_land_status_;
};

// The builder over rows in memory (tests, small sets).
absl::StatusOr<v1::YearSummary> ComputeYearSummary(int year, absl::CivilDay today,
                                                   const std::vector<v1::Lead>& leads,
                                                   const std::vector<v1::Funding>& fundings,
                                                   const std::vector<v1::IdleAsset>& idle_assets);

}  // namespace gaoxin::leads

#endif  // GAOXIN_SERVICES_LEADS_DOMAIN_YEAR_SUMMARY_H_
