#include "common/validation.h"

#include "absl/time/clock.h"
#include "common/ids.h"
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
  CheckRequestId(std::string(101, 'r'), &v);
  CheckRequestId(std::string(36, 'r'), &v);
  ASSERT_EQ(v.violations().size(), 3u);
  EXPECT_EQ(v.violations()[0].first, "agent.name");
  EXPECT_EQ(v.violations()[1].first, "agent.phone");
  EXPECT_EQ(v.violations()[2].first, "request_id");
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
