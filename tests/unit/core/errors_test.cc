#include "common/errors.h"

#include "common/text.h"
#include "gtest/gtest.h"

namespace gaoxin {
namespace {

TEST(ErrorsTest, FieldViolationsNameEveryField) {
  FieldViolations v;
  v.Add("lead.name", "must not be empty");
  v.Add("lead.planned_investment", "must not be negative");
  absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("lead.name"), absl::string_view::npos);
  EXPECT_NE(s.message().find("lead.planned_investment"), absl::string_view::npos);
  EXPECT_EQ(ErrorReason(s), "INVALID_FIELD");
  auto fields = FieldViolationsOf(s);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].first, "lead.planned_investment");
}

TEST(ErrorsTest, MergeNamesFieldsUnderThePrefixOrAsTheyAre) {
  FieldViolations inner;
  inner.Add("date", "is not a calendar date");
  FieldViolations v;
  v.Merge("case", inner);
  v.Merge("", inner);
  ASSERT_EQ(v.violations().size(), 2u);
  EXPECT_EQ(v.violations()[0].first, "case.date");
  EXPECT_EQ(v.violations()[1].first, "date");
}

// Found by tests/fuzz/import_row_fuzzer: a report period of invalid UTF-8 was quoted into the
// description, and the client could not parse the BadRequest detail that carried it.
TEST(ErrorsTest, DescriptionsQuotingInvalidUtf8StayUtf8) {
  FieldViolations v;
  v.Add("report.period", "must be YYYY-MM, got '20\x83\x83'");
  v.Add("report.period", "got '20\x83\xE4\xB8'");
  for (const auto& [field, description] : v.violations()) {
    EXPECT_TRUE(IsValidUtf8(description)) << description;
  }
  EXPECT_EQ(v.violations()[1].second, "got '20\\x83\\xE4\\xB8'");
  EXPECT_EQ(ValidUtf8("阜新 ok"), "阜新 ok");
}

TEST(ErrorsTest, EmptyViolationsAreOk) { EXPECT_TRUE(FieldViolations().ToStatus().ok()); }

TEST(ErrorsTest, ReasonsSurvive) {
  absl::Status s = FailedPrecondition("STAGE_SKIPPED", "cannot skip");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(s), "STAGE_SKIPPED");
}

}  // namespace
}  // namespace gaoxin
