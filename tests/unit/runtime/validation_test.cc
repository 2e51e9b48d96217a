#include "common/validation.h"

#include "absl/time/clock.h"
#include "common/ids.h"
#include "common/text.h"
#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(ValidationTest, IdsNameTheField) {
  EXPECT_TRUE(CheckId(NewId("lead"), "lead", "id").ok());
  absl::Status missing = CheckId("", "lead", "id");
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(missing)[0].first, "id");
  EXPECT_FALSE(CheckId(NewId("agent"), "lead", "lead_id").ok());
  EXPECT_TRUE(CheckOptionalId("", "lead", "lead_id").ok());
  FieldViolations v;
  CheckOptionalId("x", "lead", "ticket.lead_id", &v);
  ASSERT_EQ(v.violations().size(), 1u);
  EXPECT_EQ(v.violations()[0].first, "ticket.lead_id");
}

TEST(ValidationTest, YearsTextAndRequestIds) {
  EXPECT_TRUE(CheckYear(2023, "year").ok());
  EXPECT_FALSE(CheckYear(0, "year").ok());
  EXPECT_TRUE(CheckYear(0, "year", /*required=*/false).ok());
  EXPECT_FALSE(CheckYear(1899, "year").ok());
  FieldViolations v;
  CheckText("", "agent.name", 10, true, &v);
  CheckText(std::string(11, 'x'), "agent.phone", 10, false, &v);
  CheckText("", "agent.note", 10, false, &v);
  ASSERT_EQ(v.violations().size(), 2u);
  EXPECT_EQ(v.violations()[0].first, "agent.name");
  EXPECT_EQ(v.violations()[1].first, "agent.phone");
}

TEST(TextTest, TextProblemsAreFoundAndNamed) {
  EXPECT_FALSE(TextProblem("阜新高新区", false).has_value());
  EXPECT_FALSE(TextProblem("", false).has_value());
  EXPECT_TRUE(TextProblem("bad\xc3\x28", false).has_value());
  EXPECT_TRUE(TextProblem("\xed\xa0\x80", false).has_value());  // a surrogate
  EXPECT_TRUE(TextProblem("\xc0\xaf", false).has_value());      // overlong '/'
  EXPECT_TRUE(TextProblem(std::string("a\0b", 3), true).has_value());
  EXPECT_TRUE(TextProblem("a\x1b[2J", true).has_value());
  EXPECT_TRUE(TextProblem("a\xc2\x85", false).has_value());  // C1 NEL
  EXPECT_TRUE(TextProblem("line\nbreak", false).has_value());
  EXPECT_FALSE(TextProblem("line\r\nbreak\t", true).has_value());
  EXPECT_TRUE(TextProblem(" \t\u3000 ", true).has_value());  // only white space
}

TEST(TextTest, ExcerptsAreBoundedAndPrintable) {
  const std::string huge(1 << 20, 'f');
  EXPECT_LT(Excerpt(huge).size(), 100u);
  EXPECT_NE(Excerpt(huge).find("1048576 bytes"), std::string::npos);
  EXPECT_EQ(Excerpt("a\nb"), "'a\\u000Ab'");
  EXPECT_EQ(Excerpt("\xff"), "'\\xFF'");
  EXPECT_EQ(Excerpt("张三"), "'张三'");
  EXPECT_TRUE(IsPrintableAscii("6f1c1f7e-3d7a"));
  EXPECT_FALSE(IsPrintableAscii("请求-1"));
}

}  // namespace
}  // namespace gaoxin

namespace gaoxin {
namespace {

TEST(IdsTest, NewIdsSortInCreationOrderAndValidate) {
  std::string previous = NewId("lead");
  EXPECT_TRUE(IsValidId(previous, "lead"));
  EXPECT_EQ(previous.size(), std::string("lead-").size() + 24);
  for (int i = 0; i < 50; ++i) {
    absl::SleepFor(absl::Milliseconds(1));
    std::string next = NewId("lead");
    EXPECT_LT(previous, next);
    previous = next;
  }
  EXPECT_TRUE(IsValidId("lead-0000000000000001", "lead"));  // the earlier form
  EXPECT_FALSE(IsValidId("lead-XYZ", "lead"));
  EXPECT_FALSE(IsValidId("agent-018c1f3e2a7b9f04c2d17e5a", "lead"));
  EXPECT_FALSE(IsValidId("lead-018c1f3e2a7b9f04c2d17e5", "lead"));
}

}  // namespace
}  // namespace gaoxin
