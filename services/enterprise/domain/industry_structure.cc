#include "services/enterprise/domain/industry_structure.h"

#include <map>

#include "common/date.h"
#include "common/ratio.h"
#include "common/status_macros.h"

namespace gaoxin::enterprise {
namespace {

// Running totals of one group.
struct Totals {
  MoneySum output{"output_value"};
  MoneySum previous{"previous_year_output_value"};
  int above_scale = 0;
  int over_100_million = 0;
  int grew_10_percent = 0;

  void Add(const EnterpriseOutput& row) {
    output.Add(row.output);
    previous.Add(row.previous_year_output);
    ++above_scale;
    if (row.output >= kHundredMillionYuan) ++over_100_million;
    if (GrewAtLeastTenPercent(row.output, row.previous_year_output)) ++grew_10_percent;
  }

  absl::Status status() const {
    RETURN_IF_ERROR(output.status());
    return previous.status();
  }

  // After status() is OK.
  v1::StructureFigures ToProto() const {
    v1::StructureFigures f;
    *f.mutable_output_value() = FromNanos(output.nanos());
    *f.mutable_previous_year_output_value() = FromNanos(previous.nanos());
    if (previous.nanos() != 0) {
      *f.mutable_yoy_change() = GrowthRatio(output.nanos(), previous.nanos());
    }
    f.set_above_scale_count(above_scale);
    f.set_over_100_million_count(over_100_million);
    f.set_grew_10_percent_count(grew_10_percent);
    return f;
  }
};

}  // namespace

bool GrewAtLeastTenPercent(Nanos current, Nanos previous) {
  return previous > 0 && RatioAtLeast(current - previous, previous, 1, 10);
}

bool AboveScaleIn(const v1::Enterprise& e, int year) {
  if (!e.above_scale()) return false;
  return !IsSet(e.above_scale_date()) || e.above_scale_date().year() <= year;
}

EnterpriseOutput OutputOf(const v1::Enterprise& e, const ReportSeries& series, int year,
                          int through_month) {
  EnterpriseOutput row;
  row.enterprise_id = e.id();
  row.chain = e.industry_chain();
  row.above_scale = AboveScaleIn(e, year);
  row.output = SumOver(series, Figure::kOutput, absl::CivilMonth(year, 1),
                       absl::CivilMonth(year, through_month));
  row.previous_year_output = SumOver(series, Figure::kOutput, absl::CivilMonth(year - 1, 1),
                                     absl::CivilMonth(year - 1, through_month));
  return row;
}

absl::StatusOr<v1::IndustryStructure> ComputeIndustryStructure(
    int year, int through_month, const std::vector<EnterpriseOutput>& rows) {
  std::map<int, Totals> chains;  // keyed by enum value, so ordered as the enum
  Totals zone;
  for (const EnterpriseOutput& row : rows) {
    if (!row.above_scale) continue;
    chains[row.chain].Add(row);
    zone.Add(row);
  }
  // A chain's totals are part of the zone's, so the zone's status covers them.
  RETURN_IF_ERROR(zone.status());
  v1::IndustryStructure out;
  out.set_year(year);
  out.set_through_month(through_month);
  for (const auto& [chain, totals] : chains) {
    v1::ChainStructure* c = out.add_chains();
    c->set_industry_chain(static_cast<common::v1::IndustryChain>(chain));
    *c->mutable_figures() = totals.ToProto();
    if (zone.output.nanos() != 0) {
      *c->mutable_share_of_zone() = MakeRatio(totals.output.nanos(), zone.output.nanos());
    }
  }
  *out.mutable_zone_total() = zone.ToProto();
  return out;
}

}  // namespace gaoxin::enterprise
