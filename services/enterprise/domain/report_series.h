// One enterprise's monthly reports as a series: the latest revision of each period, and exact
// sums of a figure over a range of months. The building block of trends, industry structure,
// alerts and cultivation.
//
//   ReportSeries s = LatestByPeriod(reports_of_one_enterprise);
//   Nanos ytd = SumOver(s, Figure::kOutput, absl::CivilMonth(2023, 1), absl::CivilMonth(2023, 6));
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_REPORT_SERIES_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_REPORT_SERIES_H_

#include <map>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/money.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"

namespace gaoxin::enterprise {

// The monetary figures of a report.
enum class Figure { kOutput, kRevenue, kTaxes, kExport };

// Period → latest revision of that period.
using ReportSeries = std::map<absl::CivilMonth, v1::MonthlyReport>;

// Keeps, per period, the report with the highest revision (re-submissions supersede; on equal
// revisions the later one in `reports` wins). Reports whose period does not parse are skipped:
// they cannot have been stored, since validation rejects them.
ReportSeries LatestByPeriod(const std::vector<v1::MonthlyReport>& reports);

// The figure's exact amount in `report`.
Nanos FigureOf(const v1::MonthlyReport& report, Figure figure);

// Sum of `figure` over the reported months in [first, last]; unreported months add nothing.
Nanos SumOver(const ReportSeries& series, Figure figure, absl::CivilMonth first,
              absl::CivilMonth last);

// Number of reported months in [first, last].
int ReportedMonths(const ReportSeries& series, absl::CivilMonth first, absl::CivilMonth last);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_REPORT_SERIES_H_
