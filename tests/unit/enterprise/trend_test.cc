#include "services/enterprise/domain/trend.h"

#include <vector>

#include "common/errors.h"
#include "common/money.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/enterprise/test_util.h"

namespace gaoxin::enterprise {
namespace {

using test_util::Report;
using test_util::YuanNanos;

v1::GetEnterpriseTrendRequest Request(const char* start, const char* end) {
  v1::GetEnterpriseTrendRequest r;
  r.set_enterprise_id("e");
  r.set_start_period(start);
  r.set_end_period(end);
  return r;
}

TEST(TrendTest, YearOnYearAndYearToDate) {
  std::vector<v1::MonthlyReport> reports = {
      Report("e", "2022-01", 100, 90), Report("e", "2022-02", 200, 180),
      Report("e", "2022-03", 0, 0),    Report("e", "2023-01", 150, 99),
      Report("e", "2023-02", 150, 99), Report("e", "2023-03", 40, 30),
  };
  absl::StatusOr<v1::EnterpriseTrend> t = ComputeTrend(Request("2023-01", "2023-04"), reports);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->points_size(), 4);

  const v1::TrendPoint& jan = t->points(0);
  EXPECT_EQ(jan.period(), "2023-01");
  EXPECT_TRUE(jan.reported());
  EXPECT_EQ(jan.output_value().yoy_change().display_percent(), "50.00");
  EXPECT_EQ(jan.revenue().yoy_change().display_percent(), "10.00");

  const v1::TrendPoint& feb = t->points(1);
  EXPECT_EQ(feb.output_value().yoy_change().numerator(), "-1");
  EXPECT_EQ(feb.output_value().yoy_change().denominator(), "4");
  EXPECT_EQ(ToNanos(feb.output_value().year_to_date()), YuanNanos(300));
  EXPECT_EQ(ToNanos(feb.output_value().previous_year_to_date()), YuanNanos(300));
  EXPECT_EQ(feb.output_value().year_to_date_yoy_change().display_percent(), "0.00");

  // March 2022 was zero: the month's change is undefined, the cumulative one is not.
  const v1::TrendPoint& mar = t->points(2);
  EXPECT_TRUE(mar.output_value().has_previous_year_value());
  EXPECT_FALSE(mar.output_value().has_yoy_change());
  EXPECT_EQ(ToNanos(mar.output_value().year_to_date()), YuanNanos(340));
  EXPECT_EQ(mar.output_value().year_to_date_yoy_change().display_percent(), "13.33");

  // April: not reported in either year.
  const v1::TrendPoint& apr = t->points(3);
  EXPECT_FALSE(apr.reported());
  EXPECT_EQ(ToNanos(apr.output_value().value()), 0);
  EXPECT_FALSE(apr.output_value().has_previous_year_value());
  EXPECT_FALSE(apr.output_value().has_yoy_change());
  EXPECT_EQ(ToNanos(apr.output_value().year_to_date()), YuanNanos(340));
}

TEST(TrendTest, YearToDateRestartsInJanuaryAndUsesLatestRevision) {
  std::vector<v1::MonthlyReport> reports = {Report("e", "2023-12", 100), Report("e", "2024-01", 10),
                                            Report("e", "2024-01", 30, 0, /*revision=*/2),
                                            Report("e", "2023-01", 20)};
  absl::StatusOr<v1::EnterpriseTrend> t = ComputeTrend(Request("2023-12", "2024-01"), reports);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(ToNanos(t->points(0).output_value().year_to_date()), YuanNanos(120));
  EXPECT_EQ(ToNanos(t->points(1).output_value().value()), YuanNanos(30));
  EXPECT_EQ(ToNanos(t->points(1).output_value().year_to_date()), YuanNanos(30));
  EXPECT_EQ(t->points(1).output_value().yoy_change().display_percent(), "50.00");
}

TEST(TrendTest, RejectsBadRanges) {
  using ::testing::Key;
  using ::testing::UnorderedElementsAre;
  EXPECT_THAT(FieldViolationsOf(ComputeTrend(Request("2023-13", "2023"), {}).status()),
              UnorderedElementsAre(Key("start_period"), Key("end_period")));
  EXPECT_THAT(FieldViolationsOf(ComputeTrend(Request("2023-05", "2023-04"), {}).status()),
              UnorderedElementsAre(Key("end_period")));
  EXPECT_FALSE(ComputeTrend(Request("2021-01", "2024-01"), {}).ok());  // 37 months
  EXPECT_TRUE(ComputeTrend(Request("2021-01", "2023-12"), {}).ok());   // 36 months
}

}  // namespace
}  // namespace gaoxin::enterprise
