#include "services/petition/domain/ledger_stats.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "gtest/gtest.h"
#include "tests/unit/petition/test_cases.h"

namespace gaoxin::petition {
namespace {

using testing::CaseThrough;
using testing::D;

using Path = std::vector<std::pair<v1::CaseStatus, absl::CivilDay>>;

const Path kReported = {{v1::CASE_STATUS_ACCEPTED, D(2023, 3, 5)},
                        {v1::CASE_STATUS_ASSIGNED, D(2023, 3, 6)},
                        {v1::CASE_STATUS_IN_PROGRESS, D(2023, 3, 7)},
                        {v1::CASE_STATUS_RESOLVED, D(2023, 4, 20)},
                        {v1::CASE_STATUS_REPORTED, D(2023, 4, 25)}};

v1::Case OnLedger(v1::Case c, const std::string& ledger, const std::string& category,
                  const std::string& department) {
  c.add_ledger_ids(ledger);
  c.set_category(category);
  c.set_department(department);
  return c;
}

v1::Ledger Ledger(const std::string& id) {
  v1::Ledger l;
  l.set_id(id);
  l.set_name(id);
  return l;
}

TEST(LedgerStatsTest, WanJianHuaFang2023Is26Of27) {
  std::vector<v1::Case> cases;
  for (int i = 0; i < 26; ++i) {
    Path path = kReported;
    // Some are closed after reporting: they still count as resolved and reported.
    if (i % 3 == 0) path.push_back({v1::CASE_STATUS_CLOSED, D(2023, 6, 1)});
    cases.push_back(OnLedger(CaseThrough(path, D(2023, 3, 1)), "wj",
                             i % 2 ? "劳动争议" : "楼盘交楼", "规划建设局"));
  }
  // The one left: a resolution plan, in progress, past its limit.
  v1::Case open =
      OnLedger(CaseThrough(Path(kReported.begin(), kReported.begin() + 3), D(2023, 3, 1)), "wj",
               "回迁房办证", "自然资源分局");
  open.set_resolution_plan("领导包案，协调市直部门分批办证");
  cases.push_back(open);
  // A case on another ledger is ignored.
  cases.push_back(OnLedger(CaseThrough({}, D(2023, 3, 1)), "other", "其他", "规划建设局"));

  v1::LedgerStats s = ComputeLedgerStats(Ledger("wj"), cases, DeadlinePolicy(), D(2024, 1, 1));
  EXPECT_EQ(s.totals().total(), 27);
  EXPECT_EQ(s.totals().resolved_and_reported(), 26);
  EXPECT_EQ(s.totals().resolution_rate().numerator(), "26");
  EXPECT_EQ(s.totals().resolution_rate().denominator(), "27");
  EXPECT_EQ(s.totals().resolution_rate().display_percent(), "96.30");
  EXPECT_EQ(s.totals().open(), 1);
  EXPECT_EQ(s.totals().overdue(), 1);  // accepted 2023-03-05, due 2023-05-04
  EXPECT_EQ(FormatDate(s.as_of()), "2024-01-01");

  ASSERT_EQ(s.by_category_size(), 3);  // sorted by key (UTF-8 byte order)
  int seen = 0;
  for (const v1::CaseCounts& c : s.by_category()) {
    seen += c.total();
    if (c.key() == "回迁房办证") {
      EXPECT_EQ(c.total(), 1);
      EXPECT_EQ(c.open(), 1);
      EXPECT_EQ(c.resolution_rate().display_percent(), "0.00");
    }
    if (c.key() == "劳动争议") {
      EXPECT_EQ(c.total(), 13);
    }
  }
  EXPECT_EQ(seen, 27);
  ASSERT_EQ(s.by_department_size(), 2);
  EXPECT_LT(s.by_department(0).key(), s.by_department(1).key());
}

TEST(LedgerStatsTest, Repeat4839LedgerIs11Of11AndCountsRepeats) {
  std::vector<v1::Case> cases;
  for (int i = 0; i < 11; ++i) {
    v1::Case c =
        OnLedger(CaseThrough(kReported, D(2023, 3, 1)), "4839", "企业拖欠养老保险", "社会事业局");
    c.set_is_repeat(true);
    cases.push_back(c);
  }
  v1::LedgerStats s = ComputeLedgerStats(Ledger("4839"), cases, DeadlinePolicy(), D(2024, 1, 1));
  EXPECT_EQ(s.totals().total(), 11);
  EXPECT_EQ(s.totals().resolved_and_reported(), 11);
  EXPECT_EQ(s.totals().repeat_cases(), 11);
  EXPECT_EQ(s.totals().resolution_rate().numerator(), "1");  // 11/11 reduced
  EXPECT_EQ(s.totals().resolution_rate().denominator(), "1");
  EXPECT_EQ(s.totals().resolution_rate().display_percent(), "100.00");
  EXPECT_EQ(s.totals().open(), 0);
  EXPECT_EQ(s.totals().overdue(), 0);
}

TEST(LedgerStatsTest, EmptyLedgerHasNoRate) {
  v1::LedgerStats s = ComputeLedgerStats(Ledger("none"), {}, DeadlinePolicy(), D(2024, 1, 1));
  EXPECT_EQ(s.totals().total(), 0);
  EXPECT_EQ(s.totals().resolution_rate().display_percent(), "");
}

TEST(LedgerStatsTest, ResolvedButNotReportedIsOpenNotCounted) {
  v1::Case c = OnLedger(CaseThrough(Path(kReported.begin(), kReported.end() - 1), D(2023, 3, 1)),
                        "x", "其他", "d");
  v1::LedgerStats s = ComputeLedgerStats(Ledger("x"), {c}, DeadlinePolicy(), D(2024, 1, 1));
  EXPECT_EQ(s.totals().resolved_and_reported(), 0);
  EXPECT_EQ(s.totals().open(), 1);
  EXPECT_EQ(s.totals().overdue(), 0);  // answered: nothing due from the office
}

// Categories and departments are free text, so a ledger can hold as many of them as cases; the
// breakdowns keep the largest groups only and sum the rest, so the stats stay small however many
// there are (they used to hold one entry per distinct value).
TEST(LedgerStatsTest, SizeIsBoundedWhateverTheCasesHold) {
  constexpr int kCases = 100000;
  std::vector<v1::Case> cases;
  cases.reserve(kCases);
  const v1::Case reported = CaseThrough(kReported, D(2023, 3, 1));
  for (int i = 0; i < kCases; ++i) {
    // Category "劳动争议" for one case in ten; otherwise a category of its own (48 bytes).
    const std::string category =
        i % 10 == 0 ? "劳动争议" : absl::StrCat("类别", std::string(36, 'x'), 1000000 + i);
    cases.push_back(
        OnLedger(reported, "wj", category, absl::StrCat("部门", std::string(80, 'y'), i)));
  }
  v1::LedgerStats s = ComputeLedgerStats(Ledger("wj"), cases, DeadlinePolicy(), D(2024, 1, 1));
  EXPECT_EQ(s.totals().total(), kCases);
  EXPECT_LT(s.ByteSizeLong(), 64u * 1024) << "the stats grow with the data";
  // The largest group is kept; the kept groups and the rest add up to the ledger.
  ASSERT_EQ(s.by_category_size(), kMaxBreakdownGroups);
  EXPECT_EQ(s.by_department_size(), kMaxBreakdownGroups);
  bool has_largest = false;
  int kept = 0;
  for (const auto& c : s.by_category()) {
    kept += c.total();
    if (c.key() == "劳动争议") has_largest = c.total() == kCases / 10;
  }
  EXPECT_TRUE(has_largest);
  EXPECT_EQ(kept + s.other_categories().total(), kCases);
  EXPECT_EQ(s.other_categories().resolved_and_reported(), s.other_categories().total());
  EXPECT_EQ(s.other_categories().resolution_rate().display_percent(), "100.00");
  EXPECT_EQ(s.omitted_category_count(), kCases - kCases / 10 + 1 - kMaxBreakdownGroups);
  EXPECT_EQ(s.omitted_department_count(), kCases - kMaxBreakdownGroups);
  for (int i = 1; i < s.by_category_size(); ++i) {
    EXPECT_LT(s.by_category(i - 1).key(), s.by_category(i).key());  // still sorted by key
  }
}

}  // namespace
}  // namespace gaoxin::petition
