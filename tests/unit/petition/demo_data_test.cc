// Replays the demo data set through the domain rules and checks the report's figures:
// 万件化访 26/27 with one case open on a resolution plan, '4839' 11/11 all repeat petitions.
#include "services/petition/demo/demo_data.h"

#include <map>

#include "gtest/gtest.h"
#include "services/petition/domain/identity_codes.h"
#include "services/petition/domain/ledger_stats.h"
#include "services/petition/domain/validation.h"

namespace gaoxin::petition {
namespace {

class DemoDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<DemoData> data = LoadDemoData(DefaultDemoPath());
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = *data;
    absl::StatusOr<PiiCipher> cipher = PiiCipher::FromRawKey(std::string(32, 'd'));
    ASSERT_TRUE(cipher.ok());
    absl::StatusOr<std::vector<v1::Case>> cases =
        ReplayDemoCases(data_, *cipher, DeadlinePolicy(), data_.as_of);
    ASSERT_TRUE(cases.ok()) << cases.status();
    cases_ = *cases;
    for (const v1::Case& c : cases_) by_id_[c.id()] = c;
  }

  const v1::Ledger& Ledger(const std::string& id) {
    for (const v1::Ledger& l : data_.ledgers) {
      if (l.id() == id) return l;
    }
    ADD_FAILURE() << "no ledger " << id;
    return data_.ledgers.front();
  }

  DemoData data_;
  std::vector<v1::Case> cases_;
  std::map<std::string, v1::Case> by_id_;
};

TEST_F(DemoDataTest, WanJianHuaFangLedgerIs26Of27) {
  v1::LedgerStats s =
      ComputeLedgerStats(Ledger("wanjian-2023"), cases_, DeadlinePolicy(), data_.as_of);
  EXPECT_EQ(s.totals().total(), 27);
  EXPECT_EQ(s.totals().resolved_and_reported(), 26);
  EXPECT_EQ(s.totals().resolution_rate().numerator(), "26");
  EXPECT_EQ(s.totals().resolution_rate().denominator(), "27");
  EXPECT_EQ(s.totals().resolution_rate().display_percent(), "96.30");
  EXPECT_EQ(s.totals().open(), 1);
  const v1::Case& open = by_id_.at("WJ2023-27");
  EXPECT_EQ(open.status(), v1::CASE_STATUS_IN_PROGRESS);
  EXPECT_FALSE(open.resolution_plan().empty());
  EXPECT_EQ(open.extension().days(), 30);
}

TEST_F(DemoDataTest, Repeat4839LedgerIs11Of11AllRepeats) {
  v1::LedgerStats s =
      ComputeLedgerStats(Ledger("repeat-4839-2023"), cases_, DeadlinePolicy(), data_.as_of);
  EXPECT_EQ(s.totals().total(), 11);
  EXPECT_EQ(s.totals().resolved_and_reported(), 11);
  EXPECT_EQ(s.totals().repeat_cases(), 11);
  EXPECT_EQ(s.totals().resolution_rate().display_percent(), "100.00");
  EXPECT_EQ(by_id_.at("CF4839-01").repeat_of_case_ids(0), "OLD2022-01");
}

TEST_F(DemoDataTest, PlanMattersArePresentAndOpen) {
  std::map<std::string, int> open_by_category;
  for (const v1::Case& c : cases_) {
    for (const std::string& l : c.ledger_ids()) {
      if (l == "plan-2024" && c.status() != v1::CASE_STATUS_REPORTED)
        ++open_by_category[c.category()];
    }
  }
  for (const char* category :
       {"企业未移交", "回迁房办证", "网点抵押", "杰超热电厂", "企业拖欠养老保险"}) {
    EXPECT_EQ(open_by_category[category], 1) << category;
  }
  // The 2024 回迁房 petition comes from the same petitioner as the open 2023 case.
  EXPECT_TRUE(by_id_.at("P2024-02").is_repeat());
  EXPECT_EQ(by_id_.at("P2024-02").repeat_of_case_ids(0), "WJ2023-27");
  EXPECT_EQ(by_id_.at("P2024-01").petitioner_count(), 33);
}

TEST_F(DemoDataTest, PersonalDataIsFictionalButWellFormed) {
  for (const v1::Case& c : cases_) {
    EXPECT_TRUE(IsValidResidentId(c.petitioner().id_number(), data_.as_of)) << c.id();
    EXPECT_EQ(c.petitioner().id_number().substr(0, 6), "210999") << c.id();
    EXPECT_NE(c.petitioner().name().find("某某"), std::string::npos) << c.id();
    EXPECT_EQ(c.petitioner().phone().substr(0, 6), "139000") << c.id();
  }
  EXPECT_EQ(data_.meetings.size(), 3u);
  for (const v1::Meeting& m : data_.meetings) {
    FieldViolations v;
    ValidateMeetingInput(m, "meeting", data_.as_of, &v);
    EXPECT_TRUE(v.empty()) << m.id() << ": " << v.ToStatus();
    for (const std::string& id : m.case_ids()) EXPECT_EQ(by_id_.count(id), 1u) << id;
  }
}

}  // namespace
}  // namespace gaoxin::petition
