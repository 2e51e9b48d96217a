#include "common/money.h"

#include <limits>

#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(MoneyTest, RoundTripsThroughNanos) {
  common::v1::Money m;
  m.set_units(-12);
  m.set_nanos(-500000000);
  EXPECT_EQ(ToNanos(m), Nanos(-12500000000LL));
  common::v1::Money back = FromNanos(ToNanos(m));
  EXPECT_EQ(back.units(), -12);
  EXPECT_EQ(back.nanos(), -500000000);
  EXPECT_EQ(back.currency_code(), "CNY");
}

TEST(MoneyTest, SumsExactlyWhereDoublesDoNot) {
  Nanos total = 0;
  common::v1::Money dime;
  dime.set_nanos(100000000);  // 0.1 yuan
  for (int i = 0; i < 10; ++i) total += ToNanos(dime);
  EXPECT_EQ(total, Nanos(kNanosPerUnit));
  EXPECT_EQ(FormatYuan(total), "1");
}

TEST(MoneyTest, FormatsYi) {
  EXPECT_EQ(FormatYi(Nanos(6930000000LL) * kNanosPerUnit), "69.30");
  EXPECT_EQ(FormatYi(Nanos(3035000000LL) * kNanosPerUnit), "30.35");
  EXPECT_EQ(FormatYi(Nanos(3035000000LL) * kNanosPerUnit, 1), "30.4");
  EXPECT_EQ(FormatYi(0), "0.00");
}

TEST(MoneyTest, ValidatesSignsRangeAndCurrency) {
  FieldViolations v;
  common::v1::Money bad;
  bad.set_units(1);
  bad.set_nanos(-1);
  ValidateMoney(bad, "lead.planned_investment", false, &v);
  ASSERT_EQ(v.violations().size(), 1u);
  EXPECT_EQ(v.violations()[0].first, "lead.planned_investment.nanos");

  FieldViolations v2;
  common::v1::Money usd = Yuan(5);
  usd.set_currency_code("USD");
  ValidateMoney(usd, "amount", false, &v2);
  ASSERT_EQ(v2.violations().size(), 1u);
  EXPECT_EQ(v2.violations()[0].first, "amount.currency_code");

  FieldViolations v3;
  ValidateMoney(Yuan(-5), "amount", false, &v3);
  ASSERT_EQ(v3.violations().size(), 1u);
  EXPECT_EQ(v3.violations()[0].first, "amount");

  FieldViolations ok;
  ValidateMoney(Yuan(-5), "amount", true, &ok);
  EXPECT_TRUE(ok.empty());
}

TEST(MoneyTest, ParsesDecimalYuan) {
  Nanos n;
  ASSERT_TRUE(ParseYuan("1234.56", &n));
  EXPECT_EQ(n, Nanos(1234560000000LL));
  ASSERT_TRUE(ParseYuan("-0.000000001", &n));
  EXPECT_EQ(n, Nanos(-1));
  EXPECT_FALSE(ParseYuan("1.2.3", &n));
  EXPECT_FALSE(ParseYuan("abc", &n));
  EXPECT_FALSE(ParseYuan("1.0000000001", &n));
}

// 2^63-1 yuan used to be accepted and then wrapped or saturated in sums: every amount now has a
// declared maximum, and one nano beyond it is refused under the field's name.
TEST(MoneyTest, RejectsAmountsBeyondTheDeclaredMaximum) {
  common::v1::Money huge;
  huge.set_units(std::numeric_limits<int64_t>::max());
  FieldViolations v;
  ValidateMoney(huge, "lead.planned_investment", false, &v);
  ASSERT_EQ(v.violations().size(), 1u);
  EXPECT_EQ(v.violations()[0].first, "lead.planned_investment");

  common::v1::Money very_negative;
  very_negative.set_units(std::numeric_limits<int64_t>::min());
  FieldViolations v2;
  ValidateMoney(very_negative, "amount", /*allow_negative=*/true, &v2);
  ASSERT_EQ(v2.violations().size(), 1u);
  EXPECT_EQ(v2.violations()[0].first, "amount");

  common::v1::Money one_nano_over = Yuan(10000000000000);
  one_nano_over.set_nanos(1);
  FieldViolations v3;
  ValidateMoney(one_nano_over, "amount", false, &v3);
  EXPECT_EQ(v3.violations().size(), 1u);

  FieldViolations ok;
  ValidateMoney(Yuan(10000000000000), "amount", false, &ok);  // 10万亿元 exactly
  ValidateMoney(Yuan(-10000000000000), "amount", true, &ok);
  EXPECT_TRUE(ok.empty());
}

// Whatever FromNanos is given, what goes out is a valid Money: units and nanos of one sign and
// |nanos| < 1e9 (it used to return nanos of any value once units saturated).
TEST(MoneyTest, FromNanosAlwaysReturnsNormalisedMoney) {
  const Nanos max_units = std::numeric_limits<int64_t>::max();
  for (Nanos n : {Nanos(0), Nanos(-1), Nanos(1999999999), Nanos(-1999999999),
                  max_units * kNanosPerUnit * 3, -max_units * kNanosPerUnit * 3}) {
    common::v1::Money m = FromNanos(n);
    EXPECT_LT(m.nanos(), kNanosPerUnit) << Int128ToString(n);
    EXPECT_GT(m.nanos(), -kNanosPerUnit) << Int128ToString(n);
    EXPECT_FALSE(m.units() > 0 && m.nanos() < 0) << Int128ToString(n);
    EXPECT_FALSE(m.units() < 0 && m.nanos() > 0) << Int128ToString(n);
  }
}

TEST(MoneyTest, AddMoneyRefusesSumsNoMoneyCanCarry) {
  absl::StatusOr<Nanos> ok = AddMoney(kMaxMoneyNanos, kMaxMoneyNanos, "total");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2 * kMaxMoneyNanos);
  EXPECT_TRUE(AddMoney(kMoneyRangeNanos, -kMoneyRangeNanos, "total").ok());
  absl::StatusOr<Nanos> over = AddMoney(kMoneyRangeNanos, 1, "funds_arrived");
  EXPECT_EQ(over.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(over.status().message().find("funds_arrived"), std::string::npos);
  EXPECT_EQ(AddMoney(-kMoneyRangeNanos, -1, "x").status().code(), absl::StatusCode::kOutOfRange);
  // An operand already beyond the range (say, from a bad stored row) is refused, not summed.
  EXPECT_FALSE(AddMoney(kMoneyRangeNanos * 2, -kMoneyRangeNanos * 2, "x").ok());
}

TEST(MoneyTest, MoneySumStopsAtTheFirstOverflow) {
  common::v1::Money max_units;
  max_units.set_units(std::numeric_limits<int64_t>::max());
  MoneySum sum("signed_amount");
  sum.Add(max_units);
  EXPECT_TRUE(sum.status().ok());
  sum.Add(max_units);
  EXPECT_EQ(sum.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(sum.nanos(), ToNanos(max_units));  // unchanged by the refused addition
  sum.Add(Nanos(-1));
  EXPECT_EQ(sum.nanos(), ToNanos(max_units));

  MoneySum exact("total");
  for (int i = 0; i < 900000; ++i) exact.Add(Yuan(kMaxMoneyUnits));
  ASSERT_TRUE(exact.status().ok());
  EXPECT_EQ(exact.nanos(), Nanos(900000) * kMaxMoneyNanos);
  EXPECT_EQ(FromNanos(exact.nanos()).units(), int64_t{900000} * kMaxMoneyUnits);
}

}  // namespace
}  // namespace gaoxin
