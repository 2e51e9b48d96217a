#include "services/petition/domain/deadlines.h"

#include "common/date.h"
#include "common/errors.h"
#include "gtest/gtest.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::CaseThrough;
using testing::D;
using testing::Today;

std::string Due(const v1::Case& c, const DeadlinePolicy& policy = DeadlinePolicy()) {
  std::optional<absl::CivilDay> due = DueDate(c, policy);
  return due ? FormatDate(FromCivilDay(*due)) : "none";
}

ExtensionRequest Ext(int days, absl::CivilDay date, std::string reason = "案情复杂") {
  return ExtensionRequest{days, std::move(reason), date, "wang.wu"};
}

TEST(DeadlinesTest, AcceptanceDueAcrossTheYearEnd) {
  v1::Case c = CaseThrough({}, D(2023, 12, 20));
  EXPECT_EQ(Due(c), "2024-01-04");
  EXPECT_EQ(FormatDate(c.due_date()), "2024-01-04");            // the derived field agrees
  EXPECT_FALSE(IsOverdue(c, DeadlinePolicy(), D(2024, 1, 4)));  // the due day itself is in time
  EXPECT_TRUE(IsOverdue(c, DeadlinePolicy(), D(2024, 1, 5)));
}

TEST(DeadlinesTest, AcceptanceDueAcrossLeapFebruary) {
  EXPECT_EQ(Due(CaseThrough({}, D(2024, 2, 20))), "2024-03-06");
  EXPECT_EQ(Due(CaseThrough({}, D(2023, 2, 20))), "2023-03-07");
}

TEST(DeadlinesTest, HandlingDue60DaysFromAcceptance) {
  // Accepted 2023-11-15 → 2024-01-14 (crosses month and year ends).
  v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)}}, D(2023, 11, 10));
  EXPECT_EQ(Due(c), "2024-01-14");
  // The limit runs on through ASSIGNED and IN_PROGRESS unchanged.
  c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)},
                   {v1::CASE_STATUS_ASSIGNED, D(2023, 11, 20)},
                   {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 1)}},
                  D(2023, 11, 10));
  EXPECT_EQ(Due(c), "2024-01-14");
  EXPECT_FALSE(IsOverdue(c, DeadlinePolicy(), D(2024, 1, 14)));
  EXPECT_TRUE(IsOverdue(c, DeadlinePolicy(), D(2024, 1, 15)));
}

TEST(DeadlinesTest, NothingDueOnceAnswered) {
  v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)},
                            {v1::CASE_STATUS_ASSIGNED, D(2023, 11, 20)},
                            {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 1)},
                            {v1::CASE_STATUS_RESOLVED, D(2024, 3, 1)}},
                           D(2023, 11, 10));
  EXPECT_EQ(Due(c), "none");
  EXPECT_FALSE(IsOverdue(c, DeadlinePolicy(), D(2030, 1, 1)));
  EXPECT_FALSE(c.has_due_date());
  // The petitioner's review window is shown instead: answer + 30.
  EXPECT_EQ(FormatDate(c.review().request_deadline()), "2024-03-31");
}

TEST(DeadlinesTest, NotAcceptedHasNoDueDate) {
  EXPECT_EQ(Due(CaseThrough({{v1::CASE_STATUS_NOT_ACCEPTED, D(2023, 12, 21)}})), "none");
}

TEST(DeadlinesTest, ReviewAndRecheckDecidedWithin30Days) {
  v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 1)},
                            {v1::CASE_STATUS_ASSIGNED, D(2023, 12, 1)},
                            {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 1)},
                            {v1::CASE_STATUS_RESOLVED, D(2023, 12, 10)},
                            {v1::CASE_STATUS_REVIEW_REQUESTED, D(2023, 12, 15)}},
                           D(2023, 11, 30));
  EXPECT_EQ(Due(c), "2024-01-14");
  EXPECT_EQ(c.review().stage(), v1::REVIEW_STAGE_REVIEW);
  EXPECT_FALSE(c.review().has_request_deadline());  // under review: nothing to request
  c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 1)},
                   {v1::CASE_STATUS_ASSIGNED, D(2023, 12, 1)},
                   {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 1)},
                   {v1::CASE_STATUS_RESOLVED, D(2023, 12, 10)},
                   {v1::CASE_STATUS_REVIEW_REQUESTED, D(2023, 12, 15)},
                   {v1::CASE_STATUS_REVIEWED, D(2024, 1, 10)},
                   {v1::CASE_STATUS_RECHECK_REQUESTED, D(2024, 2, 1)}},
                  D(2023, 11, 30));
  EXPECT_EQ(Due(c), "2024-03-02");  // 2024 is a leap year
  EXPECT_EQ(c.review().stage(), v1::REVIEW_STAGE_RECHECK);
  EXPECT_EQ(FormatDate(c.review().review_decided_date()), "2024-01-10");
}

TEST(DeadlinesTest, PolicyIsConfigurable) {
  DeadlinePolicy strict;
  strict.accept_days = 7;
  EXPECT_EQ(Due(CaseThrough({}, D(2023, 12, 28)), strict), "2024-01-04");
}

