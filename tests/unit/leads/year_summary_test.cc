#include "services/leads/domain/year_summary.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/money.h"
#include "common/quantity.h"
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

// ComputeYearSummary, which must succeed.
v1::YearSummary Summary(int year, const std::vector<v1::Lead>& leads,
                        const std::vector<v1::Funding>& fundings,
                        const std::vector<v1::IdleAsset>& assets) {
  absl::StatusOr<v1::YearSummary> s =
      ComputeYearSummary(year, absl::CivilDay(2026, 1, 1), leads, fundings, assets);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : v1::YearSummary();
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

  v1::YearSummary s = Summary(2023, leads, fundings, assets);
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
  EXPECT_TRUE(InBatch(leads[3], v1::BATCH_CONTINUED_BUILDS, 2023, absl::CivilDay(2026, 1, 1)));
  EXPECT_EQ(s.batches().completions().count(), 1);
  EXPECT_EQ(s.batches().reserve().count(), 1);
  EXPECT_TRUE(InBatch(leads[4], v1::BATCH_RESERVE, 2023, absl::CivilDay(2026, 1, 1)));
  // InBatch, which ListLeads' batch filter uses, agrees with every count.
  for (auto [batch, count] :
       std::vector<std::pair<v1::Batch, int64_t>>{{v1::BATCH_NEW_BUILDS, 3},
                                                  {v1::BATCH_CONTINUED_BUILDS, 1},
                                                  {v1::BATCH_COMPLETIONS, 1},
                                                  {v1::BATCH_RESERVE, 1}}) {
    int64_t members = 0;
    for (const auto& lead : leads)
      members += InBatch(lead, batch, 2023, absl::CivilDay(2026, 1, 1));
    EXPECT_EQ(members, count) << v1::Batch_Name(batch);
  }
}

TEST(YearSummaryTest, ResumingConstructionIsNotANewStart) {
  v1::Lead lead = MakeLead("r", 80000000, 1,
                           {{v1::STAGE_NEGOTIATING, MakeDate(2021, 1, 1)},
                            {v1::STAGE_SIGNED, MakeDate(2021, 2, 1)},
                            {v1::STAGE_CONSTRUCTION, MakeDate(2022, 3, 1)},
                            {v1::STAGE_SUSPENDED, MakeDate(2022, 8, 1)},
                            {v1::STAGE_CONSTRUCTION, MakeDate(2023, 4, 1)}});
  v1::YearSummary s = Summary(2023, {lead}, {}, {});
  EXPECT_EQ(s.major_new_starts_count(), 0);
  EXPECT_EQ(s.batches().new_builds().count(), 0);
}

TEST(YearSummaryTest, NoPreviousYearFundsGivesNoPercentage) {
  v1::YearSummary s = Summary(2023, {}, {Fund(5, 2023)}, {});
  EXPECT_EQ(s.funds_arrived_change().denominator(), "0");
  EXPECT_EQ(s.funds_arrived_change().display_percent(), "");
}

v1::IdleAsset Revitalized(int64_t land_m2) {
  v1::IdleAsset a;
  a.set_status(v1::IDLE_ASSET_STATUS_REVITALIZED);
  *a.mutable_revitalized_date() = MakeDate(2023, 3, 1);
  a.set_land_area_m2(land_m2);
  return a;
}

// Idle-asset land summed into the summary used to wrap to -9223372036854775808; a sum beyond
// int64 is now an error naming the figure.
TEST(YearSummaryTest, LandSumsNeverWrap) {
  const int64_t half = std::numeric_limits<int64_t>::max() / 2 + 1;
  absl::StatusOr<v1::YearSummary> s = ComputeYearSummary(2023, absl::CivilDay(2026, 1, 1), {}, {},
                                                         {Revitalized(half), Revitalized(half)});
  ASSERT_EQ(s.status().code(), absl::StatusCode::kOutOfRange) << s.status();
  EXPECT_NE(s.status().message().find("idle_assets_revitalized_land_m2"), std::string::npos);
}

