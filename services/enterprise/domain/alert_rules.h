// Trouble alerts (异常预警) for one enterprise and one statistical month, from its reports:
//   OUTPUT_DROP   产值同比下降  output fell year on year by ≥ N% (N injected);
//   ZERO_OUTPUT   零产值        the filed report shows zero output (停产);
//   NOT_REPORTED  未报送        no report by day D of the following month (D injected).
// Pure: it says which alerts should exist; the service opens those whose dedup key
// (enterprise, rule, period) has no alert yet, and may resolve open NOT_REPORTED alerts whose
// key is no longer produced (the report came in late).
//
//   AlertThresholds t;  // 20% drop, due by day 10: set from configuration
//   absl::CivilMonth p = LatestDuePeriod(today, t);  // 2024-01-11 → 2023-12
//   for (v1::Alert& a : EvaluateAlerts(e, LatestByPeriod(reports), p, today, t)) ...
//
// Decisions: a zero-output month raises ZERO_OUTPUT only, not also OUTPUT_DROP (one cause, one
// alert). OUTPUT_DROP needs both months reported and last year's output > 0, and compares exactly:
// (previous − current)/previous ≥ N/100. Only enterprises that must report (key or above-scale,
// see MustReport) get NOT_REPORTED; the caller evaluates periods from the enterprise's
// registration on.
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_ALERT_RULES_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_ALERT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"
#include "services/enterprise/domain/report_series.h"

namespace gaoxin::enterprise {

struct AlertThresholds {
  // OUTPUT_DROP when output fell by at least this percentage (1..100).
  int output_drop_percent = 20;
  // A period's report is due by this day (inclusive) of the following month (1..28, so that it
  // exists in every month).
  int report_due_day = 10;
};

// INVALID_ARGUMENT when a threshold is out of range (a configuration error at startup).
absl::Status ValidateAlertThresholds(const AlertThresholds& thresholds);

// The last day the report for `period` may be filed: day D of the next month.
absl::CivilDay ReportDueDate(absl::CivilMonth period, const AlertThresholds& thresholds);

// The latest period whose due date is before `today` (so a missing report is overdue today).
absl::CivilMonth LatestDuePeriod(absl::CivilDay today, const AlertThresholds& thresholds);

// Key enterprises file monthly reports, and so do above-scale ones from the statistical year in
// which they are on the above-scale list (AboveScaleIn); others are not expected to.
bool MustReport(const v1::Enterprise& enterprise, absl::CivilMonth period);

// The alerts that should exist for `enterprise` and `period` on `today`: enterprise_id, rule,
// period, state OPEN, detail and evidence set; id and times left to the service.
std::vector<v1::Alert> EvaluateAlerts(const v1::Enterprise& enterprise, const ReportSeries& series,
                                      absl::CivilMonth period, absl::CivilDay today,
                                      const AlertThresholds& thresholds);

// Deterministic dedup key, e.g. "e-42/ALERT_RULE_OUTPUT_DROP/2023-05".
std::string AlertDedupKey(absl::string_view enterprise_id, v1::AlertRule rule,
                          absl::string_view period);
std::string AlertDedupKey(const v1::Alert& alert);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_ALERT_RULES_H_