TEST(DeadlinesTest, ExtensionAddsDaysOnce) {
  const v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)}}, D(2023, 11, 10));
  absl::StatusOr<v1::Case> extended =
      ExtendDeadline(c, Ext(30, D(2024, 1, 10)), DeadlinePolicy(), Today());
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(Due(*extended), "2024-02-13");
  EXPECT_EQ(FormatDate(extended->due_date()), "2024-02-13");
  EXPECT_EQ(extended->extension().days(), 30);
  EXPECT_EQ(extended->extension().reason(), "案情复杂");
  EXPECT_EQ(extended->extension().actor(), "wang.wu");

  absl::StatusOr<v1::Case> again =
      ExtendDeadline(*extended, Ext(1, D(2024, 1, 11)), DeadlinePolicy(), Today());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(again.status()), "EXTENSION_ALREADY_USED");
}

TEST(DeadlinesTest, ExtensionAtMost30DaysWithAReason) {
  const v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)}}, D(2023, 11, 10));
  for (int days : {0, -1, 31}) {
    absl::StatusOr<v1::Case> r =
        ExtendDeadline(c, Ext(days, D(2024, 1, 1)), DeadlinePolicy(), Today());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << days;
    ASSERT_FALSE(FieldViolationsOf(r.status()).empty());
    EXPECT_EQ(FieldViolationsOf(r.status())[0].first, "days");
  }
  absl::StatusOr<v1::Case> no_reason =
      ExtendDeadline(c, Ext(10, D(2024, 1, 1), ""), DeadlinePolicy(), Today());
  ASSERT_EQ(FieldViolationsOf(no_reason.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(no_reason.status())[0].first, "reason");
  DeadlinePolicy longer;
  longer.max_extension_days = 45;
  EXPECT_TRUE(ExtendDeadline(c, Ext(45, D(2024, 1, 1)), longer, Today()).ok());
}

TEST(DeadlinesTest, ExtensionOnlyWhileHandlingAndBeforeTheLimit) {
  const v1::Case received = CaseThrough({}, D(2023, 11, 10));
  EXPECT_EQ(
      ErrorReason(
          ExtendDeadline(received, Ext(10, D(2023, 11, 11)), DeadlinePolicy(), Today()).status()),
      "NOT_IN_HANDLING");
  const v1::Case accepted =
      CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)}}, D(2023, 11, 10));
  EXPECT_TRUE(ExtendDeadline(accepted, Ext(10, D(2024, 1, 14)), DeadlinePolicy(), Today()).ok());
  EXPECT_EQ(
      ErrorReason(
          ExtendDeadline(accepted, Ext(10, D(2024, 1, 15)), DeadlinePolicy(), Today()).status()),
      "DEADLINE_PASSED");
  EXPECT_EQ(
      ErrorReason(
          ExtendDeadline(accepted, Ext(10, D(2023, 11, 14)), DeadlinePolicy(), Today()).status()),
      "DATE_BEFORE_PREVIOUS");
}

TEST(DeadlinesTest, ReopenRestartsTheHandlingLimitAndDropsTheOldExtension) {
  v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 11, 15)}}, D(2023, 11, 10));
  absl::StatusOr<v1::Case> ext =
      ExtendDeadline(c, Ext(30, D(2023, 12, 1)), DeadlinePolicy(), Today());
  ASSERT_TRUE(ext.ok());
  c = *ext;
  for (auto [to, day] : std::vector<std::pair<v1::CaseStatus, absl::CivilDay>>{
           {v1::CASE_STATUS_ASSIGNED, D(2023, 12, 2)},
           {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 3)},
           {v1::CASE_STATUS_RESOLVED, D(2023, 12, 20)},
           {v1::CASE_STATUS_IN_PROGRESS, D(2024, 1, 5)}}) {
    absl::StatusOr<v1::Case> next =
        Transition(c, Move{to, day, "t", "", "复查发现未化解"}, DeadlinePolicy(), Today());
    ASSERT_TRUE(next.ok()) << next.status();
    c = *next;
  }
  EXPECT_EQ(Due(c), "2024-03-05");  // 2024-01-05 + 60, no extension
  EXPECT_EQ(
      ErrorReason(ExtendDeadline(c, Ext(5, D(2024, 1, 6)), DeadlinePolicy(), Today()).status()),
      "EXTENSION_ALREADY_USED");
}

TEST(DeadlinesTest, DerivedOverdueFlagFollowsToday) {
  v1::Case c = CaseThrough({}, D(2023, 12, 20));
  EXPECT_TRUE(c.overdue());  // Today() is 2030
  absl::StatusOr<v1::Case> r =
      Transition(c, Move{v1::CASE_STATUS_ACCEPTED, D(2024, 1, 2), "t", "", ""}, DeadlinePolicy(),
                 D(2024, 1, 3));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->overdue());
  EXPECT_EQ(FormatDate(r->due_date()), "2024-03-02");
}

}  // namespace
}  // namespace gaoxin::petition
