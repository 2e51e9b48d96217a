#include "services/leads/domain/year_summary.h"

#include <map>

#include "common/date.h"
#include "common/money.h"
#include "common/ratio.h"
#include "services/leads/domain/lead_rules.h"

namespace gaoxin::leads {
namespace {

// Accumulates a LeadTally exactly.
class Tally {
 public:
  void Add(const v1::Lead& lead) {
    ++count_;
    planned_ += ToNanos(lead.planned_investment());
    ids_.push_back(lead.id());
  }
  void WriteTo(v1::LeadTally* out) const {
    out->set_count(count_);
    *out->mutable_planned_investment() = FromNanos(planned_);
    for (const auto& id : ids_) out->add_lead_ids(id);
  }

 private:
  int64_t count_ = 0;
  Nanos planned_ = 0;
  std::vector<std::string> ids_;
};

bool EnteredInYear(const v1::Lead& lead, v1::Stage stage, int year) {
  for (const auto& event : lead.history()) {
    if (EntersStage(event, stage) && event.effective_date().year() == year) return true;
  }
  return false;
}

}  // namespace

v1::YearSummary ComputeYearSummary(int year, absl::CivilDay today,
                                   const std::vector<v1::Lead>& leads,
                                   const std::vector<v1::Funding>& fundings,
                                   const std::vector<v1::IdleAsset>& idle_assets) {
  v1::YearSummary s;
  s.set_year(year);

  int64_t signed_count = 0;
  Nanos signed_amount = 0;
  int64_t major_count = 0;
  Nanos major_planned = 0;
  const Nanos major_threshold = Nanos(kMajorNewStartYuan) * kNanosPerUnit;
  Tally new_builds, continued, completions, reserve;
  std::map<v1::Stage, Tally> by_stage;
  std::map<common::v1::IndustryChain, Tally> by_chain;

  const absl::CivilDay end_of_previous_year(year - 1, 12, 31);
  absl::CivilDay reserve_day(year, 12, 31);
  if (today < reserve_day) reserve_day = today;

  for (const auto& lead : leads) {
    if (EnteredInYear(lead, v1::STAGE_SIGNED, year)) {
      ++signed_count;
      signed_amount += ToNanos(lead.signed_amount());
    }
    if (EnteredInYear(lead, v1::STAGE_CONSTRUCTION, year)) {
      new_builds.Add(lead);
      if (ToNanos(lead.planned_investment()) >= major_threshold) {
        ++major_count;
        major_planned += ToNanos(lead.planned_investment());
      }
    }
    if (StageAt(lead, end_of_previous_year) == v1::STAGE_CONSTRUCTION) continued.Add(lead);
    if (EnteredInYear(lead, v1::STAGE_COMPLETED, year)) completions.Add(lead);
    auto at_reserve_day = StageAt(lead, reserve_day);
    if (at_reserve_day == v1::STAGE_RESERVE || at_reserve_day == v1::STAGE_NEGOTIATING) {
      reserve.Add(lead);
    }
    by_stage[lead.stage()].Add(lead);
    by_chain[lead.industry_chain()].Add(lead);
  }

  s.set_signed_count(signed_count);
  *s.mutable_signed_amount() = FromNanos(signed_amount);

  Nanos funds = 0;
  Nanos funds_previous = 0;
  for (const auto& f : fundings) {
    if (f.arrival_date().year() == year) funds += ToNanos(f.amount());
    if (f.arrival_date().year() == year - 1) funds_previous += ToNanos(f.amount());
  }
  *s.mutable_funds_arrived() = FromNanos(funds);
  *s.mutable_funds_arrived_previous_year() = FromNanos(funds_previous);
  *s.mutable_funds_arrived_change() = GrowthRatio(funds, funds_previous);

  *s.mutable_major_new_start_threshold() = Yuan(kMajorNewStartYuan);
  s.set_major_new_starts_count(major_count);
  *s.mutable_major_new_starts_planned_investment() = FromNanos(major_planned);

  int64_t idle_count = 0;
  int64_t idle_land = 0;
  for (const auto& asset : idle_assets) {
    if (asset.status() == v1::IDLE_ASSET_STATUS_REVITALIZED &&
        asset.revitalized_date().year() == year) {
      ++idle_count;
      idle_land += asset.land_area_m2();
    }
  }
  s.set_idle_assets_revitalized_count(idle_count);
  s.set_idle_assets_revitalized_land_m2(idle_land);

  for (const auto& [stage, tally] : by_stage) {
    auto* out = s.add_by_stage();
    out->set_stage(stage);
    tally.WriteTo(out->mutable_tally());
  }
  for (const auto& [chain, tally] : by_chain) {
    auto* out = s.add_by_chain();
    out->set_industry_chain(chain);
    tally.WriteTo(out->mutable_tally());
  }
  new_builds.WriteTo(s.mutable_batches()->mutable_new_builds());
  continued.WriteTo(s.mutable_batches()->mutable_continued_builds());
  completions.WriteTo(s.mutable_batches()->mutable_completions());
  reserve.WriteTo(s.mutable_batches()->mutable_reserve());
  return s;
}

}  // namespace gaoxin::leads
