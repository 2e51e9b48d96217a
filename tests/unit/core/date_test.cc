#include "common/date.h"

#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(DateTest, RejectsImpossibleDatesNamingTheField) {
  FieldViolations v;
  ValidateDate(MakeDate(2023, 2, 29), "effective_date", &v);
  ASSERT_EQ(v.violations().size(), 1u);
  EXPECT_EQ(v.violations()[0].first, "effective_date");

  FieldViolations leap;
  ValidateDate(MakeDate(2024, 2, 29), "d", &leap);
  EXPECT_TRUE(leap.empty());

  FieldViolations missing;
  ValidateDate(common::v1::Date(), "d", &missing);
  EXPECT_EQ(missing.violations().size(), 1u);
}

TEST(DateTest, ArithmeticCrossesMonthAndYearEnds) {
  absl::CivilDay d = ToCivilDay(MakeDate(2023, 12, 20)) + 15;
  EXPECT_EQ(FormatDate(FromCivilDay(d)), "2024-01-04");
}

TEST(DateTest, ParsesIsoDates) {
  common::v1::Date d;
  ASSERT_TRUE(ParseDate("2023-05-01", &d));
  EXPECT_EQ(d.year(), 2023);
  EXPECT_FALSE(ParseDate("2023-13-01", &d));
  EXPECT_FALSE(ParseDate("yesterday", &d));
}

}  // namespace
}  // namespace gaoxin
