// Fuzzes date parsing ("YYYY-MM-DD" from the CLI and CSV files) and the check of Date messages
// every RPC that takes a date goes through.
//
//   build-asan/tests/fuzz/date_fuzzer tests/fuzz/corpus/date
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/date.h"
#include "common/errors.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  gaoxin::common::v1::Date date;
  date.set_year(in.ConsumeIntegral<int32_t>());
  date.set_month(in.ConsumeIntegral<int32_t>());
  date.set_day(in.ConsumeIntegral<int32_t>());
  gaoxin::FieldViolations v;
  gaoxin::ValidateDate(date, "date", &v);
  if (v.empty() && gaoxin::IsSet(date)) {
    const absl::CivilDay day = gaoxin::ToCivilDay(date);
    const gaoxin::common::v1::Date back = gaoxin::FromCivilDay(day);
    FUZZ_CHECK(
        back.year() == date.year() && back.month() == date.month() && back.day() == date.day(),
        "a valid date is a real day (no normalisation of 2月30日)");
    gaoxin::common::v1::Date parsed;
    FUZZ_CHECK(gaoxin::ParseDate(gaoxin::FormatDate(date), &parsed) &&
                   parsed.SerializeAsString() == date.SerializeAsString(),
               "a valid date prints and parses back");
  }

  const std::string text = in.ConsumeRemainingBytesAsString();
  gaoxin::common::v1::Date parsed;
  if (gaoxin::ParseDate(text, &parsed)) {
    gaoxin::FieldViolations pv;
    gaoxin::ValidateDate(parsed, "date", &pv);
    FUZZ_CHECK(pv.empty(), "a parsed date is valid");
    gaoxin::common::v1::Date again;
    FUZZ_CHECK(gaoxin::ParseDate(gaoxin::FormatDate(parsed), &again) &&
                   again.SerializeAsString() == parsed.SerializeAsString(),
               "a parsed date prints and parses back");
  }
  return 0;
}
