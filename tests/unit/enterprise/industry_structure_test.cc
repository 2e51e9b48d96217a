#include "services/enterprise/domain/industry_structure.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/ratio.h"
#include "gtest/gtest.h"
#include "tests/unit/enterprise/test_util.h"

namespace gaoxin::enterprise {
namespace {

using test_util::YuanNanos;
constexpr auto kEquipment = common::v1::INDUSTRY_CHAIN_EQUIPMENT_MANUFACTURING;
constexpr auto kFood = common::v1::INDUSTRY_CHAIN_GREEN_FOOD;
constexpr auto kCapacitors = common::v1::INDUSTRY_CHAIN_CAPACITORS;

EnterpriseOutput Row(const std::string& id, common::v1::IndustryChain chain, int64_t output_yuan,
                     int64_t previous_yuan, bool above_scale = true) {
  EnterpriseOutput r;
  r.enterprise_id = id;
  r.chain = chain;
  r.above_scale = above_scale;
  r.output = YuanNanos(output_yuan);
  r.previous_year_output = YuanNanos(previous_yuan);
  return r;
}

// The 2023 work report: equipment 24.86 亿 (37.7%, 30 enterprises, 6 over 1 亿), green food
// 39.36 亿 (59.6%, 14, 7 over 1 亿), capacitors 1.78 亿 (2.7%, 6, 3 grew ≥ 10%).
std::vector<EnterpriseOutput> ReportRows() {
  std::vector<EnterpriseOutput> rows;
  for (int i = 0; i < 6; ++i) rows.push_back(Row(absl::StrCat("eq", i), kEquipment, 150000000, 0));
  for (int i = 6; i < 29; ++i) rows.push_back(Row(absl::StrCat("eq", i), kEquipment, 66000000, 0));
  rows.push_back(Row("eq29", kEquipment, 68000000, 0));  // 9 + 15.18 + 0.68 = 24.86 亿
  for (int i = 0; i < 7; ++i) rows.push_back(Row(absl::StrCat("gf", i), kFood, 500000000, 0));
  for (int i = 7; i < 14; ++i) rows.push_back(Row(absl::StrCat("gf", i), kFood, 62285714, 0));
  rows.back().output += YuanNanos(2);  // 35 亿 + 7 × 62,285,714 + 2 = 39.36 亿
  // Capacitors: 3 grew exactly 10% or more, 3 did not (one by a single yuan).
  rows.push_back(Row("cp0", kCapacitors, 44000000, 40000000));  // +10% exactly
  rows.push_back(Row("cp1", kCapacitors, 33000000, 20000000));  // +65%
  rows.push_back(Row("cp2", kCapacitors, 22000000, 10000000));  // +120%
  rows.push_back(Row("cp3", kCapacitors, 43999999, 40000000));  // +9.99999%
  rows.push_back(Row("cp4", kCapacitors, 20000000, 25000000));  // fell
  rows.push_back(Row("cp5", kCapacitors, 15000001, 0));         // no previous year: not counted
  // Not above scale: ignored everywhere.
  rows.push_back(Row("small", kEquipment, 900000000, 1, /*above_scale=*/false));
  return rows;
}

TEST(IndustryStructureTest, ReproducesTheWorkReport) {
  v1::IndustryStructure s = ComputeIndustryStructure(2023, 12, ReportRows()).value();
  ASSERT_EQ(s.chains_size(), 3);
  EXPECT_EQ(s.year(), 2023);
  EXPECT_EQ(s.through_month(), 12);

  const v1::ChainStructure& eq = s.chains(0);
  EXPECT_EQ(eq.industry_chain(), kEquipment);
  EXPECT_EQ(ToNanos(eq.figures().output_value()), YuanNanos(2486000000));
  EXPECT_EQ(eq.figures().above_scale_count(), 30);
  EXPECT_EQ(eq.figures().over_100_million_count(), 6);
  EXPECT_EQ(eq.share_of_zone().numerator(), "113");  // 2486/6600 reduced by 22
  EXPECT_EQ(eq.share_of_zone().denominator(), "300");
  EXPECT_EQ(eq.share_of_zone().display_percent(), "37.67");
  EXPECT_EQ(PercentString(2486, 6600, 1), "37.7");

  const v1::ChainStructure& food = s.chains(1);
  EXPECT_EQ(food.industry_chain(), kFood);
  EXPECT_EQ(ToNanos(food.figures().output_value()), YuanNanos(3936000000));
  EXPECT_EQ(food.figures().above_scale_count(), 14);
  EXPECT_EQ(food.figures().over_100_million_count(), 7);
  EXPECT_EQ(food.share_of_zone().display_percent(), "59.64");
  EXPECT_EQ(PercentString(3936, 6600, 1), "59.6");

  const v1::ChainStructure& cap = s.chains(2);
  EXPECT_EQ(cap.industry_chain(), kCapacitors);
  EXPECT_EQ(ToNanos(cap.figures().output_value()), YuanNanos(178000000));
  EXPECT_EQ(cap.figures().above_scale_count(), 6);
  EXPECT_EQ(cap.figures().grew_10_percent_count(), 3);
  EXPECT_EQ(cap.figures().over_100_million_count(), 0);
  EXPECT_EQ(cap.share_of_zone().numerator(), "89");  // 178/6600
  EXPECT_EQ(cap.share_of_zone().denominator(), "3300");
  EXPECT_EQ(cap.share_of_zone().display_percent(), "2.70");
  // Capacitors' own change: 178,000,000 against 135,000,000 (cp5 had no 2022 output).
  EXPECT_EQ(ToNanos(cap.figures().previous_year_output_value()), YuanNanos(135000000));
  EXPECT_EQ(cap.figures().yoy_change().numerator(), "43");
  EXPECT_EQ(cap.figures().yoy_change().denominator(), "135");

  const v1::StructureFigures& zone = s.zone_total();
  EXPECT_EQ(ToNanos(zone.output_value()), YuanNanos(6600000000));
  EXPECT_EQ(zone.above_scale_count(), 50);
  EXPECT_EQ(zone.over_100_million_count(), 13);
  EXPECT_EQ(zone.grew_10_percent_count(), 3);
}

TEST(IndustryStructureTest, HundredMillionIsInclusiveAndExact) {
  std::vector<EnterpriseOutput> rows = {Row("a", kEquipment, 100000000, 0),
                                        Row("b", kEquipment, 99999999, 0)};
  rows[1].output += 999999999;  // 99,999,999.999999999 yuan: still below
  v1::IndustryStructure s = ComputeIndustryStructure(2023, 12, rows).value();
  EXPECT_EQ(s.chains(0).figures().over_100_million_count(), 1);
}

TEST(IndustryStructureTest, GrowthThresholdIsExact) {
  EXPECT_TRUE(GrewAtLeastTenPercent(YuanNanos(110), YuanNanos(100)));
  EXPECT_FALSE(GrewAtLeastTenPercent(YuanNanos(110) - 1, YuanNanos(100)));
  EXPECT_FALSE(GrewAtLeastTenPercent(YuanNanos(5), 0));
}

TEST(IndustryStructureTest, EmptyZoneHasNoShares) {
  v1::IndustryStructure s = ComputeIndustryStructure(2023, 6, {}).value();
  EXPECT_EQ(s.chains_size(), 0);
  EXPECT_EQ(s.zone_total().above_scale_count(), 0);
  EXPECT_FALSE(s.zone_total().has_yoy_change());
}

TEST(IndustryStructureTest, OutputOfSumsYearToDateAgainstTheSameMonths) {
  v1::Enterprise e;
  e.set_id("e");
  e.set_industry_chain(kFood);
  e.set_above_scale(true);
  std::vector<v1::MonthlyReport> reports = {
      test_util::Report("e", "2022-01", 100),
      test_util::Report("e", "2022-02", 100),
      test_util::Report("e", "2022-03", 999),  // outside Jan..Feb
      test_util::Report("e", "2023-01", 150),
      test_util::Report("e", "2023-02", 70),
      test_util::Report("e", "2023-02", 80, 0, /*revision=*/2)};  // supersedes revision 1
  EnterpriseOutput row = OutputOf(e, LatestByPeriod(reports), 2023, 2);
  EXPECT_TRUE(row.above_scale);
  EXPECT_EQ(row.output, YuanNanos(230));
  EXPECT_EQ(row.previous_year_output, YuanNanos(200));
}

TEST(IndustryStructureTest, AboveScaleFromItsEntryYear) {
  v1::Enterprise e;
  e.set_above_scale(true);
  *e.mutable_above_scale_date() = MakeDate(2023, 9, 1);
  EXPECT_TRUE(AboveScaleIn(e, 2023));
  EXPECT_FALSE(AboveScaleIn(e, 2022));
  e.clear_above_scale_date();
  EXPECT_TRUE(AboveScaleIn(e, 2022));
  e.set_above_scale(false);
  EXPECT_FALSE(AboveScaleIn(e, 2023));
}

// A zone total no Money can carry is an error; many enterprises at a year of the maximal monthly
// output sum exactly.
TEST(IndustryStructureTest, TotalsAreExactOrAnError) {
  EnterpriseOutput max_year;
  max_year.chain = common::v1::INDUSTRY_CHAIN_NEW_ENERGY;
  max_year.above_scale = true;
  max_year.output = 12 * kMaxMoneyNanos;
  max_year.previous_year_output = 12 * kMaxMoneyNanos;
  std::vector<EnterpriseOutput> rows(1000, max_year);
  v1::IndustryStructure s = ComputeIndustryStructure(2023, 12, rows).value();
  EXPECT_EQ(ToNanos(s.zone_total().output_value()), 12000 * kMaxMoneyNanos);
  EXPECT_EQ(s.zone_total().yoy_change().numerator(), "0");

  EnterpriseOutput beyond = max_year;
  beyond.output = kMoneyRangeNanos;
  EXPECT_EQ(ComputeIndustryStructure(2023, 12, {beyond, beyond}).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace gaoxin::enterprise
