// Statistical months (统计期) written "YYYY-MM", carried as absl::CivilMonth so that month and year
// arithmetic (2023-12 + 1 = 2024-01) is right by construction.
//
//   absl::CivilMonth p;
//   if (!ParsePeriod("2023-12", &p)) v.Add("report.period", "must be YYYY-MM");
//   std::string next = FormatPeriod(p + 1);  // "2024-01"
//
// Generic enough for common/ (any monthly statistic uses it); kept here until common/ wants it.
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_PERIOD_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_PERIOD_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace gaoxin::enterprise {

// Parses exactly "YYYY-MM" (4 digits, '-', 2 digits, month 01..12). Nothing else is accepted:
// "2023-5", "2023/05" and "2023-05-01" are all rejected, so one month has one spelling.
bool ParsePeriod(absl::string_view text, absl::CivilMonth* out);

// "2023-05".
std::string FormatPeriod(absl::CivilMonth period);

// The month containing `day`.
inline absl::CivilMonth PeriodOf(absl::CivilDay day) { return absl::CivilMonth(day); }

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_PERIOD_H_
