// Fuzzes amounts: yuan text (CLI flags, CSV cells), Money messages as clients send them, and the
// checked addition every sum of money goes through.
//
//   build-asan/tests/fuzz/money_fuzzer tests/fuzz/corpus/money
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/errors.h"
#include "common/money.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using gaoxin::Nanos;

bool InMoneyRange(Nanos n) {
  return n <= gaoxin::kMoneyRangeNanos && n >= -gaoxin::kMoneyRangeNanos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  gaoxin::common::v1::Money money;
  money.set_units(in.ConsumeIntegral<int64_t>());
  money.set_nanos(in.ConsumeIntegral<int32_t>());
  if (in.ConsumeBool()) money.set_currency_code(in.ConsumeRandomLengthString(8));
  gaoxin::FieldViolations v;
  gaoxin::ValidateMoney(money, "amount", /*allow_negative=*/true, &v);
  const Nanos nanos = gaoxin::ToNanos(money);
  if (v.empty()) {
    FUZZ_CHECK(nanos <= gaoxin::kMaxMoneyNanos && nanos >= -gaoxin::kMaxMoneyNanos,
               "a valid amount is within kMaxMoneyUnits");
    const gaoxin::common::v1::Money back = gaoxin::FromNanos(nanos);
    FUZZ_CHECK(back.units() == money.units() && back.nanos() == money.nanos(),
               "a valid Money is already normalised and round-trips");
    Nanos parsed;
    FUZZ_CHECK(gaoxin::ParseYuan(gaoxin::FormatYuan(nanos), &parsed) && parsed == nanos,
               "a valid amount prints and parses back exactly");
  }
  // FromNanos always gives a normalised Money, whatever it is given.
  const gaoxin::common::v1::Money normal = gaoxin::FromNanos(nanos);
  FUZZ_CHECK(normal.nanos() > -1000000000 && normal.nanos() < 1000000000, "nanos in range");
  FUZZ_CHECK(
      normal.units() == 0 || normal.nanos() == 0 || (normal.units() > 0) == (normal.nanos() > 0),
      "units and nanos share a sign");
  FUZZ_CHECK(normal.currency_code() == "CNY", "Money goes out in CNY");

  const Nanos other = gaoxin::ToNanos(
      gaoxin::FromNanos(Nanos(in.ConsumeIntegral<int64_t>()) * gaoxin::kNanosPerUnit +
                        in.ConsumeIntegral<int32_t>()));
  absl::StatusOr<Nanos> sum = gaoxin::AddMoney(nanos, other, "sum");
  if (sum.ok()) {
    FUZZ_CHECK(*sum == nanos + other, "an accepted sum is exact");
    FUZZ_CHECK(InMoneyRange(*sum), "an accepted sum fits in a Money");
  } else {
    FUZZ_CHECK(absl::IsOutOfRange(sum.status()), "a refused sum is OUT_OF_RANGE");
    FUZZ_CHECK(!InMoneyRange(nanos) || !InMoneyRange(other) || !InMoneyRange(nanos + other),
               "only sums beyond a Money are refused");
  }

  const std::string text = in.ConsumeRemainingBytesAsString();
  Nanos parsed;
  if (gaoxin::ParseYuan(text, &parsed)) {
    Nanos again;
    FUZZ_CHECK(gaoxin::ParseYuan(gaoxin::FormatYuan(parsed), &again) && again == parsed,
               "parsed yuan text prints and parses back");
  }
  return 0;
}
