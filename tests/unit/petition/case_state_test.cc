#include "services/petition/domain/case_state.h"

#include <map>
#include <set>

#include "common/date.h"
#include "common/errors.h"
#include "gtest/gtest.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::CaseThrough;
using testing::D;
using testing::Today;

// A case brought to `status` along the main path (received 2023-12-20), with its last move's day.
v1::Case CaseAt(v1::CaseStatus status) {
  using P = std::vector<std::pair<v1::CaseStatus, absl::CivilDay>>;
  const P handled = {{v1::CASE_STATUS_ACCEPTED, D(2023, 12, 28)},
                     {v1::CASE_STATUS_ASSIGNED, D(2023, 12, 29)},
                     {v1::CASE_STATUS_IN_PROGRESS, D(2023, 12, 30)},
                     {v1::CASE_STATUS_RESOLVED, D(2024, 1, 20)}};
  auto plus = [](P p, const P& more) {
    p.insert(p.end(), more.begin(), more.end());
    return p;
  };
  const P reviewed = plus(handled, {{v1::CASE_STATUS_REVIEW_REQUESTED, D(2024, 1, 30)},
                                    {v1::CASE_STATUS_REVIEWED, D(2024, 2, 15)}});
  const std::map<v1::CaseStatus, P> paths = {
      {v1::CASE_STATUS_RECEIVED, {}},
      {v1::CASE_STATUS_ACCEPTED, P(handled.begin(), handled.begin() + 1)},
      {v1::CASE_STATUS_NOT_ACCEPTED, {{v1::CASE_STATUS_NOT_ACCEPTED, D(2023, 12, 28)}}},
      {v1::CASE_STATUS_ASSIGNED, P(handled.begin(), handled.begin() + 2)},
      {v1::CASE_STATUS_IN_PROGRESS, P(handled.begin(), handled.begin() + 3)},
      {v1::CASE_STATUS_RESOLVED, handled},
      {v1::CASE_STATUS_REPORTED, plus(handled, {{v1::CASE_STATUS_REPORTED, D(2024, 1, 22)}})},
      {v1::CASE_STATUS_CLOSED, plus(handled, {{v1::CASE_STATUS_REPORTED, D(2024, 1, 22)},
                                              {v1::CASE_STATUS_CLOSED, D(2024, 1, 25)}})},
      {v1::CASE_STATUS_REVIEW_REQUESTED, P(reviewed.begin(), reviewed.end() - 1)},
      {v1::CASE_STATUS_REVIEWED, reviewed},
      {v1::CASE_STATUS_RECHECK_REQUESTED,
       plus(reviewed, {{v1::CASE_STATUS_RECHECK_REQUESTED, D(2024, 2, 20)}})},
      {v1::CASE_STATUS_RECHECKED,
       plus(reviewed, {{v1::CASE_STATUS_RECHECK_REQUESTED, D(2024, 2, 20)},
                       {v1::CASE_STATUS_RECHECKED, D(2024, 3, 10)}})},
  };
  v1::Case c = CaseThrough(paths.at(status));
  EXPECT_EQ(c.status(), status);
  return c;
}

std::vector<v1::CaseStatus> AllStatuses() {
  std::vector<v1::CaseStatus> out;
  for (int i = v1::CASE_STATUS_RECEIVED; i <= v1::CaseStatus_MAX; ++i) {
    out.push_back(static_cast<v1::CaseStatus>(i));
  }
  return out;
}

absl::StatusOr<v1::Case> MoveTo(const v1::Case& c, v1::CaseStatus to, absl::CivilDay day,
                                const std::string& reason = "a reason") {
  return Transition(c, Move{to, day, "li.si", "note", reason}, DeadlinePolicy(), Today());
}

absl::CivilDay LastDay(const v1::Case& c) {
  return ToCivilDay(c.history(c.history_size() - 1).date());
}

