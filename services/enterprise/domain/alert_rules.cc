#include "services/enterprise/domain/alert_rules.h"

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/errors.h"
#include "common/money.h"
#include "common/ratio.h"
#include "services/enterprise/domain/industry_structure.h"
#include "services/enterprise/domain/period.h"

namespace gaoxin::enterprise {
namespace {

v1::Alert NewAlert(const v1::Enterprise& e, v1::AlertRule rule, absl::CivilMonth period) {
  v1::Alert a;
  a.set_enterprise_id(e.id());
  a.set_rule(rule);
  a.set_period(FormatPeriod(period));
  a.set_state(v1::ALERT_STATE_OPEN);
  return a;
}

}  // namespace

absl::Status ValidateAlertThresholds(const AlertThresholds& t) {
  if (t.output_drop_percent < 1 || t.output_drop_percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("output_drop_percent must be 1..100, got ", t.output_drop_percent));
  }
  if (t.report_due_day < 1 || t.report_due_day > 28) {
    return absl::InvalidArgumentError(
        absl::StrCat("report_due_day must be 1..28, got ", t.report_due_day));
  }
  return absl::OkStatus();
}

absl::CivilDay ReportDueDate(absl::CivilMonth period, const AlertThresholds& t) {
  const absl::CivilMonth next = period + 1;
  return absl::CivilDay(next.year(), next.month(), t.report_due_day);
}

absl::CivilMonth LatestDuePeriod(absl::CivilDay today, const AlertThresholds& t) {
  // The period two months back is always overdue (D ≤ 28); last month is once D has passed.
  const absl::CivilMonth last_month = PeriodOf(today) - 1;
  return today > ReportDueDate(last_month, t) ? last_month : last_month - 1;
}

bool MustReport(const v1::Enterprise& e, absl::CivilMonth period) {
  return e.key_enterprise() || AboveScaleIn(e, static_cast<int>(period.year()));
}

std::vector<v1::Alert> EvaluateAlerts(const v1::Enterprise& enterprise, const ReportSeries& series,
                                      absl::CivilMonth period, absl::CivilDay today,
                                      const AlertThresholds& t) {
  std::vector<v1::Alert> alerts;
  auto now = series.find(period);
  if (now == series.end()) {
    const absl::CivilDay due = ReportDueDate(period, t);
    if (MustReport(enterprise, period) && today > due) {
      v1::Alert a = NewAlert(enterprise, v1::ALERT_RULE_NOT_REPORTED, period);
      *a.mutable_evidence()->mutable_report_due_date() = FromCivilDay(due);
      a.mutable_evidence()->set_days_overdue(static_cast<int>(today - due));
      a.set_detail(absl::StrCat("report for ", FormatPeriod(period), " not filed; due ",
                                FormatDate(FromCivilDay(due)), ", ", today - due,
                                " day(s) overdue"));
      alerts.push_back(std::move(a));
    }
    return alerts;
  }

  const Nanos output = FigureOf(now->second, Figure::kOutput);
  if (output == 0) {
    v1::Alert a = NewAlert(enterprise, v1::ALERT_RULE_ZERO_OUTPUT, period);
    *a.mutable_evidence()->mutable_output_value() = FromNanos(0);
    a.set_detail(absl::StrCat("report for ", FormatPeriod(period), " shows zero output"));
    alerts.push_back(std::move(a));
    return alerts;
  }

  auto before = series.find(period - 12);
  if (before == series.end()) return alerts;
  const Nanos previous = FigureOf(before->second, Figure::kOutput);
  if (previous <= 0) return alerts;
  if (RatioAtLeast(previous - output, previous, t.output_drop_percent, 100)) {
    v1::Alert a = NewAlert(enterprise, v1::ALERT_RULE_OUTPUT_DROP, period);
    v1::AlertEvidence* ev = a.mutable_evidence();
    *ev->mutable_output_value() = FromNanos(output);
    *ev->mutable_previous_year_output_value() = FromNanos(previous);
    *ev->mutable_output_change() = GrowthRatio(output, previous);
    ev->set_threshold_percent(t.output_drop_percent);
    a.set_detail(absl::StrCat("output ", FormatPeriod(period), " fell ",
                              PercentString(previous - output, previous), "% year on year (",
                              FormatYuan(previous), " → ", FormatYuan(output), " yuan; threshold ",
                              t.output_drop_percent, "%)"));
    alerts.push_back(std::move(a));
  }
  return alerts;
}

std::string AlertDedupKey(absl::string_view enterprise_id, v1::AlertRule rule,
                          absl::string_view period) {
  return absl::StrCat(enterprise_id, "/", v1::AlertRule_Name(rule), "/", period);
}

std::string AlertDedupKey(const v1::Alert& alert) {
  return AlertDedupKey(alert.enterprise_id(), alert.rule(), alert.period());
}

}  // namespace gaoxin::enterprise
