#include "services/enterprise/domain/zone_indicators.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/money.h"
#include "common/ratio.h"

namespace gaoxin::enterprise {

absl::Status ValidateIndicatorRecord(const v1::IndicatorRecord& record, absl::CivilDay today) {
  FieldViolations v;
  if (record.indicator() == v1::INDICATOR_UNSPECIFIED ||
      !v1::Indicator_IsValid(record.indicator())) {
    v.Add("record.indicator", "must be a known indicator");
  }
  if (record.year() < 1990 || record.year() > today.year()) {
    v.Add("record.year", absl::StrCat("must be from 1990 to ", today.year()));
  }
  if (!record.has_value()) {
    v.Add("record.value", "is required");
  } else {
    ValidateMoney(record.value(), "record.value", /*allow_negative=*/false, &v);
  }
  if (record.has_target()) {
    ValidateMoney(record.target(), "record.target", /*allow_negative=*/false, &v);
  }
  return v.ToStatus();
}

v1::ZoneIndicators ComputeZoneIndicators(int year,
                                         const std::vector<v1::IndicatorRecord>& records) {
  std::map<int, const v1::IndicatorRecord*> current;
  std::map<int, const v1::IndicatorRecord*> previous;
  for (const v1::IndicatorRecord& r : records) {
    if (r.year() == year) current[r.indicator()] = &r;
    if (r.year() == year - 1) previous[r.indicator()] = &r;
  }
  v1::ZoneIndicators out;
  out.set_year(year);
  for (const auto& [indicator, record] : current) {
    v1::ZoneIndicatorLine* line = out.add_lines();
    line->set_indicator(record->indicator());
    line->set_estimate(record->estimate());
    const Nanos value = ToNanos(record->value());
    *line->mutable_value() = FromNanos(value);
    auto prev = previous.find(indicator);
    if (prev != previous.end()) {
      const Nanos before = ToNanos(prev->second->value());
      *line->mutable_previous_year_value() = FromNanos(before);
      if (before != 0) *line->mutable_yoy_change() = GrowthRatio(value, before);
    }
    if (record->has_target()) {
      const Nanos target = ToNanos(record->target());
      *line->mutable_target() = FromNanos(target);
      if (target != 0) *line->mutable_share_of_target() = MakeRatio(value, target);
    }
  }
  return out;
}

}  // namespace gaoxin::enterprise
