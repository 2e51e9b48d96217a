// An enterprise's monthly trend (企业运行趋势): each month's output, revenue, taxes and exports
// with the year-on-year change (同比) against the same month of the previous year, and the
// cumulative year-to-date sums (1–N月累计) with their own year-on-year change (累计同比).
//
//   // reports: the enterprise's reports from January of (start year − 1) to end, any revisions.
//   ASSIGN_OR_RETURN(v1::EnterpriseTrend t, ComputeTrend(request, reports));
//   t.points(0).output_value().yoy_change().display_percent();  // e.g. "-12.50"
//
// Missing months are not zero months: a month without a report has reported = false and value 0,
// adds nothing to the cumulative sums, and gives no year-on-year change (neither as the month nor
// as the previous-year month). The latest revision of each month is used.
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_TREND_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_TREND_H_

#include <vector>

#include "absl/status/statusor.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"

namespace gaoxin::enterprise {

inline constexpr int kMaxTrendMonths = 36;

// Validates the request's range (both "YYYY-MM", start ≤ end, at most kMaxTrendMonths months;
// INVALID_ARGUMENT naming start_period / end_period) and computes the trend from `reports`, which
// must belong to request.enterprise_id() and cover January of the start year − 1 through the end
// period.
absl::StatusOr<v1::EnterpriseTrend> ComputeTrend(const v1::GetEnterpriseTrendRequest& request,
                                                 const std::vector<v1::MonthlyReport>& reports);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_TREND_H_
