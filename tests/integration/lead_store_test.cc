// LeadStore on both stores (a real SQLite file, a real PostgreSQL schema): idempotent creates,
// rules applied inside the write, etags, filters and keyset pages.
#include "services/leads/lead_store.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "common/money.h"
#include "common/status_macros.h"
#include "gtest/gtest.h"
#include "services/leads/domain/year_summary.h"
#include "tests/support/store_fixture.h"

namespace gaoxin::leads {
namespace {

using db::SqlValue;
using testing::Await;

class LeadStoreTest : public testing::StoreTest<LeadStore> {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase("leads"));
    store_ = std::make_unique<LeadStore>(db_.get(), [] { return absl::Now(); });
  }

  absl::StatusOr<v1::Lead> Create(const std::string& name, const std::string& request_id,
                                  common::v1::Date date = MakeDate(2023, 1, 1)) {
    v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(name);
    req.mutable_lead()->set_industry_chain(common::v1::INDUSTRY_CHAIN_GREEN_FOOD);
    *req.mutable_effective_date() = date;
    req.set_request_id(request_id);
    return Await<v1::Lead>([&](Done<v1::Lead> done) {
      store_->CreateLead(req, "tester", {req.request_id(), ""}, done);
    });
  }

  absl::StatusOr<v1::Lead> Move(const std::string& id, v1::Stage to, common::v1::Date date,
                                const std::string& etag = "") {
    StageMove m;
    m.to_stage = to;
    m.effective_date = date;
    m.actor = "tester";
    if (to == v1::STAGE_SIGNED) m.signed_amount = Yuan(100);
    return Await<v1::Lead>([&](Done<v1::Lead> done) { store_->TransitionLead(id, m, etag, done); });
  }

  std::unique_ptr<LeadStore> store_;
};

TEST_P(LeadStoreTest, RetriedCreateReturnsTheOriginal) {
  auto a = Create("中阜食品项目", "req-1");
  auto b = Create("中阜食品项目", "req-1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id(), b->id());
  int64_t revision = 0;
  auto page = store_->ListLeads({}, Page{}, &revision);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_GT(revision, 0);
}

TEST_P(LeadStoreTest, TransitionsAreCheckedAgainstTheStoredLead) {
  auto lead = Create("梓睿食品项目", "");
  ASSERT_TRUE(lead.ok());
  auto skipped = Move(lead->id(), v1::STAGE_SIGNED, MakeDate(2023, 2, 1));
  EXPECT_EQ(skipped.status().code(), absl::StatusCode::kFailedPrecondition);
  auto moved = Move(lead->id(), v1::STAGE_NEGOTIATING, MakeDate(2023, 2, 1), lead->etag());
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_NE(moved->etag(), lead->etag());
  // The etag read before the move is now stale.
  auto stale = Move(lead->id(), v1::STAGE_SIGNED, MakeDate(2023, 3, 1), lead->etag());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  auto got = store_->GetLead(lead->id());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->stage(), v1::STAGE_NEGOTIATING);
  EXPECT_EQ(got->history_size(), 2);
}

TEST_P(LeadStoreTest, FiltersByStageAndYearAndPages) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Create("L" + std::to_string(i), "").ok());
  auto old = Create("old", "", MakeDate(2021, 6, 1));
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(Move(old->id(), v1::STAGE_NEGOTIATING, MakeDate(2022, 1, 1)).ok());
  int64_t rev;
  LeadFilter by_stage;
  by_stage.stage = v1::STAGE_NEGOTIATING;
  EXPECT_EQ(store_->ListLeads(by_stage, Page{}, &rev)->items.size(), 1u);
  LeadFilter by_year;
  by_year.year = 2022;
  EXPECT_EQ(store_->ListLeads(by_year, Page{}, &rev)->items.size(), 1u);
  by_year.year = 2023;
  EXPECT_EQ(store_->ListLeads(by_year, Page{}, &rev)->items.size(), 5u);

  std::set<std::string> seen;
  Page page;
  page.size = 2;
  int pages = 0;
  while (true) {
    auto result = store_->ListLeads({}, page, &rev);
    ASSERT_TRUE(result.ok());
    for (const auto& l : result->items) EXPECT_TRUE(seen.insert(l.id()).second);
    ++pages;
    if (result->next_after_key.empty()) break;
    page.after_key = result->next_after_key;
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(pages, 3);
}

