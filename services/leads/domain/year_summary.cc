#include "services/leads/domain/year_summary.h"

#include <algorithm>

#include "common/date.h"
#include "common/money.h"
#include "common/quantity.h"
#include "common/ratio.h"
#include "common/status_macros.h"
#include "services/leads/domain/lead_rules.h"

namespace gaoxin::leads {
namespace {

bool EnteredInYear(const v1::Lead& lead, v1::Stage stage, int year) {
  for (const auto& event : lead.history()) {
    if (EntersStage(event, stage) && event.effective_date().year() == year) return true;
  }
  return false;
}

}  // namespace

namespace internal {

void Tally::Add(const v1::Lead& lead) {
  ++count_;
  planned_.Add(lead.planned_investment());
}

absl::Status Tally::WriteTo(v1::LeadTally* out) const {
  RETURN_IF_ERROR(planned_.status());
  out->set_count(count_);
  *out->mutable_planned_investment() = FromNanos(planned_.nanos());
  return absl::OkStatus();
}

}  // namespace internal

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

YearSummaryBuilder::YearSummaryBuilder(int year, absl::CivilDay today)
    : year_(year), today_(today) {}

void YearSummaryBuilder::AddLead(const v1::Lead& lead) {
  if (EnteredInYear(lead, v1::STAGE_SIGNED, year_)) {
    ++signed_count_;
    signed_amount_.Add(lead.signed_amount());
  }
  if (InBatch(lead, v1::BATCH_NEW_BUILDS, year_, today_)) {
    new_builds_.Add(lead);
    const Nanos major_threshold = Nanos(kMajorNewStartYuan) * kNanosPerUnit;
    if (ToNanos(lead.planned_investment()) >= major_threshold) {
      ++major_count_;
      major_planned_.Add(lead.planned_investment());
    }
  }
  if (InBatch(lead, v1::BATCH_CONTINUED_BUILDS, year_, today_)) continued_.Add(lead);
  if (InBatch(lead, v1::BATCH_COMPLETIONS, year_, today_)) completions_.Add(lead);
  if (InBatch(lead, v1::BATCH_RESERVE, year_, today_)) reserve_.Add(lead);
  by_stage_[lead.stage()].Add(lead);
  by_chain_[lead.industry_chain()].Add(lead);
}

void YearSummaryBuilder::AddFunding(const v1::Funding& f) {
  if (f.arrival_date().year() == year_) funds_.Add(f.amount());
  if (f.arrival_date().year() == year_ - 1) funds_previous_.Add(f.amount());
}

void YearSummaryBuilder::AddIdleAsset(const v1::IdleAsset& asset) {
  if (asset.status() != v1::IDLE_ASSET_STATUS_REVITALIZED ||
      asset.revitalized_date().year() != year_) {
    return;
  }
  ++idle_count_;
  if (!idle_land_status_.ok()) return;
  absl::StatusOr<int64_t> sum =
      AddQuantity(idle_land_, asset.land_area_m2(), "idle_assets_revitalized_land_m2");
  if (sum.ok()) {
    idle_land_ = *sum;
  } else {
    idle_land_status_ = sum.status();
  }
}

absl::StatusOr<v1::YearSummary> YearSummaryBuilder::Finish() const {
  v1::YearSummary s;
  s.set_year(year_);

  RETURN_IF_ERROR(signed_amount_.status());
  s.set_signed_count(signed_count_);
  *s.mutable_signed_amount() = FromNanos(signed_amount_.nanos());

  RETURN_IF_ERROR(funds_.status());
  RETURN_IF_ERROR(funds_previous_.status());
  *s.mutable_funds_arrived() = FromNanos(funds_.nanos());
  *s.mutable_funds_arrived_previous_year() = FromNanos(funds_previous_.nanos());
  *s.mutable_funds_arrived_change() = GrowthRatio(funds_.nanos(), funds_previous_.nanos());

  RETURN_IF_ERROR(major_planned_.status());
  *s.mutable_major_new_start_threshold() = Yuan(kMajorNewStartYuan);
  s.set_major_new_starts_count(major_count_);
  *s.mutable_major_new_starts_planned_investment() = FromNanos(major_planned_.nanos());

  RETURN_IF_ERROR(idle_land_status_);
  s.set_idle_assets_revitalized_count(idle_count_);
  s.set_idle_assets_revitalized_land_m2(idle_land_);

  for (const auto& [stage, tally] : by_stage_) {
    auto* out = s.add_by_stage();
    out->set_stage(stage);
    RETURN_IF_ERROR(tally.WriteTo(out->mutable_tally()));
  }
  for (const auto& [chain, tally] : by_chain_) {
    auto* out = s.add_by_chain();
    out->set_industry_chain(chain);
    RETURN_IF_ERROR(tally.WriteTo(out->mutable_tally()));
  }
  RETURN_IF_ERROR(new_builds_.WriteTo(s.mutable_batches()->mutable_new_builds()));
  RETURN_IF_ERROR(continued_.WriteTo(s.mutable_batches()->mutable_continued_builds()));
  RETURN_IF_ERROR(completions_.WriteTo(s.mutable_batches()->mutable_completions()));
  RETURN_IF_ERROR(reserve_.WriteTo(s.mutable_batches()->mutable_reserve()));
  return s;
}

absl::StatusOr<v1::YearSummary> ComputeYearSummary(int year, absl::CivilDay today,
                                                   const std::vector<v1::Lead>& leads,
                                                   const std::vector<v1::Funding>& fundings,
                                                   const std::vector<v1::IdleAsset>& idle_assets) {
  YearSummaryBuilder b(year, today);
  for (const auto& lead : leads) b.AddLead(lead);
  for (const auto& f : fundings) b.AddFunding(f);
  for (const auto& asset : idle_assets) b.AddIdleAsset(asset);
  return b.Finish();
}

}  // namespace gaoxin::leads
