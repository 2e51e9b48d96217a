#include "services/leads/domain/year_summary.h"

#include <algorithm>
#include <map>

#include "common/date.h"
#include "common/money.h"
#include "common/quantity.h"
#include "common/ratio.h"
#include "common/status_macros.h"
#include "services/leads/domain/lead_rules.h"

namespace gaoxin::leads {
namespace {

// Accumulates a LeadTally exactly.
class Tally {
 public:
  void Add(const v1::Lead& lead) {
    ++count_;
    planned_.Add(lead.planned_investment());
  }
  absl::Status WriteTo(v1::LeadTally* out) const {
    RETURN_IF_ERROR(planned_.status());
    out->set_count(count_);
    *out->mutable_planned_investment() = FromNanos(planned_.nanos());
    return absl::OkStatus();
  }

 private:
  int64_t count_ = 0;
  MoneySum planned_{"planned_investment"};
};

bool EnteredInYear(const v1::Lead& lead, v1::Stage stage, int year) {
  for (const auto& event : lead.history()) {
    if (EntersStage(event, stage) && event.effective_date().year() == year) return true;
  }
  return false;
}

}  // namespace

bool InBatch(const v1::Lead& lead, v1::Batch batch, int year, absl::CivilDay today) {
  switch (batch) {
    case v1::BATCH_NEW_BUILDS:
      return EnteredInYear(lead, v1::STAGE_CONSTRUCTION, year);
    case v1::BATCH_CONTINUED_BUILDS:
      return StageAt(lead, absl::CivilDay(year - 1, 12, 31)) == v1::STAGE_CONSTRUCTION;
    case v1::BATCH_COMPLETIONS:
      return EnteredInYear(lead, v1::STAGE_COMPLETED, year);
    case v1::BATCH_RESERVE: {
      const absl::CivilDay reserve_day = std::min(absl::CivilDay(year, 12, 31), today);
      const auto stage = StageAt(lead, reserve_day);
      return stage == v1::STAGE_RESERVE || stage == v1::STAGE_NEGOTIATING;
    }
    default:
      return false;
  }
}

void ValidateBatchFilter(v1::Batch batch, int year, FieldViolations* v) {
  if (!v1::Batch_IsValid(batch)) {
    v->Add("batch", "is not a known batch");
  } else if (batch != v1::BATCH_UNSPECIFIED && year == 0) {
    v->Add("year", "is required with batch: the batch of which year");
  }
}

absl::StatusOr<v1::YearSummary> ComputeYearSummary(int year, absl::CivilDay today,
                                                   const std::vector<v1::Lead>& leads,
                                                   const std::vector<v1::Funding>& fundings,
                                                   const std::vector<v1::IdleAsset>& idle_assets) {
  v1::YearSummary s;
  s.set_year(year);

  int64_t signed_count = 0;
  MoneySum signed_amount("signed_amount");
  int64_t major_count = 0;
  MoneySum major_planned("major_new_starts_planned_investment");
  const Nanos major_threshold = Nanos(kMajorNewStartYuan) * kNanosPerUnit;
  Tally new_builds, continued, completions, reserve;
  std::map<v1::Stage, Tally> by_stage;
  std::map<common::v1::IndustryChain, Tally> by_chain;

  for (const auto& lead : leads) {
    if (EnteredInYear(lead, v1::STAGE_SIGNED, year)) {
      ++signed_count;
      signed_amount.Add(lead.signed_amount());
    }
    if (InBatch(lead, v1::BATCH_NEW_BUILDS, year, today)) {
      new_builds.Add(lead);
      if (ToNanos(lead.planned_investment()) >= major_threshold) {
        ++major_count;
        major_planned.Add(lead.planned_investment());
      }
    }
    if (InBatch(lead, v1::BATCH_CONTINUED_BUILDS, year, today)) continued.Add(lead);
    if (InBatch(lead, v1::BATCH_COMPLETIONS, year, today)) completions.Add(lead);
    if (InBatch(lead, v1::BATCH_RESERVE, year, today)) reserve.Add(lead);
    by_stage[lead.stage()].Add(lead);
    by_chain[lead.industry_chain()].Add(lead);
  }

  RETURN_IF_ERROR(signed_amount.status());
  s.set_signed_count(signed_count);
  *s.mutable_signed_amount() = FromNanos(signed_amount.nanos());

  MoneySum funds("funds_arrived");
  MoneySum funds_previous("funds_arrived_previous_year");
  for (const auto& f : fundings) {
    if (f.arrival_date().year() == year) funds.Add(f.amount());
    if (f.arrival_date().year() == year - 1) funds_previous.Add(f.amount());
  }
  RETURN_IF_ERROR(funds.status());
  RETURN_IF_ERROR(funds_previous.status());
  *s.mutable_funds_arrived() = FromNanos(funds.nanos());
  *s.mutable_funds_arrived_previous_year() = FromNanos(funds_previous.nanos());
  *s.mutable_funds_arrived_change() = GrowthRatio(funds.nanos(), funds_previous.nanos());

  RETURN_IF_ERROR(major_planned.status());
  *s.mutable_major_new_start_threshold() = Yuan(kMajorNewStartYuan);
  s.set_major_new_starts_count(major_count);
  *s.mutable_major_new_starts_planned_investment() = FromNanos(major_planned.nanos());

  int64_t idle_count = 0;
  int64_t idle_land = 0;
  for (const auto& asset : idle_assets) {
    if (asset.status() == v1::IDLE_ASSET_STATUS_REVITALIZED &&
        asset.revitalized_date().year() == year) {
      ++idle_count;
      ASSIGN_OR_RETURN(idle_land, AddQuantity(idle_land, asset.land_area_m2(),
                                              "idle_assets_revitalized_land_m2"));
    }
  }
  s.set_idle_assets_revitalized_count(idle_count);
  s.set_idle_assets_revitalized_land_m2(idle_land);

  for (const auto& [stage, tally] : by_stage) {
    auto* out = s.add_by_stage();
    out->set_stage(stage);
    RETURN_IF_ERROR(tally.WriteTo(out->mutable_tally()));
  }
  for (const auto& [chain, tally] : by_chain) {
    auto* out = s.add_by_chain();
    out->set_industry_chain(chain);
    RETURN_IF_ERROR(tally.WriteTo(out->mutable_tally()));
  }
  RETURN_IF_ERROR(new_builds.WriteTo(s.mutable_batches()->mutable_new_builds()));
  RETURN_IF_ERROR(continued.WriteTo(s.mutable_batches()->mutable_continued_builds()));
  RETURN_IF_ERROR(completions.WriteTo(s.mutable_batches()->mutable_completions()));
  RETURN_IF_ERROR(reserve.WriteTo(s.mutable_batches()->mutable_reserve()));
  return s;
}

}  // namespace gaoxin::leads
