// Calendar dates (gaoxin.common.v1.Date) and their arithmetic, on absl::CivilDay so that month
// and year ends, leap years and day counts are right by construction.
//
//   absl::CivilDay received = ToCivilDay(c.received_date());
//   absl::CivilDay due = received + 15;
#ifndef GAOXIN_COMMON_DATE_H_
#define GAOXIN_COMMON_DATE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "gaoxin/common/v1/types.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace gaoxin {

// Reports a missing or impossible date (e.g. 2023-02-30) under `field`. Years 1900..2200.
void ValidateDate(const common::v1::Date& date, absl::string_view field, FieldViolations* v);
bool IsSet(const common::v1::Date& date);

absl::CivilDay ToCivilDay(const common::v1::Date& date);
common::v1::Date FromCivilDay(absl::CivilDay day);
common::v1::Date MakeDate(int year, int month, int day);
// "2023-05-01"
std::string FormatDate(const common::v1::Date& date);
// Parses "YYYY-MM-DD".
bool ParseDate(absl::string_view text, common::v1::Date* out);
// Today in the zone's time (China Standard Time, UTC+8), from `now`.
absl::CivilDay TodayInZone(absl::Time now);

google::protobuf::Timestamp ToTimestamp(absl::Time t);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_DATE_H_
