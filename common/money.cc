#include "common/money.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text.h"

namespace gaoxin {

void ValidateMoney(const common::v1::Money& money, absl::string_view field, bool allow_negative,
                   FieldViolations* violations) {
  if (!money.currency_code().empty() && money.currency_code() != kCurrency) {
    violations->Add(absl::StrCat(field, ".currency_code"),
                    absl::StrCat("must be CNY (or empty), got ", Excerpt(money.currency_code())));
  }
  if (money.nanos() <= -kNanosPerUnit || money.nanos() >= kNanosPerUnit) {
    violations->Add(absl::StrCat(field, ".nanos"), "must be within (-999999999, 999999999)");
  } else if ((money.units() > 0 && money.nanos() < 0) || (money.units() < 0 && money.nanos() > 0)) {
    violations->Add(absl::StrCat(field, ".nanos"), "must have the same sign as units");
  } else if (!allow_negative && (money.units() < 0 || money.nanos() < 0)) {
    violations->Add(field, "must not be negative");
  } else if (ToNanos(money) > kMaxMoneyNanos || ToNanos(money) < -kMaxMoneyNanos) {
    violations->Add(field, absl::StrCat("must be at most ", kMaxMoneyUnits,
                                        " yuan (10万亿元) in absolute value"));
  }
}

Nanos ToNanos(const common::v1::Money& money) {
  return Nanos(money.units()) * kNanosPerUnit + money.nanos();
}

common::v1::Money FromNanos(Nanos nanos) {
  // Clamping to ±kMoneyRangeNanos (not to the units alone) keeps nanos in range and of the
  // units' sign even for values no Money can carry.
  nanos = std::min(std::max(nanos, -kMoneyRangeNanos), kMoneyRangeNanos);
  common::v1::Money m;
  m.set_currency_code(std::string(kCurrency));
  const Nanos units = nanos / kNanosPerUnit;  // truncates toward zero: nanos keeps the sign
  m.set_units(static_cast<int64_t>(units));
  m.set_nanos(static_cast<int32_t>(nanos - units * kNanosPerUnit));
  return m;
}

absl::StatusOr<Nanos> AddMoney(Nanos a, Nanos b, absl::string_view what) {
  // Operands within ±kMoneyRangeNanos (about 9.2e27) cannot overflow an int128 (1.7e38), so the
  // sum is exact and only its range needs checking.
  auto out_of_range = [what] {
    return absl::OutOfRangeError(absl::StrCat(what, ": the sum exceeds what a Money can carry (",
                                              std::numeric_limits<int64_t>::max(), " yuan)"));
  };
  if (a > kMoneyRangeNanos || a < -kMoneyRangeNanos || b > kMoneyRangeNanos ||
      b < -kMoneyRangeNanos) {
    return out_of_range();
  }
  const Nanos sum = a + b;
  if (sum > kMoneyRangeNanos || sum < -kMoneyRangeNanos) return out_of_range();
  return sum;
}

void MoneySum::Add(Nanos nanos) {
  if (!status_.ok()) return;
  absl::StatusOr<Nanos> sum = AddMoney(total_, nanos, what_);
  if (sum.ok()) {
    total_ = *sum;
  } else {
    status_ = sum.status();
  }
}

common::v1::Money Yuan(int64_t units) {
  common::v1::Money m;
  m.set_currency_code(std::string(kCurrency));
  m.set_units(units);
  return m;
}

std::string Int128ToString(absl::int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  absl::uint128 u = negative ? absl::uint128(-(v + 1)) + 1 : absl::uint128(v);
  std::string digits;
  while (u > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string FormatYuan(Nanos nanos) {
  bool negative = nanos < 0;
  Nanos abs = negative ? -nanos : nanos;
  std::string out = (negative ? "-" : "") + Int128ToString(abs / kNanosPerUnit);
  int64_t frac = static_cast<int64_t>(abs % kNanosPerUnit);
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f = std::string(9 - f.size(), '0') + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    absl::StrAppend(&out, ".", f);
  }
  return out;
}

std::string FormatYi(Nanos nanos, int decimals) {
  // 1 亿 = 1e8 yuan = 1e17 nanos. Scale to `decimals` places, rounding half away from zero.
  bool negative = nanos < 0;
  Nanos abs = negative ? -nanos : nanos;
  Nanos denom = Nanos(100000000) * kNanosPerUnit;
  Nanos scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  Nanos scaled = (abs * scale * 2 + denom) / (denom * 2);
  std::string whole = Int128ToString(scaled / scale);
  std::string out = (negative && scaled != 0 ? "-" : "") + whole;
  if (decimals > 0) {
    std::string f = Int128ToString(scaled % scale);
    f = std::string(decimals - f.size(), '0') + f;
    absl::StrAppend(&out, ".", f);
  }
  return out;
}

bool ParseYuan(absl::string_view text, Nanos* out) {
  text = absl::StripAsciiWhitespace(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  Nanos units = 0;
  Nanos frac = 0;
  int frac_digits = 0;
  bool seen_dot = false;
  bool seen_digit = false;
  for (char c : text) {
    if (c == '.') {
      if (seen_dot) return false;
      seen_dot = true;
      continue;
    }
    if (!absl::ascii_isdigit(c)) return false;
    seen_digit = true;
    if (seen_dot) {
      if (++frac_digits > 9) return false;
      frac = frac * 10 + (c - '0');
    } else {
      units = units * 10 + (c - '0');
      if (units > Nanos(std::numeric_limits<int64_t>::max())) return false;
    }
  }
  if (!seen_digit) return false;
  for (int i = frac_digits; i < 9; ++i) frac *= 10;
  Nanos total = units * kNanosPerUnit + frac;
  *out = negative ? -total : total;
  return true;
}

}  // namespace gaoxin
