#include "services/enterprise/domain/report_series.h"

#include "services/enterprise/domain/period.h"

namespace gaoxin::enterprise {

ReportSeries LatestByPeriod(const std::vector<v1::MonthlyReport>& reports) {
  ReportSeries series;
  for (const v1::MonthlyReport& r : reports) {
    absl::CivilMonth period;
    if (!ParsePeriod(r.period(), &period)) continue;
    auto it = series.find(period);
    if (it == series.end()) {
      series.emplace(period, r);
    } else if (r.revision() >= it->second.revision()) {
      it->second = r;
    }
  }
  return series;
}

Nanos FigureOf(const v1::MonthlyReport& report, Figure figure) {
  switch (figure) {
    case Figure::kOutput:
      return ToNanos(report.output_value());
    case Figure::kRevenue:
      return ToNanos(report.revenue());
    case Figure::kTaxes:
      return ToNanos(report.taxes());
    case Figure::kExport:
      return ToNanos(report.export_value());
  }
  return 0;
}

Nanos SumOver(const ReportSeries& series, Figure figure, absl::CivilMonth first,
              absl::CivilMonth last) {
  Nanos sum = 0;
  for (auto it = series.lower_bound(first); it != series.end() && it->first <= last; ++it) {
    sum += FigureOf(it->second, figure);
  }
  return sum;
}

int ReportedMonths(const ReportSeries& series, absl::CivilMonth first, absl::CivilMonth last) {
  int n = 0;
  for (auto it = series.lower_bound(first); it != series.end() && it->first <= last; ++it) ++n;
  return n;
}

}  // namespace gaoxin::enterprise
