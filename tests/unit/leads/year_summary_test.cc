#include "services/leads/domain/year_summary.h"

#include "common/date.h"
#include "common/money.h"
#include "gtest/gtest.h"

namespace gaoxin::leads {
namespace {

using v1::Stage;

// Builds a lead that went through `steps` (stage, date) from its creation.
v1::Lead MakeLead(const std::string& id, int64_t planned_yuan, int64_t signed_yuan,
                  std::vector<std::pair<Stage, common::v1::Date>> steps) {
  v1::Lead lead;
  lead.set_id(id);
  *lead.mutable_planned_investment() = Yuan(planned_yuan);
  if (signed_yuan > 0) *lead.mutable_signed_amount() = Yuan(signed_yuan);
  Stage from = v1::STAGE_UNSPECIFIED;
  for (const auto& [stage, date] : steps) {
    auto* e = lead.add_history();
    e->set_from_stage(from);
    e->set_to_stage(stage);
    *e->mutable_effective_date() = date;
    from = stage;
  }
  lead.set_stage(from);
  return lead;
}

v1::Funding Fund(int64_t yuan, int year) {
  v1::Funding f;
  *f.mutable_amount() = Yuan(yuan);
  *f.mutable_arrival_date() = MakeDate(year, 6, 1);
  return f;
}

TEST(YearSummaryTest, CountsSignedNewStartsFundsAndAssets) {
  std::vector<v1::Lead> leads = {
      // Signed and started in 2023, above the 50 million line.
      MakeLead("a", 60000000, 100000000,
               {{v1::STAGE_NEGOTIATING, MakeDate(2022, 12, 1)},
                {v1::STAGE_SIGNED, MakeDate(2023, 1, 10)},
                {v1::STAGE_CONSTRUCTION, MakeDate(2023, 3, 1)}}),
      // Signed 2022, started 2023 exactly at the line.
      MakeLead("b", 50000000, 70000000,
               {{v1::STAGE_NEGOTIATING, MakeDate(2022, 1, 1)},
                {v1::STAGE_SIGNED, MakeDate(2022, 5, 1)},
                {v1::STAGE_CONSTRUCTION, MakeDate(2023, 5, 1)}}),
      // Started 2023 below the line: a new build, not a major new start.
      MakeLead("c", 49999999, 1,
               {{v1::STAGE_NEGOTIATING, MakeDate(2022, 1, 1)},
                {v1::STAGE_SIGNED, MakeDate(2022, 5, 1)},
                {v1::STAGE_CONSTRUCTION, MakeDate(2023, 5, 1)}}),
      // Under construction since 2022, completed 2023: continued build and completion.
      MakeLead("d", 300000000, 1,
               {{v1::STAGE_NEGOTIATING, MakeDate(2021, 1, 1)},
                {v1::STAGE_SIGNED, MakeDate(2021, 5, 1)},
                {v1::STAGE_CONSTRUCTION, MakeDate(2022, 5, 1)},
                {v1::STAGE_COMPLETED, MakeDate(2023, 10, 1)}}),
      // Negotiating at the end of 2023: the reserve batch.
      MakeLead("e", 0, 0, {{v1::STAGE_NEGOTIATING, MakeDate(2023, 7, 1)}}),
  };
  std::vector<v1::Funding> fundings = {Fund(2000, 2023), Fund(1035, 2023), Fund(2688, 2022),
                                       Fund(999, 2021)};
  std::vector<v1::IdleAsset> assets(2);
  assets[0].set_status(v1::IDLE_ASSET_STATUS_REVITALIZED);
  *assets[0].mutable_revitalized_date() = MakeDate(2023, 3, 1);
  assets[0].set_land_area_m2(100000);
  assets[1].set_status(v1::IDLE_ASSET_STATUS_REVITALIZED);
  *assets[1].mutable_revitalized_date() = MakeDate(2023, 9, 1);
  assets[1].set_land_area_m2(57000);

  v1::YearSummary s = ComputeYearSummary(2023, absl::CivilDay(2026, 1, 1), leads, fundings, assets);
  EXPECT_EQ(s.signed_count(), 1);
  EXPECT_EQ(s.signed_amount().units(), 100000000);
  EXPECT_EQ(s.major_new_starts_count(), 2);
  EXPECT_EQ(s.major_new_starts_planned_investment().units(), 110000000);
  EXPECT_EQ(s.funds_arrived().units(), 3035);
  EXPECT_EQ(s.funds_arrived_previous_year().units(), 2688);
  EXPECT_EQ(s.funds_arrived_change().numerator(), "347");
  EXPECT_EQ(s.funds_arrived_change().denominator(), "2688");
  EXPECT_EQ(s.funds_arrived_change().display_percent(), "12.91");
  EXPECT_EQ(s.idle_assets_revitalized_count(), 2);
  EXPECT_EQ(s.idle_assets_revitalized_land_m2(), 157000);
  EXPECT_EQ(s.batches().new_builds().count(), 3);
  EXPECT_EQ(s.batches().continued_builds().count(), 1);
  EXPECT_EQ(s.batches().continued_builds().lead_ids(0), "d");
  EXPECT_EQ(s.batches().completions().count(), 1);
  EXPECT_EQ(s.batches().reserve().count(), 1);
  EXPECT_EQ(s.batches().reserve().lead_ids(0), "e");
}

TEST(YearSummaryTest, ResumingConstructionIsNotANewStart) {
  v1::Lead lead = MakeLead("r", 80000000, 1,
                           {{v1::STAGE_NEGOTIATING, MakeDate(2021, 1, 1)},
                            {v1::STAGE_SIGNED, MakeDate(2021, 2, 1)},
                            {v1::STAGE_CONSTRUCTION, MakeDate(2022, 3, 1)},
                            {v1::STAGE_SUSPENDED, MakeDate(2022, 8, 1)},
                            {v1::STAGE_CONSTRUCTION, MakeDate(2023, 4, 1)}});
  v1::YearSummary s = ComputeYearSummary(2023, absl::CivilDay(2026, 1, 1), {lead}, {}, {});
  EXPECT_EQ(s.major_new_starts_count(), 0);
  EXPECT_EQ(s.batches().new_builds().count(), 0);
}

TEST(YearSummaryTest, NoPreviousYearFundsGivesNoPercentage) {
  v1::YearSummary s = ComputeYearSummary(2023, absl::CivilDay(2026, 1, 1), {}, {Fund(5, 2023)}, {});
  EXPECT_EQ(s.funds_arrived_change().denominator(), "0");
  EXPECT_EQ(s.funds_arrived_change().display_percent(), "");
}

}  // namespace
}  // namespace gaoxin::leads
