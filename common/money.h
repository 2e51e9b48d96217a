// Exact money arithmetic on gaoxin.common.v1.Money (units + nanos, CNY). Amounts are carried as
// total nanos in a 128-bit integer, so sums of any realistic ledger cannot overflow and no
// floating point is ever involved.
//
//   Nanos total = 0;
//   for (const auto& f : fundings) total += ToNanos(f.amount());
//   *summary.mutable_funds_arrived() = FromNanos(total);
#ifndef GAOXIN_COMMON_MONEY_H_
#define GAOXIN_COMMON_MONEY_H_

#include <string>

#include "absl/numeric/int128.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "gaoxin/common/v1/types.pb.h"

namespace gaoxin {

using Nanos = absl::int128;
inline constexpr int64_t kNanosPerUnit = 1000000000;
inline constexpr absl::string_view kCurrency = "CNY";

// Validates `money` (currency CNY or empty, nanos range and sign) and reports problems under
// `field`. With `allow_negative` false, a negative amount is a violation.
void ValidateMoney(const common::v1::Money& money, absl::string_view field, bool allow_negative,
                   FieldViolations* violations);

Nanos ToNanos(const common::v1::Money& money);
// Saturates at the int64 range of units (never reached by real ledgers).
common::v1::Money FromNanos(Nanos nanos);
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
