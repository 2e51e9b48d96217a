#include "common/ratio.h"

#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(RatioTest, ResolutionRateIsExact) {
  common::v1::Ratio r = MakeRatio(26, 27);
  EXPECT_EQ(r.numerator(), "26");
  EXPECT_EQ(r.denominator(), "27");
  EXPECT_EQ(r.display_percent(), "96.30");
}

TEST(RatioTest, ReducesAndHandlesZeroDenominator) {
  common::v1::Ratio r = MakeRatio(11, 11);
  EXPECT_EQ(r.numerator(), "1");
  EXPECT_EQ(r.denominator(), "1");
  EXPECT_EQ(r.display_percent(), "100.00");
  EXPECT_EQ(MakeRatio(3, 0).display_percent(), "");
}

TEST(RatioTest, GrowthCanBeNegative) {
  common::v1::Ratio r = GrowthRatio(90, 100);
  EXPECT_EQ(r.numerator(), "-1");
  EXPECT_EQ(r.denominator(), "10");
  EXPECT_EQ(r.display_percent(), "-10.00");
}

TEST(RatioTest, PercentRoundsHalfAwayFromZero) {
  EXPECT_EQ(PercentString(1, 8, 1), "12.5");
  EXPECT_EQ(PercentString(1, 16, 2), "6.25");
  EXPECT_EQ(PercentString(1, 3, 0), "33");
  EXPECT_EQ(PercentString(-1, 8, 0), "-13");
}

TEST(RatioTest, AtLeastIsExact) {
  EXPECT_TRUE(RatioAtLeast(10, 100, 1, 10));
  EXPECT_FALSE(RatioAtLeast(9999999, 100000000, 1, 10));
}

}  // namespace
}  // namespace gaoxin
