// The zone's main economic indicators (主要经济指标) for a year, as the work report's first
// paragraph gives them: the value, the previous year's value, the year-on-year change (同比) and
// the share of the year's target (完成目标比例).
//
//   v1::ZoneIndicators z = ComputeZoneIndicators(2023, records_of_2022_and_2023);
//   // general budget revenue 3.41 亿 against 2.8189 亿 → yoy_change display "20.97"
#ifndef GAOXIN_SERVICES_ENTERPRISE_DOMAIN_ZONE_INDICATORS_H_
#define GAOXIN_SERVICES_ENTERPRISE_DOMAIN_ZONE_INDICATORS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gaoxin/enterprise/v1/enterprise.pb.h"

namespace gaoxin::enterprise {

// Checks a record to store: a known indicator, a year from 1990 to today's year, a value
// present and non-negative, a target (when set) non-negative. Field paths "record.*".
absl::Status ValidateIndicatorRecord(const v1::IndicatorRecord& record, absl::CivilDay today);

// One line per indicator that has a record for `year`, in Indicator order. The previous year's
// value comes from the record of year − 1 (unset when there is none); yoy_change is unset when
// the previous value is unset or zero; share_of_target is unset without a non-zero target.
// Records of other years are ignored; with two records for one (indicator, year) the later in
// `records` wins.
v1::ZoneIndicators ComputeZoneIndicators(int year, const std::vector<v1::IndicatorRecord>& records);

}  // namespace gaoxin::enterprise

#endif  // GAOXIN_SERVICES_ENTERPRISE_DOMAIN_ZONE_INDICATORS_H_
