#include "common/money.h"

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

}  // namespace
}  // namespace gaoxin
