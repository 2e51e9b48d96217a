#include "services/enterprise/domain/cultivation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/money.h"
#include "gtest/gtest.h"
#include "tests/unit/enterprise/test_util.h"

namespace gaoxin::enterprise {
namespace {

using test_util::Report;
using test_util::YuanNanos;

const absl::CivilDay kToday(2024, 1, 15);

v1::Enterprise Ent(const std::string& id, bool above_scale = false) {
  v1::Enterprise e;
  e.set_id(id);
  e.set_name(id + " 有限公司");
  e.set_above_scale(above_scale);
  e.set_status(v1::ENTERPRISE_STATUS_OPERATING);
  return e;
}

void AddTitle(v1::Enterprise* e, v1::TitleKind kind, common::v1::Date grant,
              common::v1::Date expiry = {}) {
  v1::Title* t = e->add_titles();
  t->set_kind(kind);
  *t->mutable_grant_date() = grant;
  if (expiry.year() != 0) *t->mutable_expiry_date() = expiry;
}

CultivationInput In(const v1::Enterprise& e, int64_t last12, int64_t prev12 = 0, int months = 12) {
  CultivationInput in;
  in.enterprise = e;
  in.last_12_month_revenue = YuanNanos(last12);
  in.previous_12_month_revenue = YuanNanos(prev12);
  in.last_12_months_reported = months;
  in.previous_12_months_reported = months;
  return in;
}

std::vector<std::string> Ids(const std::vector<v1::CultivationCandidate>& c) {
  std::vector<std::string> out;
  for (const auto& x : c) out.push_back(x.enterprise_id());
  return out;
}

TEST(CultivationTest, AboveScaleFromEightyPercentOfTheLine) {
  v1::Enterprise stopped = Ent("stopped");
  stopped.set_status(v1::ENTERPRISE_STATUS_STOPPED);
  std::vector<CultivationInput> in = {
      In(Ent("at80"), 16000000),       // exactly 80%: candidate
      In(Ent("below"), 15999999),      // just below
      In(Ent("over"), 21000000),       // already past the line, not yet 规上
      In(Ent("big", true), 90000000),  // already above scale
      In(stopped, 19000000),           // stopped
  };
  auto c = FindCultivationCandidates(v1::CULTIVATION_TARGET_ABOVE_SCALE, in, kToday, {});
  EXPECT_EQ(Ids(c), (std::vector<std::string>{"over", "at80"}));
  EXPECT_EQ(c[1].threshold_progress().numerator(), "4");
  EXPECT_EQ(c[1].threshold_progress().denominator(), "5");
  EXPECT_EQ(c[1].target(), v1::CULTIVATION_TARGET_ABOVE_SCALE);
  ASSERT_EQ(c[1].evidence_size(), 1);
  EXPECT_NE(c[1].evidence(0).find("80.00%"), std::string::npos) << c[1].evidence(0);
}

TEST(CultivationTest, HighTechNeedsAYearAsTechSmeThroughRenewals) {
  v1::Enterprise renewed = Ent("renewed");  // 2022 and 2023 certificates back to back
  AddTitle(&renewed, v1::TITLE_KIND_TECH_SME, MakeDate(2022, 6, 1), MakeDate(2023, 6, 1));
  AddTitle(&renewed, v1::TITLE_KIND_TECH_SME, MakeDate(2023, 6, 1), MakeDate(2024, 6, 1));
  v1::Enterprise fresh = Ent("fresh");
  AddTitle(&fresh, v1::TITLE_KIND_TECH_SME, MakeDate(2023, 6, 1), MakeDate(2024, 6, 1));
  v1::Enterprise exactly = Ent("exactly");
  AddTitle(&exactly, v1::TITLE_KIND_TECH_SME, MakeDate(2023, 1, 15));
  v1::Enterprise already = Ent("already");
  AddTitle(&already, v1::TITLE_KIND_TECH_SME, MakeDate(2020, 1, 1));
  AddTitle(&already, v1::TITLE_KIND_HIGH_TECH, MakeDate(2021, 1, 1), MakeDate(2024, 1, 1 + 30));
  auto c = FindCultivationCandidates(v1::CULTIVATION_TARGET_HIGH_TECH,
                                     {In(renewed, 5), In(fresh, 5), In(exactly, 5), In(already, 5)},
                                     kToday, {});
  EXPECT_EQ(Ids(c), (std::vector<std::string>{"exactly", "renewed"}));
  EXPECT_NE(c[1].evidence(0).find("2022-06-01"), std::string::npos) << c[1].evidence(0);
}

TEST(CultivationTest, SpecializedAndLittleGiant) {
  v1::Enterprise hightech = Ent("hightech", true);
  AddTitle(&hightech, v1::TITLE_KIND_HIGH_TECH, MakeDate(2022, 1, 1), MakeDate(2025, 1, 1));
  v1::Enterprise spec = Ent("spec", true);
  AddTitle(&spec, v1::TITLE_KIND_SPECIALIZED, MakeDate(2022, 12, 1));
  auto s = FindCultivationCandidates(v1::CULTIVATION_TARGET_SPECIALIZED,
                                     {In(hightech, 10000000), In(spec, 50000000)}, kToday, {});
  EXPECT_EQ(Ids(s), (std::vector<std::string>{"hightech"}));
  auto g = FindCultivationCandidates(v1::CULTIVATION_TARGET_LITTLE_GIANT,
                                     {In(hightech, 200000000), In(spec, 100000000)}, kToday, {});
  EXPECT_EQ(Ids(g), (std::vector<std::string>{"spec"}));
  EXPECT_TRUE(FindCultivationCandidates(v1::CULTIVATION_TARGET_LITTLE_GIANT, {In(spec, 99999999)},
                                        kToday, {})
                  .empty());
}

TEST(CultivationTest, GrowthRungsNeedFullWindowsAndExactGrowth) {
  v1::Enterprise sme = Ent("sme");
  AddTitle(&sme, v1::TITLE_KIND_TECH_SME, MakeDate(2023, 3, 1));
  v1::Enterprise ht = Ent("ht", true);
  AddTitle(&ht, v1::TITLE_KIND_HIGH_TECH, MakeDate(2022, 1, 1));
  auto f = FindCultivationCandidates(v1::CULTIVATION_TARGET_FLEDGLING, {In(sme, 1100000, 1000000)},
                                     kToday, {});
  EXPECT_EQ(Ids(f), (std::vector<std::string>{"sme"}));
  EXPECT_TRUE(FindCultivationCandidates(v1::CULTIVATION_TARGET_FLEDGLING,
                                        {In(sme, 1099999, 1000000)}, kToday, {})
                  .empty());
  EXPECT_TRUE(FindCultivationCandidates(v1::CULTIVATION_TARGET_FLEDGLING,
                                        {In(sme, 1100000, 1000000, /*months=*/11)}, kToday, {})
                  .empty());
  auto z =
      FindCultivationCandidates(v1::CULTIVATION_TARGET_GAZELLE,
                                {In(ht, 1200000, 1000000), In(sme, 9000000, 1000000)}, kToday, {});
  EXPECT_EQ(Ids(z), (std::vector<std::string>{"ht"}));
}

TEST(CultivationTest, Listing) {
  v1::Enterprise giant = Ent("giant", true);
  AddTitle(&giant, v1::TITLE_KIND_LITTLE_GIANT, MakeDate(2023, 1, 1));
  v1::Enterprise big = Ent("big", true);
  v1::Enterprise mid = Ent("mid", true);
  auto c = FindCultivationCandidates(v1::CULTIVATION_TARGET_LISTED,
                                     {In(giant, 150000000), In(big, 300000000), In(mid, 299999999)},
                                     kToday, {});
  EXPECT_EQ(Ids(c), (std::vector<std::string>{"big", "giant"}));
}

TEST(CultivationTest, InputFromReports) {
  std::vector<v1::MonthlyReport> reports;
  for (int m = 1; m <= 12; ++m) {
    reports.push_back(Report("e", absl::StrCat("2022-", m < 10 ? "0" : "", m), 0, 1000000));
    reports.push_back(Report("e", absl::StrCat("2023-", m < 10 ? "0" : "", m), 0, 1500000));
  }
  CultivationInput in =
      CultivationInputOf(Ent("e"), LatestByPeriod(reports), absl::CivilMonth(2023, 12));
  EXPECT_EQ(in.last_12_month_revenue, YuanNanos(18000000));
  EXPECT_EQ(in.previous_12_month_revenue, YuanNanos(12000000));
  EXPECT_EQ(in.last_12_months_reported, 12);
  EXPECT_EQ(in.previous_12_months_reported, 12);
  CultivationInput shifted =
      CultivationInputOf(Ent("e"), LatestByPeriod(reports), absl::CivilMonth(2023, 6));
  EXPECT_EQ(shifted.last_12_month_revenue, YuanNanos(6 * 1000000 + 6 * 1500000));
  EXPECT_EQ(shifted.previous_12_months_reported, 6);
}

}  // namespace
}  // namespace gaoxin::enterprise