// Money sums beyond what a Money carries are errors too, not saturated or invalid Money.
TEST(YearSummaryTest, MoneySumsBeyondMoneyAreErrors) {
  v1::Funding huge;
  huge.mutable_amount()->set_units(std::numeric_limits<int64_t>::max());
  *huge.mutable_arrival_date() = MakeDate(2023, 6, 1);
  absl::StatusOr<v1::YearSummary> s =
      ComputeYearSummary(2023, absl::CivilDay(2026, 1, 1), {}, {huge, huge}, {});
  ASSERT_EQ(s.status().code(), absl::StatusCode::kOutOfRange) << s.status();
  EXPECT_NE(s.status().message().find("funds_arrived"), std::string::npos);
}

// Many values at the declared maxima sum exactly.
TEST(YearSummaryTest, ManyMaximalValuesSumExactly) {
  constexpr int kCount = 1000;
  std::vector<v1::Funding> fundings(kCount, Fund(kMaxMoneyUnits, 2023));
  std::vector<v1::IdleAsset> assets(kCount, Revitalized(kMaxAreaM2));
  std::vector<v1::Lead> leads;
  for (int i = 0; i < kCount; ++i) {
    leads.push_back(MakeLead(
        absl::StrCat("l", i), kMaxMoneyUnits, kMaxMoneyUnits,
        {{v1::STAGE_NEGOTIATING, MakeDate(2023, 1, 1)}, {v1::STAGE_SIGNED, MakeDate(2023, 2, 1)}}));
  }
  v1::YearSummary s = Summary(2023, leads, fundings, assets);
  EXPECT_EQ(s.idle_assets_revitalized_land_m2(), kCount * kMaxAreaM2);
  EXPECT_EQ(ToNanos(s.funds_arrived()), Nanos(kCount) * kMaxMoneyNanos);
  EXPECT_EQ(ToNanos(s.signed_amount()), Nanos(kCount) * kMaxMoneyNanos);
  ASSERT_EQ(s.by_stage_size(), 1);
  EXPECT_EQ(ToNanos(s.by_stage(0).tally().planned_investment()), Nanos(kCount) * kMaxMoneyNanos);
}

// The summary is counts and sums only: its size does not grow with the leads. (It used to embed
// every lead id, and passed the 8 MiB message limit at about 200,000 leads.) The leads spread
// over every stage, chain and batch.
TEST(YearSummaryTest, SizeIsBoundedWhateverTheNumberOfLeads) {
  constexpr int kLeads = 300000;
  std::vector<v1::Lead> leads;
  leads.reserve(kLeads);
  for (int i = 0; i < kLeads; ++i) {
    std::vector<std::pair<Stage, common::v1::Date>> steps = {
        {v1::STAGE_NEGOTIATING, MakeDate(2022, 1, 1)}};
    switch (i % 4) {
      case 0:  // a reserve lead
        break;
      case 1:  // a new build
        steps.push_back({v1::STAGE_SIGNED, MakeDate(2022, 6, 1)});
        steps.push_back({v1::STAGE_CONSTRUCTION, MakeDate(2023, 2, 1)});
        break;
      case 2:  // a continued build, completed
        steps.push_back({v1::STAGE_SIGNED, MakeDate(2022, 2, 1)});
        steps.push_back({v1::STAGE_CONSTRUCTION, MakeDate(2022, 3, 1)});
        steps.push_back({v1::STAGE_COMPLETED, MakeDate(2023, 9, 1)});
        break;
      case 3:
        steps.push_back({v1::STAGE_DROPPED, MakeDate(2023, 1, 1)});
        break;
    }
    v1::Lead lead = MakeLead(absl::StrCat("lead-", 1000000000000000 + i), kMaxMoneyUnits,
                             kMaxMoneyUnits, steps);
    lead.set_industry_chain(static_cast<common::v1::IndustryChain>(1 + i % 6));
    leads.push_back(std::move(lead));
  }
  v1::YearSummary s = Summary(2023, leads, {}, {});
  EXPECT_EQ(s.batches().new_builds().count(), kLeads / 4);
  EXPECT_EQ(s.batches().continued_builds().count(), kLeads / 4);
  EXPECT_EQ(s.batches().completions().count(), kLeads / 4);
  EXPECT_EQ(s.batches().reserve().count(), kLeads / 4);
  EXPECT_LT(s.ByteSizeLong(), 64u * 1024) << "the summary grows with the data";
}

}  // namespace
}  // namespace gaoxin::leads
