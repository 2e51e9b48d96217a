#include "services/petition/domain/repeat_detection.h"

#include "common/errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::CaseThrough;
using testing::D;
using ::testing::ElementsAre;

PriorCase Prior(std::string id, std::string hash, std::string category,
                bool recheck_decided = false) {
  return PriorCase{std::move(id), std::move(hash), std::move(category), v1::CASE_STATUS_CLOSED,
                   recheck_decided};
}

TEST(RepeatDetectionTest, SamePetitionerSameCategoryIsARepeatOfEveryEarlierCase) {
  absl::StatusOr<RepeatResult> r =
      DetectRepeat("h1", "回迁房办证",
                   {Prior("c1", "h1", "回迁房办证"), Prior("c2", "h1", "劳动争议"),
                    Prior("c3", "h2", "回迁房办证"), Prior("c4", "h1", " 回迁房办证 ")});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->is_repeat);
  EXPECT_THAT(r->repeat_of_case_ids, ElementsAre("c1", "c4"));
}

TEST(RepeatDetectionTest, OtherCategoryOrPetitionerIsNew) {
  absl::StatusOr<RepeatResult> r = DetectRepeat(
      "h1", "网点抵押", {Prior("c1", "h1", "回迁房办证"), Prior("c3", "h2", "网点抵押")});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->is_repeat);
  EXPECT_TRUE(r->repeat_of_case_ids.empty());
}

TEST(RepeatDetectionTest, NoIdNumberNoRepeat) {
  absl::StatusOr<RepeatResult> r = DetectRepeat("", "回迁房办证", {Prior("c1", "", "回迁房办证")});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->is_repeat);
}

TEST(RepeatDetectionTest, MatterClosedAfterRecheckIsRefused) {
  absl::StatusOr<RepeatResult> r = DetectRepeat(
      "h1", "回迁房办证", {Prior("c1", "h1", "回迁房办证"), Prior("c2", "h1", "回迁房办证", true)});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(r.status()), "MATTER_CLOSED_AFTER_RECHECK");
  EXPECT_NE(r.status().message().find("c2"), std::string::npos);
  // A 复核 on another category does not block this one.
  EXPECT_TRUE(DetectRepeat("h1", "网点抵押", {Prior("c2", "h1", "回迁房办证", true)}).ok());
}

TEST(RepeatDetectionTest, ToPriorCaseReadsTheHistory) {
  v1::Case c = CaseThrough({{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 21)},
                            {v1::CASE_STATUS_ASSIGNED, D(2023, 12, 21)},
                            {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 21)},
                            {v1::CASE_STATUS_RESOLVED, D(2023, 12, 22)},
                            {v1::CASE_STATUS_REVIEW_REQUESTED, D(2023, 12, 23)},
                            {v1::CASE_STATUS_REVIEWED, D(2023, 12, 24)},
                            {v1::CASE_STATUS_RECHECK_REQUESTED, D(2023, 12, 25)},
                            {v1::CASE_STATUS_RECHECKED, D(2023, 12, 26)}});
  c.set_id("c9");
  PriorCase p = ToPriorCase(c, "h9");
  EXPECT_TRUE(p.recheck_decided);
  EXPECT_EQ(p.category, "回迁房办证");
  EXPECT_EQ(ErrorReason(DetectRepeat("h9", "回迁房办证", {p}).status()),
            "MATTER_CLOSED_AFTER_RECHECK");
}

}  // namespace
}  // namespace gaoxin::petition