TEST(CaseStateTest, TableHasTheDocumentedMoves) {
  EXPECT_EQ(AllowedMoves(v1::CASE_STATUS_RECEIVED),
            (std::vector<v1::CaseStatus>{v1::CASE_STATUS_ACCEPTED, v1::CASE_STATUS_NOT_ACCEPTED}));
  EXPECT_EQ(AllowedMoves(v1::CASE_STATUS_RECHECKED),
            (std::vector<v1::CaseStatus>{v1::CASE_STATUS_REPORTED, v1::CASE_STATUS_CLOSED}));
  int edges = 0;
  for (v1::CaseStatus from : AllStatuses()) edges += AllowedMoves(from).size();
  EXPECT_EQ(edges, 24);
  EXPECT_TRUE(AllowedMoves(v1::CASE_STATUS_UNSPECIFIED).empty());
}

// Every pair of statuses: the table's moves succeed (except the two history rules on 复核), every
// other move fails with the rule that forbids it.
TEST(CaseStateTest, EveryPairOfStatuses) {
  int legal = 0;
  for (v1::CaseStatus from : AllStatuses()) {
    const v1::Case c = CaseAt(from);
    for (v1::CaseStatus to : AllStatuses()) {
      SCOPED_TRACE(v1::CaseStatus_Name(from) + " -> " + v1::CaseStatus_Name(to));
      absl::StatusOr<v1::Case> r = MoveTo(c, to, LastDay(c));
      if (from == v1::CASE_STATUS_RECHECKED &&
          (to == v1::CASE_STATUS_IN_PROGRESS || to == v1::CASE_STATUS_REVIEW_REQUESTED ||
           to == v1::CASE_STATUS_RECHECK_REQUESTED)) {
        EXPECT_EQ(ErrorReason(r.status()), "FINAL_AFTER_RECHECK");
      } else if (!IsAllowedMove(from, to)) {
        EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_EQ(ErrorReason(r.status()), "ILLEGAL_TRANSITION");
      } else if (to == v1::CASE_STATUS_RECHECK_REQUESTED && from != v1::CASE_STATUS_REVIEWED) {
        EXPECT_EQ(ErrorReason(r.status()), "RECHECK_BEFORE_REVIEW");
      } else {
        ASSERT_TRUE(r.ok()) << r.status();
        EXPECT_EQ(r->status(), to);
        ++legal;
      }
    }
  }
  EXPECT_EQ(legal, 22);  // 24 edges less REPORTED/CLOSED → RECHECK_REQUESTED without a 复查
}

TEST(CaseStateTest, MoveIsRecordedWithActorDateNoteAndReason) {
  const v1::Case c = CaseAt(v1::CASE_STATUS_RECEIVED);
  absl::StatusOr<v1::Case> r = Transition(
      c, Move{v1::CASE_STATUS_NOT_ACCEPTED, D(2023, 12, 30), "li.si", "已告知", "不属于本机关职权"},
      DeadlinePolicy(), Today());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->history_size(), c.history_size() + 1);
  const v1::CaseEvent& e = r->history(r->history_size() - 1);
  EXPECT_EQ(e.from_status(), v1::CASE_STATUS_RECEIVED);
  EXPECT_EQ(e.to_status(), v1::CASE_STATUS_NOT_ACCEPTED);
  EXPECT_EQ(FormatDate(e.date()), "2023-12-30");
  EXPECT_EQ(e.actor(), "li.si");
  EXPECT_EQ(e.note(), "已告知");
  EXPECT_EQ(e.reason(), "不属于本机关职权");
  EXPECT_EQ(c.status(), v1::CASE_STATUS_RECEIVED);  // the input is untouched
}

TEST(CaseStateTest, NotAcceptedNeedsAReason) {
  absl::StatusOr<v1::Case> r =
      MoveTo(CaseAt(v1::CASE_STATUS_RECEIVED), v1::CASE_STATUS_NOT_ACCEPTED, D(2023, 12, 21), "");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(r.status()), "REASON_REQUIRED");
}

TEST(CaseStateTest, ReopenNeedsAReason) {
  for (v1::CaseStatus from : {v1::CASE_STATUS_RESOLVED, v1::CASE_STATUS_REPORTED,
                              v1::CASE_STATUS_CLOSED, v1::CASE_STATUS_REVIEWED}) {
    const v1::Case c = CaseAt(from);
    EXPECT_EQ(ErrorReason(MoveTo(c, v1::CASE_STATUS_IN_PROGRESS, LastDay(c), "").status()),
              "REASON_REQUIRED");
    EXPECT_TRUE(MoveTo(c, v1::CASE_STATUS_IN_PROGRESS, LastDay(c), "化解不到位").ok());
  }
}

