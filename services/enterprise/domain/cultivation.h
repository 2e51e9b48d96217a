// Cultivation candidates (梯次培育对象): which enterprises to help up which rung of the ladder
// 科技型中小企业 → 高新技术企业 → 专精特新 → 小巨人 → 上市, plus 小升规 (becoming above scale) and
// the growth titles 雏鹰 / 瞪羚. Each candidate carries the evidence, with numbers, for the visit.
//
//   std::vector<CultivationInput> in;
//   for (const auto& e : enterprises)
//     in.push_back(CultivationInputOf(e, LatestByPeriod(reports[e.id()]), last_due_period));
//   auto c = FindCultivationCandidates(v1::CULTIVATION_TARGET_ABOVE_SCALE, in, today, {});
//
// The rules (thresholds in CultivationConfig; all rungs skip STOPPED enterprises and enterprises
// that already hold the target):
//   ABOVE_SCALE  not above scale; last-12-month revenue ≥ 80% of 20,000,000 yuan (the 规上 line).
//   HIGH_TECH    has held 科技型中小企业 without a gap for ≥ 1 year (高企 applicants are typically
//                tech SMEs with an R&D record; the suite does not track R&D spend).
//   SPECIALIZED  holds 科技型中小企业 or 高新技术企业 and last-12-month revenue ≥ 10,000,000 yuan
//                (the 专精特新中小企业 revenue criterion).
//   LITTLE_GIANT has held 专精特新 for ≥ 1 year and last-12-month revenue ≥ 100,000,000 yuan.
//   FLEDGLING    holds 科技型中小企业, not yet 雏鹰 or 瞪羚, revenue grew ≥ 10% on the previous
//                12 months (both windows fully reported).
//   GAZELLE      holds 高新技术企业, revenue grew ≥ 20% on the previous 12 months (fully reported).
//   LISTED       above scale and either holds 小巨人 or last-12-month revenue ≥ 300,000,000 yuan.
// Growth is exact: previous > 0 and (current − previous)/previous ≥ p/100. Candidates are ordered
// by last-12-month revenue, highest first, then by enterprise id.
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_CULTIVATION_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_CULTIVATION_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "common/money.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "services/enterprise/domain/report_series.h"

namespace gaoxin::enterprise {

struct CultivationConfig {
  // The 规上 line: annual main-business revenue ≥ 20 million yuan.
  Nanos above_scale_revenue = Nanos(20000000) * kNanosPerUnit;
  // 小升规 candidates from this percentage of the line.
  int above_scale_candidate_percent = 80;
  int high_tech_min_tech_sme_years = 1;
  Nanos specialized_min_revenue = Nanos(10000000) * kNanosPerUnit;
  int little_giant_min_specialized_years = 1;
  Nanos little_giant_min_revenue = Nanos(100000000) * kNanosPerUnit;
  int fledgling_min_growth_percent = 10;
  int gazelle_min_growth_percent = 20;
  Nanos listed_min_revenue = Nanos(300000000) * kNanosPerUnit;
};

// One enterprise with its revenue over two 12-month windows.
struct CultivationInput {
  v1::Enterprise enterprise;
  // Revenue (主营业务收入) over the 12 months ending at the last period.
  Nanos last_12_month_revenue = 0;
  // Revenue over the 12 months before those.
  Nanos previous_12_month_revenue = 0;
  // Reported months in each window (0..12).
  int last_12_months_reported = 0;
  int previous_12_months_reported = 0;
};

// Builds the input from `series` for the window ending at `last_period` (usually the latest
// period whose report is due, see LatestDuePeriod).
CultivationInput CultivationInputOf(const v1::Enterprise& enterprise, const ReportSeries& series,
                                    absl::CivilMonth last_period);

// The candidates for `target` on `today`; empty for CULTIVATION_TARGET_UNSPECIFIED.
std::vector<v1::CultivationCandidate> FindCultivationCandidates(
    v1::CultivationTarget target, const std::vector<CultivationInput>& inputs, absl::CivilDay today,
    const CultivationConfig& config);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_CULTIVATION_H_
