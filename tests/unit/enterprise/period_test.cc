#include "services/enterprise/domain/period.h"

#include "gtest/gtest.h"

namespace gaoxin::enterprise {
namespace {

TEST(PeriodTest, ParsesOnlyTheCanonicalSpelling) {
  absl::CivilMonth p;
  ASSERT_TRUE(ParsePeriod("2023-12", &p));
  EXPECT_EQ(p, absl::CivilMonth(2023, 12));
  for (const char* bad :
       {"2023-5", "2023/05", "2023-05-01", "2023-13", "2023-00", "23-05", "", "2023-0a"}) {
    EXPECT_FALSE(ParsePeriod(bad, &p)) << bad;
  }
}

TEST(PeriodTest, FormatsAndCrossesYearEnds) {
  EXPECT_EQ(FormatPeriod(absl::CivilMonth(2023, 12) + 1), "2024-01");
  EXPECT_EQ(FormatPeriod(absl::CivilMonth(2024, 1) - 12), "2023-01");
}

}  // namespace
}  // namespace gaoxin::enterprise