TEST(CaseStateTest, ForwardMovesNeedNoReason) {
  EXPECT_TRUE(
      MoveTo(CaseAt(v1::CASE_STATUS_RECEIVED), v1::CASE_STATUS_ACCEPTED, D(2023, 12, 21), "").ok());
}

TEST(CaseStateTest, AssignNeedsADepartment) {
  v1::Case c = CaseAt(v1::CASE_STATUS_ACCEPTED);
  c.clear_department();
  EXPECT_EQ(ErrorReason(MoveTo(c, v1::CASE_STATUS_ASSIGNED, D(2024, 1, 2)).status()),
            "DEPARTMENT_REQUIRED");
}

TEST(CaseStateTest, DateBeforePreviousMoveIsRefused) {
  const v1::Case c = CaseAt(v1::CASE_STATUS_ACCEPTED);  // accepted 2023-12-28
  absl::StatusOr<v1::Case> r = MoveTo(c, v1::CASE_STATUS_ASSIGNED, D(2023, 12, 27));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(r.status()), "DATE_BEFORE_PREVIOUS");
  EXPECT_TRUE(MoveTo(c, v1::CASE_STATUS_ASSIGNED, D(2023, 12, 28)).ok());  // same day is fine
}

TEST(CaseStateTest, DateBeforeReceiptIsRefused) {
  EXPECT_EQ(ErrorReason(
                MoveTo(CaseAt(v1::CASE_STATUS_RECEIVED), v1::CASE_STATUS_ACCEPTED, D(2023, 12, 19))
                    .status()),
            "DATE_BEFORE_PREVIOUS");
}

TEST(CaseStateTest, FutureDateAndMissingActorAreInvalidArguments) {
  const v1::Case c = CaseAt(v1::CASE_STATUS_RECEIVED);
  absl::StatusOr<v1::Case> r =
      Transition(c, Move{v1::CASE_STATUS_ACCEPTED, D(2024, 1, 2), "", "", ""}, DeadlinePolicy(),
                 D(2024, 1, 1));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  auto fields = FieldViolationsOf(r.status());
  std::set<std::string> names;
  for (const auto& f : fields) names.insert(f.first);
  EXPECT_EQ(names, (std::set<std::string>{"actor", "date"}));
}

TEST(CaseStateTest, ReviewMustBeRequestedWithin30DaysOfTheAnswer) {
  const v1::Case c = CaseAt(v1::CASE_STATUS_REPORTED);  // answered (RESOLVED) 2024-01-20
  EXPECT_TRUE(MoveTo(c, v1::CASE_STATUS_REVIEW_REQUESTED, D(2024, 2, 19)).ok());
  absl::StatusOr<v1::Case> late = MoveTo(c, v1::CASE_STATUS_REVIEW_REQUESTED, D(2024, 2, 20));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReason(late.status()), "REVIEW_WINDOW_CLOSED");
}

TEST(CaseStateTest, RecheckMustBeRequestedWithin30DaysOfTheReview) {
  const v1::Case c = CaseAt(v1::CASE_STATUS_REVIEWED);  // 复查 decided 2024-02-15 (leap year)
  EXPECT_TRUE(MoveTo(c, v1::CASE_STATUS_RECHECK_REQUESTED, D(2024, 3, 16)).ok());
  EXPECT_EQ(ErrorReason(MoveTo(c, v1::CASE_STATUS_RECHECK_REQUESTED, D(2024, 3, 17)).status()),
            "REVIEW_WINDOW_CLOSED");
  // Also from REPORTED after the review: the window still runs from the 复查 decision.
  absl::StatusOr<v1::Case> reported = MoveTo(c, v1::CASE_STATUS_REPORTED, D(2024, 2, 20));
  ASSERT_TRUE(reported.ok());
  EXPECT_TRUE(MoveTo(*reported, v1::CASE_STATUS_RECHECK_REQUESTED, D(2024, 3, 1)).ok());
}

