// Industry structure (产业结构) of the zone's above-scale industry, as the work report reads it:
// per chain the output value and its share of the zone total, the number of above-scale
// enterprises, how many have output ≥ 100 million yuan (亿元以上), how many grew ≥ 10% (增长10%
// 以上), and the chain's own year-on-year change; plus the zone total.
//
//   std::vector<EnterpriseOutput> rows;
//   for (const auto& e : enterprises) rows.push_back(OutputOf(e, LatestByPeriod(reports[e.id()]),
//                                                             2023, 12));
//   ASSIGN_OR_RETURN(v1::IndustryStructure s, ComputeIndustryStructure(2023, 12, rows));
//   // s.chains(0).share_of_zone() == 2486/6600 for the report's equipment chain.
//
// Who counts: above-scale enterprises only, because every figure in the report is a 规上 figure
// (规上工业总产值) and the statistics bureau publishes structure for 规上 industry only. An
// enterprise counts for a year when it is flagged above scale and entered the list
// (above_scale_date) in or before that year (unknown date = counts).
//
// Exact rules: "≥ 100 million" is output ≥ 100,000,000 yuan to the nano; "grew ≥ 10%" is previous
// output > 0 and (current − previous)/previous ≥ 1/10 compared by cross-multiplication. For a
// year-to-date request (through_month < 12) both apply to the year-to-date sums. Chain and zone
// year-on-year changes compare the same enterprises in both years (同口径).
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_INDUSTRY_STRUCTURE_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_INDUSTRY_STRUCTURE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/money.h"
#include "gaoxin/common/v1/types.pb.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "services/enterprise/domain/report_series.h"

namespace gaoxin::enterprise {

// 1 亿元 in nanos.
inline constexpr Nanos kHundredMillionYuan = Nanos(int64_t{100000000} * kNanosPerUnit);

// One enterprise's line of input.
struct EnterpriseOutput {
  std::string enterprise_id;
  common::v1::IndustryChain chain = common::v1::INDUSTRY_CHAIN_UNSPECIFIED;
  // Counted only when true (see AboveScaleIn).
  bool above_scale = false;
  // Output over January..through_month of the year.
  Nanos output = 0;
  // Output over the same months of the previous year.
  Nanos previous_year_output = 0;
};

// True when `e` counts as above scale in `year` (flag set, entered in or before `year`).
bool AboveScaleIn(const v1::Enterprise& e, int year);

// Builds `e`'s line from its reports (latest revisions).
EnterpriseOutput OutputOf(const v1::Enterprise& e, const ReportSeries& series, int year,
                          int through_month);

// The structure for `year`, January..`through_month` (1..12). Chains appear in IndustryChain
// order, one per chain with at least one counted enterprise. Rows not above scale are ignored.
// Its size is bounded by the number of chains, whatever the number of enterprises. OUT_OF_RANGE
// when a total exceeds what a Money can carry (never a wrapped or saturated figure).
absl::StatusOr<v1::IndustryStructure> ComputeIndustryStructure(
    int year, int through_month, const std::vector<EnterpriseOutput>& rows);

// The "grew ≥ 10%" test: previous > 0 and (current − previous)/previous ≥ 1/10.
bool GrewAtLeastTenPercent(Nanos current, Nanos previous);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_INDUSTRY_STRUCTURE_H_
