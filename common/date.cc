#include "common/date.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace gaoxin {

bool IsSet(const common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

void ValidateDate(const common::v1::Date& date, absl::string_view field, FieldViolations* v) {
  if (!IsSet(date)) {
    v->Add(field, "is required");
    return;
  }
  if (date.year() < 1900 || date.year() > 2200) {
    v->Add(field, absl::StrFormat("year %d is out of range 1900..2200", date.year()));
    return;
  }
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.month() < 1 || date.month() > 12 || day.month() != date.month() ||
      day.day() != date.day()) {
    v->Add(field, absl::StrFormat("%04d-%02d-%02d is not a calendar date", date.year(),
                                  date.month(), date.day()));
  }
}

absl::CivilDay ToCivilDay(const common::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

common::v1::Date FromCivilDay(absl::CivilDay day) {
  return MakeDate(static_cast<int>(day.year()), day.month(), day.day());
}

common::v1::Date MakeDate(int year, int month, int day) {
  common::v1::Date d;
  d.set_year(year);
  d.set_month(month);
  d.set_day(day);
  return d;
}

std::string FormatDate(const common::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

bool ParseDate(absl::string_view text, common::v1::Date* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  int y, m, d;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &d)) {
    return false;
  }
  *out = MakeDate(y, m, d);
  FieldViolations v;
  ValidateDate(*out, "date", &v);
  return v.empty();
}

absl::CivilDay TodayInZone(absl::Time now) {
  static const absl::TimeZone kCst = absl::FixedTimeZone(8 * 60 * 60);
  return absl::ToCivilDay(now, kCst);
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  int64_t nanos = absl::ToUnixNanos(t);
  ts.set_seconds(nanos / 1000000000);
  ts.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return ts;
}

}  // namespace gaoxin
