#include "services/enterprise/domain/trend.h"

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/money.h"
#include "common/ratio.h"
#include "services/enterprise/domain/period.h"
#include "services/enterprise/domain/report_series.h"

namespace gaoxin::enterprise {
namespace {

v1::TrendFigure FigureAt(const ReportSeries& series, Figure figure, absl::CivilMonth period) {
  v1::TrendFigure out;
  const absl::CivilMonth year_ago = period - 12;
  auto now = series.find(period);
  auto before = series.find(year_ago);
  const Nanos value = now == series.end() ? 0 : FigureOf(now->second, figure);
  *out.mutable_value() = FromNanos(value);
  if (before != series.end()) {
    const Nanos previous = FigureOf(before->second, figure);
    *out.mutable_previous_year_value() = FromNanos(previous);
    if (now != series.end() && previous != 0) {
      *out.mutable_yoy_change() = GrowthRatio(value, previous);
    }
  }
  const Nanos ytd = SumOver(series, figure, absl::CivilMonth(period.year(), 1), period);
  const Nanos previous_ytd =
      SumOver(series, figure, absl::CivilMonth(year_ago.year(), 1), year_ago);
  *out.mutable_year_to_date() = FromNanos(ytd);
  *out.mutable_previous_year_to_date() = FromNanos(previous_ytd);
  if (previous_ytd != 0) *out.mutable_year_to_date_yoy_change() = GrowthRatio(ytd, previous_ytd);
  return out;
}

}  // namespace

absl::StatusOr<v1::EnterpriseTrend> ComputeTrend(const v1::GetEnterpriseTrendRequest& request,
                                                 const std::vector<v1::MonthlyReport>& reports) {
  FieldViolations v;
  if (request.enterprise_id().empty()) v.Add("enterprise_id", "is required");
  absl::CivilMonth first;
  absl::CivilMonth last;
  const bool first_ok = ParsePeriod(request.start_period(), &first);
  const bool last_ok = ParsePeriod(request.end_period(), &last);
  if (!first_ok) v.Add("start_period", "must be YYYY-MM");
  if (!last_ok) v.Add("end_period", "must be YYYY-MM");
  if (first_ok && last_ok) {
    if (last < first) {
      v.Add("end_period", "must not be before start_period");
    } else if (last - first + 1 > kMaxTrendMonths) {
      v.Add("end_period", absl::StrCat("range must be at most ", kMaxTrendMonths, " months"));
    }
  }
  if (!v.empty()) return v.ToStatus();

  const ReportSeries series = LatestByPeriod(reports);
  v1::EnterpriseTrend trend;
  trend.set_enterprise_id(request.enterprise_id());
  for (absl::CivilMonth p = first; p <= last; ++p) {
    v1::TrendPoint* point = trend.add_points();
    point->set_period(FormatPeriod(p));
    auto it = series.find(p);
    point->set_reported(it != series.end());
    if (it != series.end()) {
      point->set_employees(it->second.employees());
      point->set_energy_use_kgce(it->second.energy_use_kgce());
    }
    *point->mutable_output_value() = FigureAt(series, Figure::kOutput, p);
    *point->mutable_revenue() = FigureAt(series, Figure::kRevenue, p);
    *point->mutable_taxes() = FigureAt(series, Figure::kTaxes, p);
    *point->mutable_export_value() = FigureAt(series, Figure::kExport, p);
  }
  return trend;
}

}  // namespace gaoxin::enterprise
