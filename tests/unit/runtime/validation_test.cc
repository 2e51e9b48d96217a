#include "common/validation.h"

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
