#include "services/enterprise/domain/alert_rules.h"

#include <vector>

#include "common/date.h"
#include "common/money.h"
#include "gtest/gtest.h"
#include "services/enterprise/domain/period.h"
#include "tests/unit/enterprise/test_util.h"

namespace gaoxin::enterprise {
namespace {

using test_util::Report;
using test_util::YuanNanos;

const AlertThresholds kThresholds{/*output_drop_percent=*/20, /*report_due_day=*/10};
const absl::CivilDay kLater(2024, 6, 1);

v1::Enterprise KeyEnterprise() {
  v1::Enterprise e;
  e.set_id("e-7");
  e.set_key_enterprise(true);
  return e;
}

std::vector<v1::Alert> Evaluate(const std::vector<v1::MonthlyReport>& reports, const char* period,
                                absl::CivilDay today, const v1::Enterprise& e = KeyEnterprise()) {
  absl::CivilMonth p;
  EXPECT_TRUE(ParsePeriod(period, &p)) << period;
  return EvaluateAlerts(e, LatestByPeriod(reports), p, today, kThresholds);
}

TEST(AlertRulesTest, DropExactlyAtThresholdFires) {
  std::vector<v1::Alert> a = Evaluate(
      {Report("e-7", "2022-05", 1000000), Report("e-7", "2023-05", 800000)}, "2023-05", kLater);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule(), v1::ALERT_RULE_OUTPUT_DROP);
  EXPECT_EQ(a[0].enterprise_id(), "e-7");
  EXPECT_EQ(a[0].period(), "2023-05");
  EXPECT_EQ(a[0].state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(a[0].evidence().output_change().numerator(), "-1");
  EXPECT_EQ(a[0].evidence().output_change().denominator(), "5");
  EXPECT_EQ(a[0].evidence().threshold_percent(), 20);
  EXPECT_EQ(ToNanos(a[0].evidence().previous_year_output_value()), YuanNanos(1000000));
  EXPECT_NE(a[0].detail().find("20.00%"), std::string::npos) << a[0].detail();
}

TEST(AlertRulesTest, DropJustBelowThresholdDoesNot) {
  v1::MonthlyReport now = Report("e-7", "2023-05", 800000);
  now.mutable_output_value()->set_nanos(1);  // 19.9999999999% drop
  EXPECT_TRUE(Evaluate({Report("e-7", "2022-05", 1000000), now}, "2023-05", kLater).empty());
  // Growth never fires, nor does a month with no previous-year report.
  EXPECT_TRUE(
      Evaluate({Report("e-7", "2022-05", 10), Report("e-7", "2023-05", 20)}, "2023-05", kLater)
          .empty());
  EXPECT_TRUE(Evaluate({Report("e-7", "2023-05", 20)}, "2023-05", kLater).empty());
}

TEST(AlertRulesTest, LatestRevisionDecides) {
  std::vector<v1::MonthlyReport> reports = {Report("e-7", "2022-05", 1000),
                                            Report("e-7", "2023-05", 100),
                                            Report("e-7", "2023-05", 950, 0, /*revision=*/2)};
  EXPECT_TRUE(Evaluate(reports, "2023-05", kLater).empty());
}

TEST(AlertRulesTest, ZeroOutputRaisesOnlyZeroOutput) {
  std::vector<v1::Alert> a =
      Evaluate({Report("e-7", "2022-05", 1000), Report("e-7", "2023-05", 0)}, "2023-05", kLater);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule(), v1::ALERT_RULE_ZERO_OUTPUT);
  EXPECT_TRUE(a[0].evidence().has_output_value());
}

TEST(AlertRulesTest, NotReportedByDueDayAcrossTheYearEnd) {
  // December 2023 is due by 2024-01-10 inclusive.
  EXPECT_EQ(ReportDueDate(absl::CivilMonth(2023, 12), kThresholds), absl::CivilDay(2024, 1, 10));
  EXPECT_TRUE(Evaluate({}, "2023-12", absl::CivilDay(2024, 1, 10)).empty());
  std::vector<v1::Alert> a = Evaluate({}, "2023-12", absl::CivilDay(2024, 1, 13));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule(), v1::ALERT_RULE_NOT_REPORTED);
  EXPECT_EQ(a[0].period(), "2023-12");
  EXPECT_EQ(FormatDate(a[0].evidence().report_due_date()), "2024-01-10");
  EXPECT_EQ(a[0].evidence().days_overdue(), 3);
  // Filed late: the alert no longer should exist.
  EXPECT_TRUE(
      Evaluate({Report("e-7", "2023-12", 5)}, "2023-12", absl::CivilDay(2024, 1, 13)).empty());
}

TEST(AlertRulesTest, OnlyEnterprisesThatMustReportAreChased) {
  v1::Enterprise small;
  small.set_id("s");
  EXPECT_TRUE(Evaluate({}, "2023-12", kLater, small).empty());
  small.set_above_scale(true);
  EXPECT_EQ(Evaluate({}, "2023-12", kLater, small).size(), 1u);
  // On the above-scale list only from 2024: not chased for 2023.
  *small.mutable_above_scale_date() = MakeDate(2024, 1, 1);
  EXPECT_TRUE(Evaluate({}, "2023-12", kLater, small).empty());
  EXPECT_EQ(Evaluate({}, "2024-01", kLater, small).size(), 1u);
}

TEST(AlertRulesTest, LatestDuePeriod) {
  EXPECT_EQ(LatestDuePeriod(absl::CivilDay(2024, 1, 10), kThresholds), absl::CivilMonth(2023, 11));
  EXPECT_EQ(LatestDuePeriod(absl::CivilDay(2024, 1, 11), kThresholds), absl::CivilMonth(2023, 12));
  EXPECT_EQ(LatestDuePeriod(absl::CivilDay(2024, 3, 1), kThresholds), absl::CivilMonth(2024, 1));
}

TEST(AlertRulesTest, DedupKeyIsDeterministic) {
  std::vector<v1::Alert> a = Evaluate({}, "2023-12", kLater);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(AlertDedupKey(a[0]), "e-7/ALERT_RULE_NOT_REPORTED/2023-12");
  EXPECT_EQ(AlertDedupKey(a[0]), AlertDedupKey(Evaluate({}, "2023-12", kLater)[0]));
}

TEST(AlertRulesTest, ThresholdsAreChecked) {
  EXPECT_TRUE(ValidateAlertThresholds(kThresholds).ok());
  EXPECT_FALSE(ValidateAlertThresholds({0, 10}).ok());
  EXPECT_FALSE(ValidateAlertThresholds({20, 29}).ok());
}

}  // namespace
}  // namespace gaoxin::enterprise