TEST_P(LeadStoreTest, ForEachReadsEveryRowInIdOrderAChunkAtATimeAndStopsWhenAsked) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(Create("L" + std::to_string(i), "").ok());
  auto moved = Create("moved", "");
  ASSERT_TRUE(moved.ok());
  ASSERT_TRUE(Move(moved->id(), v1::STAGE_NEGOTIATING, MakeDate(2023, 2, 1)).ok());
  // The leads table read on its own: ForEach needs only the table's name.
  const db::ResourceTable<v1::Lead> leads("leads", "lead", {},
                                          [](const v1::Lead&) { return std::vector<SqlValue>{}; });
  std::vector<std::string> all, negotiating, first_three, after_third;
  absl::Status s = db_->Read([&](db::Transaction& tx) -> absl::Status {
    auto collect = [](std::vector<std::string>* out, int stop_at) {
      return [out, stop_at](v1::Lead&& l) {
        out->push_back(l.id());
        return static_cast<int>(out->size()) != stop_at;
      };
    };
    RETURN_IF_ERROR(leads.ForEach(tx, "", {}, "", collect(&all, -1), /*chunk_rows=*/2));
    RETURN_IF_ERROR(
        leads.ForEach(tx, "stage = ?", {v1::STAGE_NEGOTIATING}, "", collect(&negotiating, -1), 2));
    RETURN_IF_ERROR(leads.ForEach(tx, "", {}, "", collect(&first_three, 3), 2));
    return leads.ForEach(tx, "", {}, first_three.back(), collect(&after_third, -1), 3);
  });
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(all.size(), 8u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 8u);
  EXPECT_EQ(negotiating, std::vector<std::string>{moved->id()});
  EXPECT_EQ(first_three, std::vector<std::string>(all.begin(), all.begin() + 3));
  EXPECT_EQ(after_third, std::vector<std::string>(all.begin() + 3, all.end()));
}

// The year summary is folded over the store a chunk at a time (memory does not grow with the
// leads); across chunk boundaries it must count exactly what the rule counts over every lead.
TEST_P(LeadStoreTest, TheStreamedYearSummaryCountsEveryLeadAcrossChunks) {
  constexpr int kLeads = 2 * db::ResourceTable<v1::Lead>::kForEachChunkRows + 37;
  std::vector<absl::Notification> created(kLeads);
  std::atomic<int> failed{0};
  for (int i = 0; i < kLeads; ++i) {
    v1::CreateLeadRequest req;
    req.mutable_lead()->set_name(absl::StrCat("L", i));
    req.mutable_lead()->set_industry_chain(i % 3 == 0 ? common::v1::INDUSTRY_CHAIN_GREEN_FOOD
                                                      : common::v1::INDUSTRY_CHAIN_CAPACITORS);
    *req.mutable_lead()->mutable_planned_investment() = Yuan(1000 + i);
    *req.mutable_effective_date() = MakeDate(2023, 1 + i % 12, 1);
    store_->CreateLead(req, "tester", {}, [&, i](absl::StatusOr<v1::Lead> r) {
      if (!r.ok()) failed.fetch_add(1);
      created[i].Notify();
    });
  }
  for (auto& n : created) n.WaitForNotification();
  ASSERT_EQ(failed.load(), 0);

  std::vector<v1::Lead> every;
  Page page;
  page.size = 500;
  int64_t rev = 0;
  while (true) {
    auto result = store_->ListLeads({}, page, &rev);
    ASSERT_TRUE(result.ok()) << result.status();
    for (auto& l : result->items) every.push_back(std::move(l));
    if (result->next_after_key.empty()) break;
    page.after_key = result->next_after_key;
  }
  ASSERT_EQ(every.size(), static_cast<size_t>(kLeads));
  const absl::CivilDay today(2026, 1, 1);
  auto expected = ComputeYearSummary(2023, today, every, {}, {});
  ASSERT_TRUE(expected.ok()) << expected.status();

  YearSummaryBuilder builder(2023, today);
  auto revision = store_->FoldSummaryInputs(2023, &builder);
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(*revision, rev);
  auto streamed = builder.Finish();
  ASSERT_TRUE(streamed.ok()) << streamed.status();
  EXPECT_EQ(streamed->SerializeAsString(), expected->SerializeAsString());
  int64_t by_stage = 0;
  for (const auto& s : streamed->by_stage()) by_stage += s.tally().count();
  EXPECT_EQ(by_stage, kLeads);
}

TEST_P(LeadStoreTest, FundingForAMissingLeadIsNotFound) {
  v1::Funding f;
  f.set_lead_id("lead-00000000000000ff");
  *f.mutable_amount() = Yuan(5);
  *f.mutable_arrival_date() = MakeDate(2023, 1, 1);
  auto r = Await<v1::Funding>([&](Done<v1::Funding> done) { store_->RecordFunding(f, {}, done); });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

GAOXIN_ON_EVERY_STORE(LeadStoreTest);

}  // namespace
}  // namespace gaoxin::leads