TEST(CaseStateTest, ReviewOnlyOnceThenRecheck) {
  absl::StatusOr<v1::Case> reported =
      MoveTo(CaseAt(v1::CASE_STATUS_REVIEWED), v1::CASE_STATUS_REPORTED, D(2024, 2, 16));
  ASSERT_TRUE(reported.ok());
  EXPECT_EQ(
      ErrorReason(MoveTo(*reported, v1::CASE_STATUS_REVIEW_REQUESTED, D(2024, 2, 17)).status()),
      "REVIEW_ALREADY_REQUESTED");
}

TEST(CaseStateTest, RecheckIsFinalEvenAfterClosing) {
  absl::StatusOr<v1::Case> closed =
      MoveTo(CaseAt(v1::CASE_STATUS_RECHECKED), v1::CASE_STATUS_CLOSED, D(2024, 3, 11));
  ASSERT_TRUE(closed.ok());
  for (v1::CaseStatus to : {v1::CASE_STATUS_IN_PROGRESS, v1::CASE_STATUS_REVIEW_REQUESTED,
                            v1::CASE_STATUS_RECHECK_REQUESTED}) {
    EXPECT_EQ(ErrorReason(MoveTo(*closed, to, D(2024, 3, 12)).status()), "FINAL_AFTER_RECHECK");
  }
  EXPECT_TRUE(closed->review().final());
}

TEST(CaseStateTest, NotAcceptedCaseIsNotReopenedOrReviewed) {
  absl::StatusOr<v1::Case> closed =
      MoveTo(CaseAt(v1::CASE_STATUS_NOT_ACCEPTED), v1::CASE_STATUS_CLOSED, D(2023, 12, 29));
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(ErrorReason(MoveTo(*closed, v1::CASE_STATUS_IN_PROGRESS, D(2024, 1, 2)).status()),
            "ILLEGAL_TRANSITION");
  EXPECT_EQ(ErrorReason(MoveTo(*closed, v1::CASE_STATUS_REVIEW_REQUESTED, D(2024, 1, 2)).status()),
            "ILLEGAL_TRANSITION");
}

TEST(CaseStateTest, IllegalMessageNamesBothStatuses) {
  absl::StatusOr<v1::Case> r =
      MoveTo(CaseAt(v1::CASE_STATUS_RECEIVED), v1::CASE_STATUS_RESOLVED, D(2023, 12, 21));
  EXPECT_NE(r.status().message().find("RECEIVED"), std::string::npos);
  EXPECT_NE(r.status().message().find("RESOLVED"), std::string::npos);
}

TEST(CaseStateTest, ResolvedAndReportedSemantics) {
  EXPECT_FALSE(IsResolvedAndReported(CaseAt(v1::CASE_STATUS_RESOLVED)));
  EXPECT_TRUE(IsResolvedAndReported(CaseAt(v1::CASE_STATUS_REPORTED)));
  EXPECT_TRUE(IsResolvedAndReported(CaseAt(v1::CASE_STATUS_CLOSED)));  // closed after REPORTED
  EXPECT_TRUE(CaseAt(v1::CASE_STATUS_CLOSED).resolved_and_reported());
  // Reopened: no longer counts until reported again.
  absl::StatusOr<v1::Case> reopened =
      MoveTo(CaseAt(v1::CASE_STATUS_CLOSED), v1::CASE_STATUS_IN_PROGRESS, D(2024, 2, 1));
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(IsResolvedAndReported(*reopened));
  EXPECT_TRUE(IsOpen(*reopened));
  // Under review: not counted.
  EXPECT_FALSE(IsResolvedAndReported(CaseAt(v1::CASE_STATUS_REVIEW_REQUESTED)));
  // Closed straight after 复核 without reporting: closed, not counted, not open.
  absl::StatusOr<v1::Case> closed =
      MoveTo(CaseAt(v1::CASE_STATUS_RECHECKED), v1::CASE_STATUS_CLOSED, D(2024, 3, 11));
  ASSERT_TRUE(closed.ok());
  EXPECT_FALSE(IsResolvedAndReported(*closed));
  EXPECT_FALSE(IsOpen(*closed));
  // Not accepted: neither.
  EXPECT_FALSE(IsOpen(CaseAt(v1::CASE_STATUS_NOT_ACCEPTED)));
  EXPECT_FALSE(IsResolvedAndReported(CaseAt(v1::CASE_STATUS_NOT_ACCEPTED)));
}

}  // namespace
}  // namespace gaoxin::petition
