#include "services/enterprise/domain/zone_indicators.h"

#include <limits>
#include <vector>

#include "common/errors.h"
#include "common/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gaoxin::enterprise {
namespace {

v1::IndicatorRecord Rec(v1::Indicator indicator, int year, int64_t yuan, int64_t target = -1) {
  v1::IndicatorRecord r;
  r.set_indicator(indicator);
  r.set_year(year);
  *r.mutable_value() = Yuan(yuan);
  if (target >= 0) *r.mutable_target() = Yuan(target);
  return r;
}

// The report's first paragraph, with 2022 values chosen so the changes display as reported.
TEST(ZoneIndicatorsTest, ReproducesTheWorkReport) {
  std::vector<v1::IndicatorRecord> records = {
      Rec(v1::INDICATOR_GDP, 2022, 4000000000),
      Rec(v1::INDICATOR_GDP, 2023, 4000000000),
      Rec(v1::INDICATOR_GENERAL_BUDGET_REVENUE, 2022, 281890000),
      Rec(v1::INDICATOR_GENERAL_BUDGET_REVENUE, 2023, 341000000),
      Rec(v1::INDICATOR_INVESTMENT_FUNDS_ARRIVED, 2022, 2688000000),
      Rec(v1::INDICATOR_INVESTMENT_FUNDS_ARRIVED, 2023, 3035000000),
      Rec(v1::INDICATOR_IMPORTS_AND_EXPORTS, 2022, 487230000),
      Rec(v1::INDICATOR_IMPORTS_AND_EXPORTS, 2023, 515000000),
      Rec(v1::INDICATOR_CONSTRUCTION_OUTPUT, 2022, 548730000),
      Rec(v1::INDICATOR_CONSTRUCTION_OUTPUT, 2023, 670000000),
      Rec(v1::INDICATOR_RETAIL_SALES, 2022, 2560000000),
      Rec(v1::INDICATOR_RETAIL_SALES, 2023, 2560000000, 2800000000),
      Rec(v1::INDICATOR_GDP, 2021, 1),  // other years are ignored
  };
  v1::ZoneIndicators z = ComputeZoneIndicators(2023, records);
  ASSERT_EQ(z.lines_size(), 6);
  EXPECT_EQ(z.lines(0).indicator(), v1::INDICATOR_GDP);
  EXPECT_EQ(z.lines(0).yoy_change().display_percent(), "0.00");
  EXPECT_EQ(z.lines(1).yoy_change().display_percent(), "20.97");
  EXPECT_EQ(z.lines(2).yoy_change().numerator(), "347");
  EXPECT_EQ(z.lines(2).yoy_change().denominator(), "2688");
  EXPECT_EQ(z.lines(2).yoy_change().display_percent(), "12.91");  // the report: 12.9
  EXPECT_EQ(z.lines(3).yoy_change().display_percent(), "5.70");
  EXPECT_EQ(z.lines(4).yoy_change().display_percent(), "22.10");
  EXPECT_EQ(z.lines(5).indicator(), v1::INDICATOR_RETAIL_SALES);
  EXPECT_EQ(z.lines(5).yoy_change().display_percent(), "0.00");
  EXPECT_EQ(ToNanos(z.lines(1).previous_year_value()), Nanos(281890000) * kNanosPerUnit);
  // 25.6 of a 28 亿 target.
  EXPECT_EQ(z.lines(5).share_of_target().numerator(), "32");
  EXPECT_EQ(z.lines(5).share_of_target().denominator(), "35");
  EXPECT_EQ(z.lines(5).share_of_target().display_percent(), "91.43");
  EXPECT_FALSE(z.lines(0).has_share_of_target());
}

TEST(ZoneIndicatorsTest, NoPreviousYearMeansNoChange) {
  v1::ZoneIndicators z = ComputeZoneIndicators(
      2023, {Rec(v1::INDICATOR_GDP, 2023, 5), Rec(v1::INDICATOR_RETAIL_SALES, 2022, 0),
             Rec(v1::INDICATOR_RETAIL_SALES, 2023, 7)});
  ASSERT_EQ(z.lines_size(), 2);
  EXPECT_FALSE(z.lines(0).has_previous_year_value());
  EXPECT_FALSE(z.lines(0).has_yoy_change());
  EXPECT_TRUE(z.lines(1).has_previous_year_value());
  EXPECT_FALSE(z.lines(1).has_yoy_change());  // previous zero
}

TEST(ZoneIndicatorsTest, ValidatesRecords) {
  using ::testing::Key;
  using ::testing::UnorderedElementsAre;
  v1::IndicatorRecord r;
  r.set_year(2025);
  *r.mutable_target() = Yuan(-5);
  EXPECT_THAT(FieldViolationsOf(ValidateIndicatorRecord(r, absl::CivilDay(2024, 1, 2))),
              UnorderedElementsAre(Key("record.indicator"), Key("record.year"), Key("record.value"),
                                   Key("record.target")));
  EXPECT_TRUE(
      ValidateIndicatorRecord(Rec(v1::INDICATOR_GDP, 2023, 4000000000), absl::CivilDay(2024, 1, 2))
          .ok());
}

TEST(ZoneIndicatorsTest, RejectsValuesBeyondTheMoneyMaximum) {
  v1::IndicatorRecord r = Rec(v1::INDICATOR_GDP, 2023, 1, 1);
  r.mutable_value()->set_units(std::numeric_limits<int64_t>::max());
  r.mutable_target()->set_units(std::numeric_limits<int64_t>::max());
  EXPECT_THAT(FieldViolationsOf(ValidateIndicatorRecord(r, absl::CivilDay(2024, 1, 2))),
              ::testing::UnorderedElementsAre(::testing::Key("record.value"),
                                              ::testing::Key("record.target")));
}

}  // namespace
}  // namespace gaoxin::enterprise
