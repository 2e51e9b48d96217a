// Exact money arithmetic on gaoxin.common.v1.Money (units + nanos, CNY). Amounts are carried as
// total nanos in a 128-bit integer and no floating point is ever involved. Every amount a client
// sends is at most kMaxMoneyUnits (ValidateMoney), and every sum is checked (MoneySum): a sum
// that would leave what Money can carry is an OUT_OF_RANGE error, never a wrapped or silently
// saturated figure.
//
//   MoneySum total("funds_arrived");
//   for (const auto& f : fundings) total.Add(f.amount());
//   RETURN_IF_ERROR(total.status());
//   *summary.mutable_funds_arrived() = FromNanos(total.nanos());
#ifndef GAOXIN_COMMON_MONEY_H_
#define GAOXIN_COMMON_MONEY_H_

#include <cstdint>
#include <limits>
#include <string>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "gaoxin/common/v1/types.pb.h"

namespace gaoxin {

using Nanos = absl::int128;
inline constexpr int64_t kNanosPerUnit = 1000000000;
inline constexpr absl::string_view kCurrency = "CNY";

// The largest amount one Money value may carry, in yuan: 10^13 (10万亿元). No figure a zone
// records comes near it: China's whole GDP was about 1.26 x 10^14 yuan in 2023, the largest
// city's (Shanghai) 4.7 x 10^12, and this zone's 4 x 10^9 (40亿), so a value above it is a typing
// or unit error, not a fact. It also keeps sums safe: about 900,000 maximal values still fit in
// Money's int64 units, and their nanos in an int128 with room to spare.
inline constexpr int64_t kMaxMoneyUnits = 10000000000000;
inline const Nanos kMaxMoneyNanos = Nanos(kMaxMoneyUnits) * kNanosPerUnit;
// What a Money can carry at all (units in int64, nanos of the same sign): the bound of sums.
// (const, not constexpr: Debian's Abseil int128 multiplication is not constexpr.)
inline const Nanos kMoneyRangeNanos =
    Nanos(std::numeric_limits<int64_t>::max()) * kNanosPerUnit + (kNanosPerUnit - 1);

// Validates `money` (currency CNY or empty, nanos range and sign, |amount| <= kMaxMoneyUnits)
// and reports problems under `field`. With `allow_negative` false, a negative amount is a
// violation. Every RPC that takes an amount checks it with this.
void ValidateMoney(const common::v1::Money& money, absl::string_view field, bool allow_negative,
                   FieldViolations* violations);

Nanos ToNanos(const common::v1::Money& money);
// Always a normalised Money: units and nanos of one sign, |nanos| < 10^9, currency CNY. Exact for
// every value within kMoneyRangeNanos: any validated amount, and any sum MoneySum accepted. Beyond
// that it clamps to the nearest Money; sums never get there, because MoneySum refuses them first.
common::v1::Money FromNanos(Nanos nanos);
// a + b, or OUT_OF_RANGE naming `what` when an operand or the result is beyond what a Money can
// carry (kMoneyRangeNanos): the one overflow check every sum of money goes through.
absl::StatusOr<Nanos> AddMoney(Nanos a, Nanos b, absl::string_view what);

// An exact running sum. The first addition that AddMoney refuses sets status() and the total
// stops changing, so a loop adds freely and checks once at the end.
class MoneySum {
 public:
  explicit MoneySum(absl::string_view what) : what_(what) {}
  void Add(Nanos nanos);
  void Add(const common::v1::Money& money) { Add(ToNanos(money)); }
  Nanos nanos() const { return total_; }
  const absl::Status& status() const { return status_; }

 private:
  std::string what_;
  Nanos total_ = 0;
  absl::Status status_;
};

common::v1::Money Yuan(int64_t units);

// Exact decimal rendering in yuan, e.g. "6930000000" or "12.5" (no trailing zeros).
std::string FormatYuan(Nanos nanos);
// Rendering in 亿元 rounded half away from zero to `decimals`, e.g. "69.30".
std::string FormatYi(Nanos nanos, int decimals = 2);

// Parses a decimal yuan amount such as "2780000000" or "1234.56" exactly.
bool ParseYuan(absl::string_view text, Nanos* out);

std::string Int128ToString(absl::int128 v);

}  // namespace gaoxin

#endif  // GAOXIN_COMMON_MONEY_H_
